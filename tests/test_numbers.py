"""Every number a notebook's text quotes comes from a recorded run: records/<notebook>.json holds what a
full-profile run of the notebook printed, with the hash of its code (grading/record.py). A record whose notebook's
code changed since is stale and fails with the command that refreshes it; a quoted number (a decimal or a percent,
outside maths and code) that neither the record printed nor the code sets fails with its cell."""
import json

import nbformat
import pytest

from grading import record

RECORDED = sorted(p.stem for p in record.RECORDS.glob("*.json"))


def texts_of(notebook: str) -> list[tuple[int, str]]:
    nb = nbformat.read(record.solution_path(notebook), as_version=4)
    return [(i, c.source) for i, c in enumerate(nb.cells) if c.cell_type == "markdown"]


def code_of(notebook: str) -> str:
    nb = nbformat.read(record.solution_path(notebook), as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "code")


def printed_by(notebook: str) -> set[str]:
    found = set()
    for cell in record.load(notebook)["cells"]:
        found |= record.printed_numbers(cell["printed"])
    return found


def test_the_wasserstein_notebook_has_a_record():
    assert "05_dcgan" in RECORDED


@pytest.mark.parametrize("notebook", RECORDED)
def test_the_record_is_the_notebooks_current_code(notebook):
    problem = record.stale(notebook)
    assert problem is None, problem


@pytest.mark.parametrize("notebook", RECORDED)
def test_every_number_the_text_quotes_was_printed_by_the_record(notebook):
    printed, code = printed_by(notebook), code_of(notebook)
    wrong = [f"cell {i}: {', '.join(missing)}" for i, text in texts_of(notebook)
             if (missing := record.unsupported(text, printed, code))]
    assert not wrong, (f"{notebook}: numbers its text quotes that the record (records/{notebook}.json) never printed "
                       "and the code does not set:\n" + "\n".join(wrong))


def test_a_number_changed_by_hand_fails():
    notebook = "05_dcgan"
    printed, code = printed_by(notebook), code_of(notebook)
    cell, text = next((i, t) for i, t in texts_of(notebook) if record.quoted_numbers(t))
    assert record.unsupported(text, printed, code) == []
    number = record.quoted_numbers(text)[0]
    changed = text.replace(number, "9" + number, 1)
    assert record.unsupported(changed, printed, code) == ["9" + number], f"cell {cell}: {number} -> 9{number}"


def test_maths_and_code_are_not_read_as_quotes():
    assert record.quoted_numbers("JS is $\\log 2 \\approx 0.693$ and `lr=2e-4`; recall 0.65, 12% of modes") == \
        ["0.65", "12%"]


def test_a_stale_record_names_the_command_that_refreshes_it(tmp_path, monkeypatch):
    notebook = RECORDED[0]
    fake = dict(record.load(notebook), code_sha256="0" * 64)
    monkeypatch.setattr(record, "RECORDS", tmp_path)
    (tmp_path / f"{notebook}.json").write_text(json.dumps(fake))
    assert f"python -m grading record {notebook}" in record.stale(notebook)
