"""Helpers that drive real nbgrader in a throw-away course directory.

Grading tests must not re-run trainings, so ``reduced`` keeps only the cells a grade
depends on: those tagged ``setup`` and nbgrader's solution and test cells.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NBGRADER = [sys.executable, "-m", "nbgrader"]
SOLUTION_RE = re.compile(r"^[ \t]*### BEGIN SOLUTION[ \t]*\n(.*?)^[ \t]*### END SOLUTION[ \t]*\n?", re.S | re.M)
HIDDEN_RE = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS[ \t]*\n(.*?)^[ \t]*### END HIDDEN TESTS[ \t]*\n?", re.S | re.M)


@dataclass
class Mutant:
    """A plausible wrong answer: replace ``old`` by ``new`` in solution cell ``cell``;
    each grade cell in ``loses`` must then score less than its maximum."""

    name: str
    cell: str
    old: str
    new: str
    loses: list = field(default_factory=list)
    hidden_only: str = ""   # why the visible tests cannot catch it (one line); empty: they must


@dataclass
class Variant:
    """A correct answer written differently from the reference: ``code`` replaces the whole
    solution cell ``cell``; it must keep full points and pass the visible tests."""

    name: str
    cell: str
    code: str


def assignments() -> list[str]:
    return sorted(p.name for p in (ROOT / "solutions").iterdir() if p.is_dir() and p.name[:2].isdigit())


def source_notebook(assignment: str) -> Path:
    return ROOT / "solutions" / assignment / f"{assignment}.ipynb"


def nbgrader_meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def is_graded(nb) -> bool:
    return any(nbgrader_meta(c).get("grade") for c in nb.cells)


def solution_code(source: str) -> str:
    """A solution cell as a learner who solved it would leave it: delimiters gone."""
    return SOLUTION_RE.sub(lambda m: m.group(1), source)


def solution_blocks(source: str) -> list[str]:
    return SOLUTION_RE.findall(source)


def hidden_blocks(source: str) -> list[str]:
    return HIDDEN_RE.findall(source)


def reduced(nb):
    """Only the setup cells and nbgrader's cells, in order."""
    nb = nbformat.from_dict(nb)
    nb.cells = [c for c in nb.cells if "setup" in c.metadata.get("tags", []) or nbgrader_meta(c)]
    return nb


def run_nbgrader(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    # nbgrader runs helpers such as `alembic` by name: the venv's bin must come first on PATH
    env = {**os.environ, "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])}
    proc = subprocess.run([*NBGRADER, *args], cwd=cwd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc


def make_course(tmp: Path, assignment: str, reduce: bool = True) -> Path:
    """A course directory with one (reduced) assignment, released: a copy of a release generated
    once for these exact inputs (source notebook, nbgrader_config.py, nbgrader's version) and kept
    in a cache that every pytest-xdist worker shares, so a test run generates each release once."""
    shutil.copytree(_released(assignment, reduce), tmp, dirs_exist_ok=True, symlinks=True)
    return tmp


def _released(assignment: str, reduce: bool) -> Path:
    import hashlib
    import tempfile

    import nbgrader
    from filelock import FileLock

    nb = nbformat.read(source_notebook(assignment), as_version=4)
    text = nbformat.writes(reduced(nb) if reduce else nb)
    key = hashlib.sha256("\0".join([text, (ROOT / "nbgrader_config.py").read_text(), nbgrader.__version__,
                                     assignment]).encode()).hexdigest()[:16]
    cache = Path(tempfile.gettempdir()) / "course-releases"
    cache.mkdir(exist_ok=True)
    done = cache / f"{assignment}-{key}"
    with FileLock(str(done) + ".lock"):
        if not done.is_dir():
            work = Path(tempfile.mkdtemp(prefix=f"{assignment}-", dir=cache))
            shutil.copy(ROOT / "nbgrader_config.py", work / "nbgrader_config.py")
            src = work / "solutions" / assignment
            src.mkdir(parents=True)
            (src / f"{assignment}.ipynb").write_text(text)
            try:
                run_nbgrader("generate_assignment", assignment, "--force", cwd=work)
            except BaseException:
                shutil.rmtree(work, ignore_errors=True)
                raise
            work.rename(done)   # complete or absent: never half a release
    return done


def submit(course: Path, assignment: str, student: str, fill: dict[str, str]) -> None:
    """Submit the release with the solution cells named in ``fill`` replaced by the given code."""
    release = nbformat.read(course / "notebooks" / assignment / f"{assignment}.ipynb", as_version=4)
    for cell in release.cells:
        grade_id = nbgrader_meta(cell).get("grade_id")
        if grade_id in fill:
            cell.source = fill[grade_id]
    dest = course / "submitted" / student / assignment
    dest.mkdir(parents=True)
    nbformat.write(release, dest / f"{assignment}.ipynb")


def solutions_of(assignment: str) -> dict[str, str]:
    """grade_id -> solved source, for every solution cell (code, or a written answer)."""
    nb = nbformat.read(source_notebook(assignment), as_version=4)
    return {nbgrader_meta(c)["grade_id"]: solution_code(c.source) for c in nb.cells
            if nbgrader_meta(c).get("solution")}


def exercises_of(assignment: str) -> set[str]:
    """grade_ids of the autograded exercises: the code solution cells."""
    nb = nbformat.read(source_notebook(assignment), as_version=4)
    return {nbgrader_meta(c)["grade_id"] for c in nb.cells
            if c.cell_type == "code" and nbgrader_meta(c).get("solution")}


def apply_mutant(solved: dict[str, str], mutant: Mutant) -> dict[str, str]:
    code = solved[mutant.cell]
    if code.count(mutant.old) != 1:
        raise ValueError(f"mutant {mutant.name!r}: {mutant.old!r} must occur exactly once in cell {mutant.cell}")
    return {**solved, mutant.cell: code.replace(mutant.old, mutant.new)}


def apply_variant(solved: dict[str, str], variant: Variant) -> dict[str, str]:
    import textwrap

    return {**solved, variant.cell: textwrap.dedent(variant.code).strip() + "\n"}


def graded_assignments() -> list[str]:
    """The notebooks with autograded exercises (the quiz has its own test, tests/test_quiz.py)."""
    out = []
    for assignment in assignments():
        nb = nbformat.read(source_notebook(assignment), as_version=4)
        if is_graded(nb) and not nb.metadata.get("course", {}).get("quiz"):
            out.append(assignment)
    return out


def is_visible_test(cell) -> bool:
    meta = nbgrader_meta(cell)
    return cell.cell_type == "code" and bool(meta.get("grade")) and not HIDDEN_RE.search(cell.source)


def visible_tests_of(assignment: str, exercise: str) -> list[str]:
    """grade_ids of the visible test cells that follow solution cell ``exercise`` (up to the next exercise)."""
    nb = nbformat.read(source_notebook(assignment), as_version=4)
    found, out = False, []
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if cell.cell_type == "code" and meta.get("solution"):
            if found:
                break
            found = meta["grade_id"] == exercise
        elif found and is_visible_test(cell):
            out.append(meta["grade_id"])
    return out


def run_visible(assignment: str, fill: dict[str, str]) -> tuple[str, str] | None:
    """What a learner sees before grading: the setup cells, the solution cells (as in ``fill``)
    and the *visible* test cells, in notebook order, in one fresh namespace in this process
    (no training, no kernel). Returns (cell, error) for the first cell that raised, or None."""
    failed = _run_cells(assignment, fill, hidden=False, keep_going=False)
    return next(iter(failed.items()), None)


def failing_cells(assignment: str, fill: dict[str, str]) -> dict[str, str]:
    """A preview of grading one submission alone, in this process: the setup, solution and every
    test cell (hidden ones too), going on past errors as nbgrader's autograde does.
    Returns {cell: error} for every cell that raised."""
    return _run_cells(assignment, fill, hidden=True, keep_going=True)


def _run_cells(assignment: str, fill: dict[str, str], hidden: bool, keep_going: bool) -> dict[str, str]:
    import contextlib
    import io

    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny tensors: more threads only add overhead
    nb = nbformat.read(source_notebook(assignment), as_version=4)
    namespace = {"__name__": "__main__"}
    failed = {}
    try:
        for cell in nb.cells:
            meta = nbgrader_meta(cell)
            if cell.cell_type != "code":
                continue
            if meta.get("solution"):
                name, source = meta["grade_id"], fill[meta["grade_id"]]
            elif is_visible_test(cell) or (hidden and meta.get("grade")):
                name, source = meta["grade_id"], cell.source
            elif "setup" in cell.metadata.get("tags", []):
                name, source = "setup", cell.source
            else:
                continue
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    exec(compile(source, f"<{assignment}:{name}>", "exec"), namespace)
            except Exception as error:  # noqa: BLE001 -- any error is what the learner would see
                failed[name] = f"{type(error).__name__}: {error}"
                if not keep_going:
                    break
    finally:
        torch.set_num_threads(threads)
    return failed


def autograde(course: Path, assignment: str) -> dict[str, dict[str, tuple[float, float]]]:
    """Run nbgrader autograde; return student -> {code grade cell: (score, max_score)}."""
    run_nbgrader("autograde", assignment, "--force", cwd=course)
    from nbgrader.api import Gradebook

    scores = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in gb.students:
            sub = gb.find_submission_notebook(assignment, assignment, student.id)
            scores[student.id] = {g.name: (g.score, g.max_score) for g in sub.grades
                                  if g.cell.cell_type == "code"}
    return scores
