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

# For nbgrader's own Execute (the Formgrader's Autograde button, plain `nbgrader autograde`),
# which runs student code unsandboxed with your rights: grade a class with `make grade`
# (grading/: sandboxed, parallel, its own limits). A cell that runs longer than this is stopped
# and the notebook goes on (nbgrader's Execute always goes on after an error).
c.Execute.timeout = 600

# nbgrader runs its database tool `alembic` by name. A server started without this
# environment's bin/ on PATH (`.venv/bin/jupyter lab`, a conda env not activated) would fail
# with FileNotFoundError: 'alembic'; so the environment's scripts folder goes first on PATH.
scripts = sysconfig.get_path("scripts")
if scripts not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = os.pathsep.join([scripts, os.environ.get("PATH", "")])
