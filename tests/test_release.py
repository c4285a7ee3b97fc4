"""notebooks/ is generated from solutions/ by nbgrader, holds no solutions or hidden
tests, and carries no outputs."""
import json
import shutil

import nbformat
import pytest
from nbgrading import (
    HIDDEN_RE,
    ROOT,
    SOLUTION_RE,
    assignments,
    hidden_blocks,
    nbgrader_meta,
    run_nbgrader,
    solution_blocks,
    source_notebook,
)


def _release_files(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    course = tmp_path_factory.mktemp("course")
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "solutions", course / "solutions", ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    run_nbgrader("generate_assignment", "*", "--force", "--no-db", cwd=course)   # every assignment, one start
    return course / "notebooks"


@pytest.mark.slow
def test_release_is_in_sync_with_solutions(regenerated):
    committed = ROOT / "notebooks"
    assert _release_files(regenerated) == _release_files(committed), \
        "notebooks/ and solutions/ hold different files: run `make release` and commit notebooks/"
    for rel in _release_files(committed):
        if rel.endswith(".ipynb"):
            fresh = json.loads((regenerated / rel).read_text())
            assert fresh == json.loads((committed / rel).read_text()), \
                f"notebooks/{rel} is out of date: edit solutions/, then run `make release` and commit"


def _release(assignment):
    return nbformat.read(ROOT / "notebooks" / assignment / f"{assignment}.ipynb", as_version=4)


@pytest.mark.parametrize("assignment", assignments())
def test_no_solution_or_hidden_test_leaks_into_release(assignment):
    source = nbformat.read(source_notebook(assignment), as_version=4)
    release = _release(assignment)
    release_code = "\n".join(c.source for c in release.cells if c.cell_type == "code")
    release_all = "\n".join(c.source for c in release.cells)
    assert "BEGIN SOLUTION" not in release_all and "BEGIN HIDDEN TESTS" not in release_all
    # text the source shows publicly (outside solutions and hidden tests) is no leak
    public = "\n".join(HIDDEN_RE.sub("", SOLUTION_RE.sub("", c.source)) for c in source.cells)
    secret_lines = 0
    for cell in source.cells:
        for block in solution_blocks(cell.source) + hidden_blocks(cell.source):
            for line in block.splitlines():
                if cell.cell_type == "code":
                    text, haystack = line.split("#")[0].strip(), release_code
                    if len(text) < 20:
                        continue
                else:
                    text, haystack = line.strip(), release_all
                    if len(text) < 30:
                        continue
                if text in public:
                    continue
                secret_lines += 1
                assert text not in haystack, f"{assignment}: solution or hidden test leaked: {text!r}"
    graded = any(nbgrader_meta(c).get("grade") for c in source.cells)
    assert secret_lines > 0 or not graded


@pytest.mark.parametrize("folder", ["solutions", "notebooks"])
def test_committed_notebooks_have_no_outputs(folder):
    for path in (ROOT / folder).rglob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        dirty = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and (c.outputs or c.execution_count)]
        assert not dirty, f"{path.relative_to(ROOT)} has outputs in cells {dirty}: clear them before committing"


@pytest.mark.parametrize("assignment", assignments())
def test_every_exercise_has_visible_and_hidden_tests(assignment):
    source = nbformat.read(source_notebook(assignment), as_version=4)
    tests = [c for c in source.cells if nbgrader_meta(c).get("grade") and c.cell_type == "code"]
    solutions = [c for c in source.cells if nbgrader_meta(c).get("solution") and c.cell_type == "code"]
    if not solutions:
        return
    if source.metadata.get("course", {}).get("quiz"):  # one check cell per answer: format visible, answer hidden
        assert len(tests) == len(solutions) and all(hidden_blocks(c.source) for c in tests)
        return
    assert len(tests) >= 2 * len(solutions)
    assert sum(bool(hidden_blocks(c.source)) for c in tests) >= len(solutions)
