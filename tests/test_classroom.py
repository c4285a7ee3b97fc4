"""A class's week in the gradebook: a roster imported, due dates and an extension from course.yml, the late
penalty applied by `make grade` (sandboxed, real nbgrader) and shown in the feedback, and grades read back as
Canvas and Moodle would import them."""
from __future__ import annotations

import csv
import subprocess
import sys

import pytest
from nbgrading import run_nbgrader, submit
from test_sandbox_grading import EX1, EX2, LIMITS, A, needs_bwrap, synthetic_course

from grading import classroom
from grading.run import autograde

pytestmark = pytest.mark.slow   # starts kernels, nbgrader or a sandbox: `make test` runs it, `make test-fast` does not

ROSTER = """id,first,last,email,lms_id
ontime,Ada,Lovelace,ada@example.edu,1001
late,Alan,Turing,alan@example.edu,1002
extended,Grace,Hopper,grace@example.edu,1003
absent,Emmy,Noether,emmy@example.edu,1004
"""
COURSE = f"""due:
  {A}: 2027-01-15 12:00
late_penalty: {{per_day: 10, max: 50}}
extensions:
  extended: {{{A}: 2 days}}
"""
HANDED_IN = {"ontime": "2027-01-15 11:00:00 UTC", "late": "2027-01-16 13:00:00 UTC",   # 25 h late: 2 days, 20%
             "extended": "2027-01-16 13:00:00 UTC"}                                      # within its 2 extra days


@needs_bwrap
def test_roster_due_dates_late_penalty_and_lms_exports(tmp_path):
    course = synthetic_course(tmp_path / "course")
    (course / "course.yml").write_text(COURSE)
    (tmp_path / "roster.csv").write_text(ROSTER)
    db_url, course_id = classroom.gradebook(course)
    assert len(classroom.import_roster(tmp_path / "roster.csv", db_url, course_id)) == 4
    for student, when in HANDED_IN.items():
        submit(course, A, student, {"ex1": EX1, "ex2": EX2})
        (course / "submitted" / student / A / "timestamp.txt").write_text(when)
    subs = {s.student: s for s in autograde(course, A, LIMITS, workers=2)}
    assert {s: subs[s].score for s in HANDED_IN} == {"ontime": 10, "late": 10, "extended": 10}   # before the penalty

    students, assignments, scores = classroom.grades(db_url, course_id)
    assert assignments == [(A, 10.0)] and len(students) == 4
    assert scores == {("ontime", A): 10.0, ("late", A): 8.0, ("extended", A): 10.0, ("absent", A): 0.0}

    run_nbgrader("generate_feedback", A, "--force", cwd=course)   # the late student sees why
    feedback = (course / "feedback" / "late" / A / f"{A}.html").read_text()
    assert "Late submission penalty (Score: -2.0)" in feedback
    assert "Late submission penalty" not in (course / "feedback" / "extended" / A / f"{A}.html").read_text()

    canvas = classroom.export(db_url, course_id, "canvas", tmp_path / "canvas.csv")
    with open(canvas, newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", A]
    assert rows[0]["Student"].strip() == "Points Possible" and float(rows[0][A]) == 10
    by_id = {r["ID"]: r for r in rows[1:]}
    assert {i: float(r[A]) for i, r in by_id.items()} == {"1001": 10, "1002": 8, "1003": 10, "1004": 0}
    assert by_id["1002"]["Student"] == "Turing, Alan" and by_id["1002"]["SIS User ID"] == "late"

    moodle = classroom.export(db_url, course_id, "moodle", tmp_path / "moodle.csv")
    with open(moodle, newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["First name", "Last name", "ID number", "Email address", A]
    assert {r["Email address"]: float(r[A]) for r in rows} == {
        "ada@example.edu": 10, "alan@example.edu": 8, "grace@example.edu": 10, "emmy@example.edu": 0}

    # A manual grade after autograde: the penalty is 20% of the new score, in the feedback and the export alike.
    from nbgrader.api import Gradebook
    with Gradebook(db_url, course_id) as gb:
        grade = next(g for g in gb.find_submission(A, "late").notebooks[0].grades if g.max_score)
        grade.manual_score = grade.auto_score - 5
        gb.db.commit()
    # (the repository's nbgrader_config.py runs this before feedback; this scratch course has no grading/ beside it)
    assert classroom.reprice_late_penalties(course) == 1
    run_nbgrader("generate_feedback", A, "--force", cwd=course)
    assert "Late submission penalty (Score: -1.0)" in (course / "feedback" / "late" / A / f"{A}.html").read_text()
    assert classroom.grades(db_url, course_id)[2]["late", A] == 4.0


def test_bad_inputs_say_what_is_wrong(tmp_path):
    (tmp_path / "roster.csv").write_text("name,mail\nAda,ada@example.edu\n")
    with pytest.raises(ValueError, match="no id column"):
        classroom.import_roster(tmp_path / "roster.csv", f"sqlite:///{tmp_path}/gb.db", "c")
    with pytest.raises(ValueError, match="like '2 days'"):
        classroom._duration("two days")
    assert classroom._duration("1 day 12 hours").total_seconds() == 36 * 3600
    out = subprocess.run([sys.executable, "-m", "grading", "grades", "--lms", "blackboard"], capture_output=True, text=True)
    assert out.returncode != 0 and "canvas" in out.stderr


def test_late_penalty_is_a_capped_percentage_per_started_day(tmp_path):
    (tmp_path / "course.yml").write_text("late_penalty: {per_day: 10, max: 50}\n")
    plugin = classroom.LatePenalty(course_file=str(tmp_path / "course.yml"))
    assert plugin.late_submission_penalty("s", 10.0, 0) is None
    assert plugin.late_submission_penalty("s", 10.0, 60) == pytest.approx(1.0)           # a started day: 10%
    assert plugin.late_submission_penalty("s", 10.0, 86400 + 1) == pytest.approx(2.0)
    assert plugin.late_submission_penalty("s", 10.0, 30 * 86400) == pytest.approx(5.0)   # capped at 50%
    (tmp_path / "course.yml").write_text("answers_released: []\n")
    assert plugin.late_submission_penalty("s", 10.0, 86400) is None                      # no policy: no penalty


def test_the_formgraders_autograde_reads_the_calendar_first(tmp_path):
    """nbgrader_config.py's pre-convert hook: grading one student's submission writes its assignment's due date
    and that student's extension into the gradebook (a whole-class run leaves it to make grade)."""
    from nbgrader.api import Gradebook

    (tmp_path / "course.yml").write_text(COURSE)
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\nc.CourseDirectory.course_id = 'c'\n")
    db_url, course_id = classroom.gradebook(tmp_path)
    hook = classroom.calendar_hook(tmp_path)
    hook(assignment=A, student="*")
    with Gradebook(db_url, course_id) as gb:
        assert not gb.assignments
    hook(assignment=A, student="extended")
    hook(assignment=A, student="late")
    with Gradebook(db_url, course_id) as gb:
        assert str(gb.find_assignment(A).duedate) == "2027-01-15 12:00:00"
        assert gb.find_submission(A, "extended").extension.days == 2
        assert [s.id for s in gb.students] == ["extended"]   # no extension, nothing to write for "late"
