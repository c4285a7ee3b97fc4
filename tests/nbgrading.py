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
    """A course directory with one (reduced) assignment, released."""
    shutil.copy(ROOT / "nbgrader_config.py", tmp / "nbgrader_config.py")
    src = tmp / "solutions" / assignment
    src.mkdir(parents=True)
    nb = nbformat.read(source_notebook(assignment), as_version=4)
    nbformat.write(reduced(nb) if reduce else nb, src / f"{assignment}.ipynb")
    run_nbgrader("generate_assignment", assignment, "--force", cwd=tmp)
    return tmp


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
