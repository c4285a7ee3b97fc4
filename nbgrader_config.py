"""nbgrader settings for the course. nbgrader reads this file from the current
directory only: run nbgrader (or make release / make grade) from the repository root."""
c = get_config()  # noqa: F821  (provided by nbgrader)

c.CourseDirectory.course_id = "generative-models"
# solutions/<assignment>/<notebook>.ipynb  ->  notebooks/<assignment>/<notebook>.ipynb
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"

# Stubs the learner sees in place of solutions.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# A cell that runs longer than this (e.g. an endless loop) is stopped and the
# notebook goes on, so one student's code cannot stall the grading of others.
c.Execute.timeout = 600
c.Execute.allow_errors = True
