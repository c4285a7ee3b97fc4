"""The class hub's students' environment (grading/student_env.py): the teacher's packages, the course from
the student bundle with only the released answers, and the teacher's own environment left as it was."""
import importlib.util
import subprocess

import pytest
from nbgrading import ROOT

from grading import student_env

pytestmark = pytest.mark.slow


def test_students_get_the_released_answers_only_and_the_teacher_keeps_everything(tmp_path):
    python = student_env.build(tmp_path / "env", ROOT, ["01_autoencoders"], log=lambda *a: None)

    def run(code):
        return subprocess.run([str(python), "-c", code], cwd=tmp_path, capture_output=True, text=True)
    where = run("import course_lib, course_answers.a01_autoencoders as a; print(course_lib.__file__, a.__file__)")
    assert where.returncode == 0 and where.stdout.count(str(tmp_path / "env")) == 2, where
    later = run("import course_answers.a02_variational_autoencoders")
    assert "AnswersNotReleasedError" in later.stderr and "has not released yet" in later.stderr, later.stderr
    assert run("import grading").returncode != 0   # the teacher's tools are not in it
    # the teacher's own environment still has the whole course, editable
    assert importlib.util.find_spec("course_answers").submodule_search_locations[0] == str(ROOT / "course_answers")
    # released later (make release-answers 02): there at the next server start; taken back: gone
    assert student_env.sync_answers(tmp_path / "env", ["01_autoencoders", "02_variational_autoencoders"])[-1] \
        == "a02_variational_autoencoders.py"
    assert run("import course_answers.a02_variational_autoencoders").returncode == 0
    student_env.sync_answers(tmp_path / "env", [])
    assert run("import course_answers.a01_autoencoders").returncode != 0
    # built once: a second build with nothing changed keeps it
    stamp = (tmp_path / "env" / ".built").stat().st_mtime_ns
    student_env.build(tmp_path / "env", ROOT, [], log=lambda *a: None)
    assert (tmp_path / "env" / ".built").stat().st_mtime_ns == stamp
