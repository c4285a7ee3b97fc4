"""A class's roster, calendar and grades, kept in nbgrader's gradebook: students imported from a roster
CSV, due dates and per-student extensions from ``course.yml``, the late penalty (``LatePenalty``, nbgrader's
late-submission plugin: a percentage of the score per day late, capped), and the grades written as an LMS
imports them (Canvas's gradebook CSV, Moodle's grade import CSV).

``course.yml`` (one file the teacher edits; times are UTC unless they say otherwise):

    due:                      # assignment: due date
      01_autoencoders: 2027-01-15 23:59
    late_penalty:             # percent of the notebook's score, per started day late, at most ``max``
      per_day: 10
      max: 50
    extensions:               # student: {assignment: extra time}, e.g. "2 days", "36 hours"
      alice: {01_autoencoders: 2 days}
"""
from __future__ import annotations

import csv
import datetime as dt
import math
import re
from pathlib import Path

from nbgrader.plugins import LateSubmissionPlugin
from traitlets import Unicode

from course_lib.core.settings import COURSE_FILE, course_yml

ROSTER_COLUMNS = {"id": ("id", "student_id", "username"), "first_name": ("first", "first_name", "given_name"),
                  "last_name": ("last", "last_name", "family_name"), "email": ("email",),
                  "lms_user_id": ("lms_id", "lms_user_id", "canvas_id", "moodle_id")}


def gradebook(root: Path | str) -> tuple[str, str]:
    """(database URL, course id) of the course at ``root``, as its nbgrader_config.py sets them."""
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    coursedir = CourseDirectory(config=config, root=str(Path(root).resolve()))
    return coursedir.db_url, coursedir.course_id


def _when(value) -> dt.datetime:
    """A due date from course.yml (a YAML datetime or text), as nbgrader keeps it: naive UTC."""
    from nbgrader.utils import parse_utc
    return parse_utc(value if isinstance(value, str) else value.isoformat())


def _duration(text) -> dt.timedelta:
    """``2 days``, ``36 hours``, ``1 day 12 hours``, ``90 minutes`` -> a timedelta; a clear error otherwise."""
    parts = re.findall(r"(\d+(?:\.\d+)?)\s*(day|hour|minute)s?", str(text))
    if not parts or re.sub(r"[\d.\s]|days?|hours?|minutes?", "", str(text)):
        raise ValueError(f"course.yml: an extension must read like '2 days' or '36 hours', not {text!r}")
    return sum((dt.timedelta(**{unit + "s": float(n)}) for n, unit in parts), dt.timedelta())


class LatePenalty(LateSubmissionPlugin):
    """course.yml's ``late_penalty``: ``per_day`` percent of the notebook's score for every started day
    after the due date (extension included), at most ``max`` percent. No ``late_penalty``: none."""

    course_file = Unicode(COURSE_FILE, help="the course's course.yml").tag(config=True)

    def late_submission_penalty(self, student_id: str, score: float, total_seconds_late: float) -> float | None:
        policy = course_yml(Path(self.course_file).parent).get("late_penalty")
        if not policy or total_seconds_late <= 0:
            return None
        percent = min(float(policy.get("max", 100)), float(policy["per_day"]) * math.ceil(total_seconds_late / 86400))
        return score * percent / 100


def apply_calendar(root: Path | str, db_url: str, course_id: str, only: tuple[str, str] | None = None) -> list[str]:
    """Write course.yml's due dates and extensions into the gradebook; returns what was set (for the log).
    An extension needs the student's submission to exist: run it after collecting (``make grade`` does).
    ``only=(assignment, student)``: that assignment's due date and that student's extension alone, the
    submission made if need be (one submission about to be graded: ``calendar_hook``)."""
    from nbgrader.api import Gradebook, MissingEntry

    state, done = course_yml(root), []
    one_assignment, one_student = only or (None, None)
    with Gradebook(db_url, course_id) as gb:
        for assignment, when in (state.get("due") or {}).items():
            if one_assignment in (None, str(assignment)):
                due = _when(when)
                gb.update_or_create_assignment(str(assignment), duedate=due)
                done.append(f"{assignment} due {due:%Y-%m-%d %H:%M} UTC")
        for student, extra in (state.get("extensions") or {}).items():
            for assignment, length in extra.items():
                if one_assignment not in (None, str(assignment)) or one_student not in (None, str(student)):
                    continue
                try:
                    submission = gb.find_submission(str(assignment), str(student))
                except MissingEntry:
                    if only is None:
                        continue   # nothing handed in yet
                    gb.update_or_create_student(str(student))
                    submission = gb.update_or_create_submission(str(assignment), str(student))
                submission.extension = _duration(length)
                gb.db.commit()
                done.append(f"{student}: {assignment} extended by {length}")
    return done


def calendar_hook(root: Path | str):
    """nbgrader's ``Autograde.pre_convert_hook`` (nbgrader_config.py): before one student's submission is
    graded (the Formgrader's *Autograde*), write that assignment's due date and the student's extension from
    course.yml into the gradebook, so the late penalty is the same as ``make grade``'s."""
    def hook(assignment: str, student: str, notebooks=None) -> None:
        if not assignment or not student or "*" in assignment + student:
            return   # a whole class at once: make grade applies the calendar itself
        apply_calendar(root, *gradebook(root), only=(assignment, student))
    return hook


def reprice_late_penalties(root: Path | str, assignment: str | None = None, student: str | None = None) -> int:
    """Recompute each late notebook's penalty from its score now, manual grades included: nbgrader prices it
    once, at autograde, before a teacher's manual grades. Feedback (nbgrader_config.py's hook on
    GenerateFeedback) and the LMS export run it first, so both show the same penalty. Returns how many."""
    from nbgrader.api import Gradebook, SubmittedAssignment

    policy = LatePenalty(course_file=str(Path(root) / COURSE_FILE))
    db_url, course_id = gradebook(root)
    done = 0
    with Gradebook(db_url, course_id) as gb:
        for sub in gb.db.query(SubmittedAssignment).all():
            if assignment not in (None, "", "*") and sub.assignment.name != assignment:
                continue
            if student not in (None, "", "*") and sub.student.id != student:
                continue
            late = sub.total_seconds_late
            for nb in sub.notebooks:
                nb.late_submission_penalty = policy.late_submission_penalty(sub.student.id, nb.score, late) if late > 0 else None
                done += late > 0
        gb.db.commit()
    return done


def late_penalties_hook(root: Path | str):
    """nbgrader's ``GenerateFeedback.pre_convert_hook``: the penalties priced on today's scores first."""
    def hook(assignment: str, student: str, notebooks=None) -> None:
        reprice_late_penalties(root, assignment, student)
    return hook


def hub_accounts(ids: list[str], hub_api: str, token: str) -> list[str]:
    """Create the students' accounts on the class hub (hub/class_config.py) through its REST API, with an
    admin's token (the hub's Token page); returns the ids it created. A student with an account may sign up
    with a password of their choice, approved at once; anyone else waits for the teacher's approval."""
    import json
    import urllib.request

    request = urllib.request.Request(f"{hub_api.rstrip('/')}/users", headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=30) as r:
        existing = {u["name"] for u in json.loads(r.read())}
    new = [i for i in ids if i not in existing]
    if new:
        request = urllib.request.Request(f"{hub_api.rstrip('/')}/users", method="POST",
                                         data=json.dumps({"usernames": new}).encode(),
                                         headers={"Authorization": f"token {token}", "Content-Type": "application/json"})
        urllib.request.urlopen(request, timeout=30).close()
    return new


def import_roster(csv_path: Path | str, db_url: str, course_id: str) -> list[str]:
    """Add or update every student of a roster CSV (columns id, first, last, email, lms_id; nbgrader's own
    names work too). Returns their ids; a file without an id column is refused with one sentence."""
    from nbgrader.api import Gradebook

    with open(csv_path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    header = {h.strip().lower(): h for h in (rows[0].keys() if rows else [])}
    column = {field: next((header[a] for a in aliases if a in header), None) for field, aliases in ROSTER_COLUMNS.items()}
    if column["id"] is None:
        raise ValueError(f"{csv_path}: no id column (expected one of {', '.join(ROSTER_COLUMNS['id'])})")
    with Gradebook(db_url, course_id) as gb:
        for row in rows:
            student = row[column["id"]].strip()
            if student:
                gb.update_or_create_student(student, **{field: row[col].strip() or None for field, col in column.items()
                                                        if field != "id" and col})
    return [row[column["id"]].strip() for row in rows if row[column["id"]].strip()]


def grades(db_url: str, course_id: str) -> tuple[list, list, dict]:
    """(students, assignments, {(student id, assignment): score}) from the gradebook, the late penalty taken
    off and manual grades included (nbgrader's scores); a missing submission counts 0."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(db_url, course_id) as gb:
        assignments = [(a.name, a.max_score) for a in gb.assignments]
        students = [(s.id, s.first_name or "", s.last_name or "", s.email or "", s.lms_user_id or "") for s in gb.students]
        scores = {}
        for student in students:
            for name, _ in assignments:
                try:
                    sub = gb.find_submission(name, student[0])
                    scores[student[0], name] = round(max(0.0, sub.score - sub.late_submission_penalty), 2)
                except MissingEntry:
                    scores[student[0], name] = 0.0
    return students, assignments, scores


def export(db_url: str, course_id: str, lms: str, dest: Path | str) -> Path:
    """The grades as ``lms`` imports them: ``canvas`` (its gradebook CSV: Student, ID, SIS User ID, SIS Login
    ID, Section, then a column per assignment and a Points Possible row) or ``moodle`` (its grade import CSV:
    names, ID number, Email address, then a column per assignment; map ID number or email on import)."""
    students, assignments, scores = grades(db_url, course_id)
    dest = Path(dest)
    with open(dest, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        if lms == "canvas":
            out.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section"] + [a for a, _ in assignments])
            out.writerow(["    Points Possible", "", "", "", ""] + [m for _, m in assignments])
            for sid, first, last, email, lms_id in students:
                out.writerow([f"{last}, {first}".strip(", "), lms_id, sid, email or sid, ""]
                             + [scores[sid, a] for a, _ in assignments])
        elif lms == "moodle":
            out.writerow(["First name", "Last name", "ID number", "Email address"] + [a for a, _ in assignments])
            for sid, first, last, email, lms_id in students:
                out.writerow([first, last, lms_id or sid, email] + [scores[sid, a] for a, _ in assignments])
        else:
            raise ValueError(f"LMS must be canvas or moodle, not {lms!r}")
    return dest
