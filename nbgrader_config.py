"""nbgrader settings for the course. nbgrader reads this file from the current
directory only: run nbgrader (or make release / make grade / make teach) from the repository root."""
import os
import sysconfig

c = get_config()  # noqa: F821  (provided by nbgrader)
here = os.path.dirname(os.path.abspath(__file__))

# Course id and exchange folder, shared with the students' side (see jupyter/nbgrader_config.py).
load_subconfig("nbgrader_config.py", os.path.join(here, "jupyter"))  # noqa: F821

# solutions/<assignment>/<notebook>.ipynb  ->  notebooks/<assignment>/<notebook>.ipynb
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"

# Stubs the learner sees in place of solutions.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# nbgrader's own autograde (the Formgrader's Autograde button, plain `nbgrader autograde`) runs
# each notebook in the same bubblewrap sandbox as `make grade` (grading/), one at a time, without
# `make grade`'s parallel workers, flags and report. Where bubblewrap is missing (not Linux, or not
# installed) nbgrader's plain Execute runs student code with your rights: grade with `make grade`
# on Linux, which refuses to run without it. A deleted test cell is restored either way.
c.OverwriteCells.add_missing_cells = True
c.Execute.timeout = 600
import sys  # noqa: E402

sys.path.insert(0, here)
try:
    from grading.classroom import LatePenalty
    from grading.sandbox import bwrap_available
    from grading.steps import SandboxedExecute, SanitizeSubmission, safe_markdown2html

    # What a student wrote or printed is shown as text in every teacher view (Formgrader, feedback).
    c.HTMLExporter.preprocessors = [SanitizeSubmission]
    c.HTMLExporter.filters = {"markdown2html": safe_markdown2html}
    # Where every student submits as their own system account (one machine, the class hub), collect
    # takes only what the named student's account wrote, timed by the file system, not by the student.
    # COURSE_EXCHANGE_ACCOUNTS=shared (the try-out hub, Zero to JupyterHub: one account for all): nbgrader's own.
    if os.environ.get("COURSE_EXCHANGE_ACCOUNTS", "own") != "shared":
        from grading.exchange import CheckedCollect
        c.ExchangeFactory.collect = CheckedCollect
except ImportError:   # a copy of this file without grading/ beside it (e.g. a test's scratch course)
    bwrap_available = None
    print("nbgrader_config.py: no grading/ beside this file, so autograde runs student code unsandboxed, "
          "with your rights; copy grading/ and course_answers/ here", file=sys.stderr)
if bwrap_available:   # course.yml's late penalty (a percentage per day late, capped), for every autograde
    c.AssignLatePenalties.plugin_class = LatePenalty
    c.LatePenalty.course_file = os.path.join(here, "course.yml")
    from grading.classroom import calendar_hook, late_penalties_hook
    c.Autograde.pre_convert_hook = calendar_hook(here)   # the Formgrader's too: course.yml's due date and extensions
    c.GenerateFeedback.pre_convert_hook = late_penalties_hook(here)   # penalties on the scores with manual grades
if bwrap_available:   # answers compared with a key (the quiz) are judged here, the key never in the kernel
    from nbgrader.preprocessors import Execute

    from grading.judge import autograde_preprocessors
    c.Autograde.autograde_preprocessors = autograde_preprocessors(SandboxedExecute if bwrap_available() else Execute)

# nbgrader runs its database tool `alembic` by name. A server started without this
# environment's bin/ on PATH (`.venv/bin/jupyter lab`, a conda env not activated) would fail
# with FileNotFoundError: 'alembic'; so the environment's scripts folder goes first on PATH.
scripts = sysconfig.get_path("scripts")
if scripts not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = os.pathsep.join([scripts, os.environ.get("PATH", "")])
