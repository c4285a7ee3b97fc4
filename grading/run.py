"""Grade one assignment for a whole class: sanitize (trusted, serial), execute every
submission in its own sandbox (untrusted, in parallel on Dask), record with nbgrader
(trusted, serial). One bad submission never stops the run: one nbgrader cannot read is recorded
as 0 with the reason; the report lists every problem."""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import sqlite3
import tempfile
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import nbformat

from . import flags as flagging
from .bundle import COURSE_FILE
from .classroom import LatePenalty, apply_calendar
from .course import is_grade, is_setup, is_solution, nbgrader_meta
from .judge import Judge, for_the_sandbox
from .sandbox import Limits, execute
from .steps import REPAIRS, LoadSandboxOutputs, RepairCells

NBGRADER_SANITIZE = ["ClearOutput", "DeduplicateIds", "OverwriteKernelspec", "OverwriteCells", "CheckCellMetadata"]


@dataclass
class Submission:
    student: str
    notebook: str = ""
    status: str = "pending"          # ok | died | timeout | error | recorded as 0 | failed (not graded)
    reason: str = ""
    seconds: float = 0.0
    score: float = 0.0
    max_score: float = 0.0
    auto_max: float = 0.0            # the autograded part of max_score (the rest: graded by hand)
    tests_gave: float = 0.0          # score before flags were applied
    flags: dict = field(default_factory=dict)     # exercise (or "notebook") -> reasons
    repairs: list = field(default_factory=list)


ZERO = "recorded as 0"   # nbgrader could not sanitize or record the student's files: the release was, in their place


def _api(root: Path, preprocessors: dict, submitted: Path | None = None):
    """nbgrader's own API on the course's nbgrader_config.py, with our preprocessors (and the
    submissions read from ``submitted`` instead of the course's submitted/)."""
    from nbgrader import preprocessors as pp
    from nbgrader.apps.api import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    config.OverwriteCells.add_missing_cells = True      # a deleted test cell comes back
    config.Autograde.sanitize_preprocessors = [RepairCells] + [getattr(pp, n) for n in NBGRADER_SANITIZE]
    config.Autograde.autograde_preprocessors = preprocessors.get("record", [])
    config.RepairCells.release_dir = str(root / config.CourseDirectory.release_directory)
    config.LoadSandboxOutputs.results_dir = preprocessors.get("results", "")
    config.AssignLatePenalties.plugin_class = LatePenalty   # course.yml's late policy
    config.LatePenalty.course_file = str(root / COURSE_FILE)
    if submitted:
        config.CourseDirectory.submitted_directory = str(submitted)
    coursedir = CourseDirectory(config=config, root=str(root))
    return NbGraderAPI(coursedir=coursedir, config=config), coursedir


def backup_gradebook(root: Path) -> Path | None:
    """A consistent copy (sqlite's backup API) before anything is written."""
    db = root / "gradebook.db"
    if not db.exists():
        return None
    dest = root / "gradebook_backups" / f"gradebook-{dt.datetime.now():%Y%m%d-%H%M%S}.db"
    dest.parent.mkdir(exist_ok=True)
    with sqlite3.connect(db) as src, sqlite3.connect(dest) as out:
        src.backup(out)
    return dest


def _run_cells(nb, release, submitted, reduced: bool) -> list[int] | None:
    """Cells whose outcome a grade can depend on: setup-tagged, nbgrader's, and any code the
    student added or changed. Release cells the student left alone (trainings, plots) are
    skipped; their own outputs are kept for the feedback."""
    if not reduced:
        return None
    original = {c.get("id"): c.source for c in release.cells}
    student = {c.get("id"): c.source for c in submitted.cells}
    return [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and (
        is_setup(c) or nbgrader_meta(c) or c.get("id") not in original
        or student.get(c.get("id"), original[c.get("id")]) != original[c.get("id")])]


def _assignment_files(folder: Path, handed_in: Path) -> dict[str, bytes]:
    """The other files of the assignment folder, for the sandbox. Not what a handed-in symbolic
    link points to: nbgrader's copy followed it with the teacher's rights."""
    linked = {q.relative_to(handed_in) for q in handed_in.rglob("*") if q.is_symlink()}
    out = {}
    for p in folder.rglob("*"):
        rel = p.relative_to(folder)
        if p.is_file() and p.suffix != ".ipynb" and not any(link == rel or link in rel.parents for link in linked):
            out[str(rel)] = p.read_bytes()
    return out


def _scan(nb, source_nb, release) -> dict[str, list[str]]:
    """Flags: using the reference implementation flags that exercise (solution grade_id);
    anything else (patching, processes, paths), in any code the student wrote or changed, flags
    the whole notebook: a patch in one cell can make every later test pass. So does a stand-in
    for a name the tests call: one imported by a setup cell, or from a protected module by any
    cell the teacher wrote."""
    known = flagging.aliases(c.source for c in nb.cells if c.cell_type == "code")
    teachers = [c for c in source_nb.cells if c.cell_type == "code" and not is_solution(c)]
    used = flagging.imported((c.source for c in teachers), flagging.PROTECTED) | flagging.imported(
        c.source for c in teachers if is_setup(c))
    tests_read = flagging.names_read(c.source for c in teachers if is_grade(c))
    used = {name: module for name, module in used.items() if name in tests_read}   # `data = ...` stays the student's
    original = {c.get("id"): c.source for c in release.cells}
    refs = {c.metadata["nbgrader"]["grade_id"]: flagging.defined_names(c.source) for c in source_nb.cells
            if c.cell_type == "code" and is_solution(c)}
    found = {}
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if cell.cell_type != "code" or (meta and not meta.get("solution")):
            continue
        if meta.get("solution"):
            key, names = meta["grade_id"], refs.get(meta["grade_id"], set())
        elif original.get(cell.get("id")) == cell.source:
            continue
        else:
            key, names = "notebook", set().union(*refs.values()) if refs else set()
        for reason in flagging.scan(cell.source, known, names, used):
            # using the reference answers one exercise; patching the judge can pass any test
            found.setdefault(key if "reference implementation" in reason else "notebook", []).append(reason)
    return found


def _flag_in_gradebook(gb, sub: Submission, assignment: str, nb) -> None:
    """Flagged exercise: its test cells are marked for the teacher's review, the reason (and the score the
    tests gave) in the solution cell's comment. A cell the judge decided keeps its score (the flag is a
    warning: no grade rests on the scan); a test cell that ran in the student's kernel (an assignment
    without probes) scores 0 until the teacher looks, as its outputs may be the student's doing."""
    from .judge import checks, probe_of

    judged = {c.metadata["nbgrader"]["grade_id"] for c in nb.cells if c.cell_type == "code"
              and c.metadata.get("nbgrader", {}).get("grade") and (checks(c.source) is not None or probe_of(c.source))}
    order, current, tests = [c.metadata.get("nbgrader", {}) for c in nb.cells], None, {}
    for meta in order:
        if meta.get("solution") and not meta.get("grade"):
            current = meta["grade_id"]
        elif meta.get("grade"):
            tests.setdefault(current, []).append(meta["grade_id"])
    everything = [g for ids in tests.values() for g in ids]
    subnb = gb.find_submission_notebook(sub.notebook, assignment, sub.student)
    for exercise, reasons in sub.flags.items():
        names = everything + list(tests) if exercise == "notebook" else tests.get(exercise, []) + [exercise]
        grades = [g for g in subnb.grades if g.name in names]
        note = (f"FLAGGED for review ({'; '.join(reasons)}); the tests gave "
                f"{sum(g.auto_score or 0 for g in grades):g} of {sum(g.max_score for g in grades):g}.")
        for grade in grades:
            grade.needs_manual_grade = True
            if grade.name not in judged:
                grade.auto_score = 0
        for comment in subnb.comments:
            if comment.name in names:
                comment.auto_comment = note
    gb.db.commit()


def _dask_client(workers: int | None, scheduler: str | None):
    from dask.distributed import Client, LocalCluster

    if scheduler:
        return Client(scheduler), None
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
    return Client(cluster), cluster


def autograde(root: Path | str, assignment: str, limits: Limits | None = None, workers: int | None = None,
              scheduler: str | None = None, reduced: bool = True, students: list[str] | None = None,
              log=print) -> list[Submission]:
    """Grade every collected submission of ``assignment``; returns one Submission per student
    and notebook and writes grading_report_<assignment>.{md,json} in the course folder."""
    root, limits, start = Path(root).resolve(), limits or Limits(), time.monotonic()
    submitted = sorted(p.parent.name for p in (root / "submitted").glob(f"*/{assignment}") if p.is_dir())
    submitted = [s for s in submitted if students is None or s in students]
    if not submitted:
        log(f"{assignment}: nothing collected in submitted/*/{assignment}")
        return []
    backup = backup_gradebook(root)
    results = Path(tempfile.mkdtemp(prefix=f"grading-{assignment}-"))
    subs: list[Submission] = []
    try:
        # Phase 1: sanitize with nbgrader (tests restored from the gradebook), repair, scan.
        api, coursedir = _api(root, {})
        ensure_in_gradebook(root, assignment, coursedir)
        source_dir = root / coursedir.source_directory / assignment
        release_dir = root / coursedir.release_directory / assignment
        tasks, unreadable = [], {}   # unreadable: student -> why their files cannot be graded
        for student in submitted:
            outcome = api.autograde(assignment, student, force=True, create=True)
            folder = root / coursedir.autograded_directory / student / assignment
            handed_in = root / coursedir.submitted_directory / student / assignment
            if not outcome["success"]:
                unreadable[student] = f"sanitize: {_nbgrader_error(outcome)}"
                continue
            mine = []
            try:
                for name in sorted(p.stem for p in handed_in.glob("*.ipynb") if (release_dir / p.name).exists()):
                    sub = Submission(student, name, repairs=REPAIRS.get((student, name), []))
                    nb = nbformat.read(folder / f"{name}.ipynb", as_version=4)
                    release = nbformat.read(release_dir / f"{name}.ipynb", as_version=4)
                    own = nbformat.read(handed_in / f"{name}.ipynb", as_version=4)
                    sub.flags = _scan(nb, nbformat.read(source_dir / f"{name}.ipynb", as_version=4), release)
                    files = _assignment_files(folder, handed_in)
                    cells = _run_cells(nb, release, own, reduced)
                    mine.append((sub, nbformat.writes(for_the_sandbox(nb)), files, cells,
                                 {c.get("id"): c.get("outputs", []) for c in own.cells if c.cell_type == "code"}))
            except Exception as error:  # noqa: BLE001 -- one student's broken file stops only them
                unreadable[student] = f"prepare: {type(error).__name__}: {error}"
                continue
            subs += [task[0] for task in mine]
            tasks += mine
        subs += [Submission(student, p.stem, ZERO, reason) for student, reason in unreadable.items()
                 for p in sorted(release_dir.glob("*.ipynb"))]
        log(f"{assignment}: {len(submitted)} submissions sanitized in {time.monotonic() - start:.1f} s")
        for line in apply_calendar(root, coursedir.db_url, coursedir.course_id):   # due dates, extensions
            log(f"  course.yml: {line}")

        # Phase 2: every notebook in its own sandbox, in parallel.
        t2 = time.monotonic()
        if tasks:
            if not scheduler and not limits.threads and "OMP_NUM_THREADS" not in os.environ:
                # a worker per core on this machine: each kernel gets its share of the cores, not
                # torch's default of all of them (a small model's step ran 130x slower that way on 2 cores)
                n = workers or os.cpu_count() or 1
                limits = replace(limits, threads=max(1, (os.cpu_count() or 1) // n))
            client, cluster = _dask_client(workers, scheduler)
            try:
                futures = {client.submit(execute, nbtext, files, f"{sub.notebook}.ipynb", asdict(limits), cells,
                                         pure=False, key=f"grade-{assignment}-{sub.student}-{sub.notebook}"):
                           (sub, cells, own) for sub, nbtext, files, cells, own in tasks}
                from dask.distributed import as_completed
                for future in as_completed(futures):
                    sub, cells, own = futures[future]
                    try:
                        out = future.result()
                    except Exception as error:  # noqa: BLE001 -- a lost worker loses one submission
                        out = {"status": "error", "reason": f"worker: {type(error).__name__}: {error}"}
                    sub.status, sub.reason, sub.seconds = out["status"], out["reason"], out.get("seconds", 0)
                    if sub.status == "error":   # the grader's failure, not the student's: record nothing
                        sub.status, sub.reason = "failed", f"sandbox: {sub.reason}"
                        continue
                    (results / sub.student).mkdir(exist_ok=True)
                    (results / sub.student / f"{sub.notebook}.json").write_text(
                        json.dumps({**out, "run_cells": cells, "own_outputs": own}))
            finally:
                client.close()
                if cluster:
                    cluster.close()
        log(f"{assignment}: {len(tasks)} notebooks executed in {time.monotonic() - t2:.1f} s")

        # Phase 3: record with nbgrader, outputs loaded from the sandbox; then the flags.
        from nbconvert.preprocessors import ClearMetadataPreprocessor
        from nbgrader import preprocessors as pp
        from nbgrader.api import Gradebook
        record = [LoadSandboxOutputs, Judge, pp.IgnorePattern, ClearMetadataPreprocessor, pp.LimitOutput,
                  pp.SaveAutoGrades, pp.AssignLatePenalties, pp.CheckCellMetadata]
        api, coursedir = _api(root, {"record": record, "results": str(results)})
        for student in sorted({s.student for s in subs if s.status != "failed"}):
            mine = [s for s in subs if s.student == student]
            outcome = {"success": False} if student in unreadable else api.autograde(
                assignment, student, force=True, create=True)
            if not outcome["success"]:   # the release in their place: every graded cell 0, with the reason
                for s in mine:
                    s.status, s.reason = ZERO, unreadable.get(student) or f"record: {_nbgrader_error(outcome)}"
                outcome = _record_release(root, release_dir, student, mine[0].reason, results, record)
            if not outcome["success"]:
                for s in mine:
                    s.status, s.reason = "failed", f"record: {_nbgrader_error(outcome)}"
                continue
            with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
                for s in mine:
                    try:
                        nb = nbformat.read(root / coursedir.autograded_directory / student / assignment
                                           / f"{s.notebook}.ipynb", as_version=4)
                        subnb = gb.find_submission_notebook(s.notebook, assignment, student)
                        s.tests_gave = subnb.score
                        s.auto_max = sum(g.max_score for g in subnb.grades if g.cell.cell_type == "code")
                        if s.status == ZERO:   # the reason beside each answer: Formgrader, feedback
                            for comment in subnb.comments:
                                comment.auto_comment = f"{ZERO.capitalize()}: {s.reason}."
                            gb.db.commit()
                        if s.flags:
                            _flag_in_gradebook(gb, s, assignment, nb)
                        s.score, s.max_score = subnb.score, subnb.max_score
                    except Exception as error:  # noqa: BLE001
                        s.status, s.reason = "failed", f"record: {type(error).__name__}: {error}"
    finally:
        shutil.rmtree(results, ignore_errors=True)
    subs.sort(key=lambda s: (s.student, s.notebook))
    write_report(root, assignment, subs, backup, time.monotonic() - start, limits)
    return subs


def _record_release(root: Path, release_dir: Path, student: str, reason: str, results: Path, record) -> dict:
    """Record the release (blank) in place of files nbgrader cannot sanitize or record, with real
    nbgrader autograde: every graded cell scores 0, every code cell's output and a note on top say
    why (the feedback shows them). The student's own files stay as handed in, in submitted/."""
    assignment = release_dir.name
    scratch = Path(tempfile.mkdtemp(prefix=f"release-{assignment}-"))
    try:
        shutil.copytree(release_dir, scratch / student / assignment)
        (results / student).mkdir(exist_ok=True)
        for path in (scratch / student / assignment).glob("*.ipynb"):
            nb = nbformat.read(path, as_version=4)
            nb.cells.insert(0, nbformat.v4.new_markdown_cell(
                f"**{ZERO.capitalize()}.** Your notebook could not be graded ({reason}); this is the assignment "
                "as released. Your own file is kept as you handed it in: ask your teacher."))
            nbformat.write(nb, path)
            (results / student / f"{path.stem}.json").write_text(json.dumps({"reason": f"{ZERO.capitalize()}: {reason}"}))
        api, _ = _api(root, {"record": record, "results": str(results)}, submitted=scratch)
        return api.autograde(assignment, student, force=True, create=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _nbgrader_error(outcome: dict) -> str:
    """nbgrader's own words for what went wrong (its last lines only say "see above"): what it
    warned about (a cell it does not know) and the exception it met, else its first error."""
    log = (outcome.get("log") or "").splitlines()
    warned = [line[10:] for line in log if line.startswith("[WARNING] ") and "checksum" not in line
              and "seconds late" not in line]
    raised = [f"{m[1].split('.')[-1]}: {m[2]}" for m in map(re.compile(r"\s+([\w.]+(?:Error|Exception)): (.*)").match, log)
              if m]
    errors = [line[8:] for line in log if line.startswith("[ERROR] ")]
    errors += (outcome.get("error") or "unknown error").strip().splitlines()[-1:]
    return "; ".join(warned + (raised[-1:] or errors[:1]))


def ensure_in_gradebook(root: Path, assignment: str, coursedir) -> None:
    """nbgrader grades against the gradebook's copy of the source (hidden tests included). A
    fresh clone has none: record it from solutions/ with nbgrader's own generate_assignment,
    writing the release to a scratch folder so the committed notebooks/ (what students got)
    is not regenerated."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        try:
            gb.find_assignment(assignment)
            return
        except MissingEntry:
            pass
    import os
    import subprocess
    import sys

    with tempfile.TemporaryDirectory() as scratch:
        env = {**os.environ, "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])}
        subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", assignment, "--force",
                        f"--CourseDirectory.release_directory={scratch}"], cwd=root, env=env, check=True,
                       capture_output=True)


def write_report(root: Path, assignment: str, subs: list[Submission], backup, seconds: float, limits) -> None:
    data = {"assignment": assignment, "seconds": round(seconds, 1), "gradebook_backup": str(backup or ""),
            "limits": asdict(limits), "submissions": [asdict(s) for s in subs]}
    (root / f"grading_report_{assignment}.json").write_text(json.dumps(data, indent=1))
    lines = [f"# Grading report: {assignment}", "",
             f"{len(subs)} notebooks in {seconds:.0f} s; gradebook backed up to {backup or '(no gradebook yet)'}.", "",
             "| student | notebook | score (tests gave) | status | reason | flags | repairs |", "|---|---|---|---|---|---|---|"]
    for s in subs:
        flagged = "; ".join(f"{k}: {', '.join(v)}" for k, v in s.flags.items())
        lines.append(f"| {s.student} | {s.notebook} | {s.score:g}/{s.max_score:g} ({s.tests_gave:g}) | {s.status} | {s.reason} | "
                     f"{flagged} | {'; '.join(s.repairs)} |")
    (root / f"grading_report_{assignment}.md").write_text("\n".join(lines) + "\n")
