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

from .bundle import COURSE_FILE, settings

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
        policy = settings(Path(self.course_file).parent).get("late_penalty")
        if not policy or total_seconds_late <= 0:
            return None
        percent = min(float(policy.get("max", 100)), float(policy["per_day"]) * math.ceil(total_seconds_late / 86400))
        return score * percent / 100


def apply_calendar(root: Path | str, db_url: str, course_id: str) -> list[str]:
    """Write course.yml's due dates and extensions into the gradebook; returns what was set (for the log).
    An extension needs the student's submission to exist: run it after collecting (``make grade`` does)."""
    from nbgrader.api import Gradebook, MissingEntry

    state, done = settings(root), []
    with Gradebook(db_url, course_id) as gb:
        for assignment, when in (state.get("due") or {}).items():
            due = _when(when)
            gb.update_or_create_assignment(str(assignment), duedate=due)
            done.append(f"{assignment} due {due:%Y-%m-%d %H:%M} UTC")
        for student, extra in (state.get("extensions") or {}).items():
            for assignment, length in extra.items():
                try:
                    gb.find_submission(str(assignment), str(student)).extension = _duration(length)
                except MissingEntry:
                    continue   # nothing handed in yet
                gb.db.commit()
                done.append(f"{student}: {assignment} extended by {length}")
    return done


def import_roster(csv_path: Path | str, db_url: str, course_id: str) -> int:
    """Add or update every student of a roster CSV (columns id, first, last, email, lms_id; nbgrader's own
    names work too). Returns how many; a file without an id column is refused with one sentence."""
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
    return sum(1 for row in rows if row[column["id"]].strip())


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
