"""The course as nbgrader sees it, for the teacher's tools and the tests: its assignments, the roles of
their cells (nbgrader's own ``nbgrader.utils``), solved answers, and throw-away course folders driven by
real nbgrader (``make_course``, ``submit``). Grading tests must not re-run trainings, so ``reduced``
keeps only the cells a grade depends on: those tagged ``setup`` and nbgrader's solution and test cells."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
from nbgrader.utils import is_grade, is_solution

ROOT = Path(__file__).resolve().parents[1]
NBGRADER = [sys.executable, "-m", "nbgrader"]
SOLUTION_RE = re.compile(r"^[ \t]*### BEGIN SOLUTION[ \t]*\n(.*?)^[ \t]*### END SOLUTION[ \t]*\n?", re.S | re.M)
HIDDEN_RE = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS[ \t]*\n(.*?)^[ \t]*### END HIDDEN TESTS[ \t]*\n?", re.S | re.M)

__all__ = ["HIDDEN_RE", "NBGRADER", "ROOT", "SOLUTION_RE", "assignments", "exercises_of", "graded_assignments",
           "hidden_blocks", "is_grade", "is_graded", "is_setup", "is_solution", "make_course", "nbgrader_meta",
           "reduced", "run_nbgrader", "solution_blocks", "solution_code", "solutions_of", "source_notebook", "submit"]


def is_setup(cell) -> bool:
    """A cell tagged ``setup``: the imports every graded run needs."""
    return "setup" in cell.metadata.get("tags", [])


def assignments() -> list[str]:
    return sorted(p.name for p in (ROOT / "solutions").iterdir() if p.is_dir() and p.name[:2].isdigit())


def source_notebook(assignment: str) -> Path:
    return ROOT / "solutions" / assignment / f"{assignment}.ipynb"


def nbgrader_meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def is_graded(nb) -> bool:
    return any(is_grade(c) for c in nb.cells)


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
    nb.cells = [c for c in nb.cells if is_setup(c) or nbgrader_meta(c)]
    return nb


def run_nbgrader(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    # nbgrader runs helpers such as `alembic` by name: the venv's bin must come first on PATH
    env = {**os.environ, "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])}
    proc = subprocess.run([*NBGRADER, *args], cwd=cwd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:   # the first traceback says why; the log's end says where
        log = proc.stdout + proc.stderr
        first = log.find("Traceback")
        why = log[first:first + 4000] + "\n...\n" if first >= 0 else ""
        raise RuntimeError(f"nbgrader {' '.join(args)} failed:\n{why}{log[-2000:]}")
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
    return {nbgrader_meta(c)["grade_id"]: solution_code(c.source) for c in nb.cells if is_solution(c)}


def exercises_of(assignment: str) -> set[str]:
    """grade_ids of the autograded exercises: the code solution cells."""
    nb = nbformat.read(source_notebook(assignment), as_version=4)
    return {nbgrader_meta(c)["grade_id"] for c in nb.cells if c.cell_type == "code" and is_solution(c)}


def graded_assignments() -> list[str]:
    """The notebooks with autograded exercises (the quiz has its own test, tests/test_quiz.py)."""
    out = []
    for assignment in assignments():
        nb = nbformat.read(source_notebook(assignment), as_version=4)
        if is_graded(nb) and not nb.metadata.get("course", {}).get("quiz"):
            out.append(assignment)
    return out
