"""Instructor-only grading of a whole class (not shipped to students: course_lib is).

``python -m grading autograde <assignment>`` runs three phases per assignment:
1. trusted, serial: back up gradebook.db; nbgrader's sanitize (test cells restored from the
   gradebook, deleted ones re-added), careless metadata edits repaired, student code scanned
   (grading/flags.py);
2. untrusted, parallel on Dask: each notebook's kernel in its own bubblewrap sandbox
   (grading/sandbox.py);
3. trusted, serial: nbgrader autograde records the sandbox's outputs (its Execute step replaced,
   grading/steps.py), flags become "needs manual grade" with the reason, a report is written.
"""
