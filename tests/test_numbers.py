"""Every number a notebook's text quotes comes from a recorded run: records/<notebook>.json holds what a
full-profile run of the notebook printed, with the hash of its code (grading/record.py). A record whose notebook's
code changed since is stale and fails with the command that refreshes it; a quoted number (a decimal or a percent,
outside maths and code) that neither the record printed, nor a shipped checkpoint's card holds, nor the code (the
notebook's or the course library's) sets fails with its cell."""
import json
import re
from functools import cache

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


@cache
def printed_by(notebook: str) -> frozenset[str]:
    found = set()
    for cell in record.load(notebook)["cells"]:
        found |= record.printed_numbers(cell["printed"])
    return frozenset(found)


def test_the_wasserstein_notebook_has_a_record():
    assert "05_dcgan" in RECORDED


@pytest.mark.parametrize("notebook", RECORDED)
def test_the_record_is_the_notebooks_current_code(notebook):
    problem = record.stale(notebook)
    assert problem is None, problem


def library_code() -> str:
    """The course library's source: the settings a notebook's text may quote (a transaction anomaly's 2.5 std)."""
    return "\n".join(p.read_text() for p in sorted((record.ROOT / "course_lib").rglob("*.py")))


def cards() -> set[str]:
    """The numbers of the shipped checkpoints' cards (the records of the runs that trained them), shares as
    percents too (a card's 0.648 is the text's 64.8%)."""
    found = set()
    for card in (record.ROOT / "course_lib" / "assets").glob("*.json"):
        numbers = record.printed_numbers(card.read_text())
        found |= numbers
        for n in list(numbers):
            if n.startswith("0.") and len(n) > 3:
                found |= record.printed_numbers(f"{100 * float(n):.{max(0, len(n) - 4)}f}%")
    return found


def named_in(text: str) -> set[str]:
    """What the records of the notebooks a text names ("notebook 05", "05's") printed: a text may quote them."""
    names = {n for n in RECORDED for k in re.findall(r"\b(\d\d)(?:'s|\b)", text) if n.startswith(k)}
    return set().union(*(printed_by(n) for n in names)) if names else set()


@pytest.mark.parametrize("notebook", RECORDED)
def test_every_number_the_text_quotes_was_printed_by_the_record(notebook):
    printed, code = printed_by(notebook) | cards(), code_of(notebook) + library_code()
    wrong = [f"cell {i}: {', '.join(missing)}" for i, text in texts_of(notebook)
             if (missing := record.unsupported(text, printed | named_in(text), code))]
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


# ---- the texts beside the notebooks: the quiz (questions, explanations, model answers, rubrics) and the README

def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


DURATION = re.compile(r"\b\d+(\.\d+)? ?(min|s|h)\b")


def course_texts() -> list[tuple[str, str]]:
    """(where, text) for every string of quiz/*.yaml and each paragraph of README.md."""
    import yaml
    out = []
    for path in sorted((record.ROOT / "quiz").glob("*.yaml")):
        for item in yaml.safe_load(path.read_text()):
            out += [(f"{path.name} {item.get('id', item.get('term', '?'))}", s) for s in _strings(item)]
    readme = (record.ROOT / "README.md").read_text().split("\n\n")
    # the course map's run times are timings of idle machines (docs/benchmarks.md), not a record's printed numbers
    out += [(f"README.md paragraph {i}", DURATION.sub(" ", p)) for i, p in enumerate(readme)]
    return out


def everything_printed() -> set[str]:
    """What every record printed, what every notebook's code sets, and the shipped checkpoints' cards (the records
    of the training runs behind them)."""
    found = set()
    for notebook in RECORDED:
        found |= printed_by(notebook) | record.printed_numbers(code_of(notebook))
    return found | cards() | record.printed_numbers(library_code())


ALL_NOTEBOOKS = sorted(p.name for p in (record.ROOT / "solutions").iterdir()
                       if p.is_dir() and not p.name.startswith(("09", "10")))


@pytest.mark.skipif(set(ALL_NOTEBOOKS) - set(RECORDED), reason="needs every notebook's record")
def test_every_number_the_quiz_and_readme_quote_was_printed_by_a_record():
    printed = everything_printed()
    wrong = [f"{where}: {', '.join(missing)}" for where, text in course_texts()
             if (missing := record.unsupported(text, printed, ""))]
    assert not wrong, "numbers that no record printed:\n" + "\n".join(wrong)


def test_a_probes_data_is_left_out_of_the_record():
    from course_lib.teaching import probes
    assert record.PROBE_MARK == probes.MARK
    cell = {"outputs": [{"output_type": "stream", "text": f"loss 0.25\n{probes.MARK}UEsDBAAA1.5\ndone\n"}]}
    assert record._printed(cell) == "loss 0.25\ndone\n"
