"""Test helpers on top of ``grading.course`` (the course as nbgrader sees it, shared with the teacher's
tools): the named wrong answers and correct variants, and running a notebook's visible tests."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from grading.course import (  # noqa: F401 -- re-exported: the tests' vocabulary
    HIDDEN_RE,
    NBGRADER,
    ROOT,
    SOLUTION_RE,
    assignments,
    exercises_of,
    graded_assignments,
    hidden_blocks,
    is_grade,
    is_graded,
    is_setup,
    is_solution,
    make_course,
    nbgrader_meta,
    reduced,
    run_nbgrader,
    solution_blocks,
    solution_code,
    solutions_of,
    source_notebook,
    submit,
)


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


def apply_mutant(solved: dict[str, str], mutant: Mutant) -> dict[str, str]:
    code = solved[mutant.cell]
    if code.count(mutant.old) != 1:
        raise ValueError(f"mutant {mutant.name!r}: {mutant.old!r} must occur exactly once in cell {mutant.cell}")
    return {**solved, mutant.cell: code.replace(mutant.old, mutant.new)}


def apply_variant(solved: dict[str, str], variant: Variant) -> dict[str, str]:
    import textwrap

    return {**solved, variant.cell: textwrap.dedent(variant.code).strip() + "\n"}


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


def failing_cells(assignment: str, fill: dict[str, str], threads: int = 1) -> dict[str, str]:
    """A preview of grading one submission alone, in this process: the setup, solution and every
    test cell (hidden ones too), going on past errors as nbgrader's autograde does, with ``threads``
    torch threads. Returns {cell: error} for every cell that raised."""
    return _run_cells(assignment, fill, hidden=True, keep_going=True, threads=threads)


def _run_cells(assignment: str, fill: dict[str, str], hidden: bool, keep_going: bool, threads: int = 1) -> dict[str, str]:
    import contextlib
    import io

    import torch

    from grading.judge import probe_of, probe_verdict

    before = torch.get_num_threads()
    torch.set_num_threads(threads)  # tiny tensors: one thread is fastest; verdicts must not depend on it
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
                with contextlib.redirect_stdout(io.StringIO()) as printed:
                    exec(compile(source, f"<{assignment}:{name}>", "exec"), namespace)
                if probe_of(source):   # a probe cell: the judge's verdict on what it printed, as autograde gives it
                    verdict = probe_verdict(source, [nbformat.v4.new_output("stream", name="stdout",
                                                                             text=printed.getvalue())])
                    errors = [o for o in verdict if o.output_type == "error"]
                    if errors:
                        raise AssertionError(errors[0].evalue)
            except Exception as error:  # noqa: BLE001 -- any error is what the learner would see
                failed[name] = f"{type(error).__name__}: {error}"
                if not keep_going:
                    break
    finally:
        torch.set_num_threads(before)
    return failed


_WARM = {}


def warm_kernel() -> str:
    """The name of a kernel spec whose kernels fork from a server of this process that imported torch
    and the course library once (tests/warm_kernel.py): nbgrader runs a notebook in it as in any
    fresh kernel, 2-3 s sooner. The server ends with this process."""
    if not _WARM:
        import atexit
        import os
        import tempfile

        import warm_kernel as warm

        folder = Path(tempfile.mkdtemp(prefix="warm-kernel-"))
        socket = folder / "server.sock"
        os.environ[warm.SOCKET_VAR] = str(socket)
        os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(warm.kernel_spec(folder)),
                                                                  os.environ.get("JUPYTER_PATH")]))
        server = warm.start_server(socket)
        atexit.register(server.terminate)
        _WARM["name"] = warm.NAME
    return _WARM["name"]


def autograde(course: Path, assignment: str) -> dict[str, dict[str, tuple[float, float]]]:
    """Run nbgrader autograde (each notebook in a warm kernel); return student -> {code grade cell:
    (score, max_score)}."""
    with open(course / "nbgrader_config.py", "a") as config:
        config.write(f"\nc.Execute.kernel_name = {warm_kernel()!r}\n")
        if not (course / "grading").exists():   # else the course's own: the sandbox, and the judge
            config.write(f"import sys; sys.path.insert(0, {str(ROOT)!r})\n"   # nbgrader's Execute, the judge
                         "from nbgrader.preprocessors import Execute\nfrom grading.judge import autograde_preprocessors\n"
                         "c.Autograde.autograde_preprocessors = autograde_preprocessors(Execute)\n")
    run_nbgrader("autograde", assignment, "--force", cwd=course)
    from nbgrader.api import Gradebook

    scores = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in gb.students:
            sub = gb.find_submission_notebook(assignment, assignment, student.id)
            scores[student.id] = {g.name: (g.score, g.max_score) for g in sub.grades
                                  if g.cell.cell_type == "code"}
    return scores
