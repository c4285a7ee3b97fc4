"""The part of the nbgrader settings that teacher and students share: which course, and where
its exchange is. `make lab` and `make teach` put this folder on JUPYTER_CONFIG_PATH, so the
Assignment List of anyone on this machine finds it; the teacher's ../nbgrader_config.py loads it
too. On a JupyterHub, set COURSE_EXCHANGE to a folder that every user's server sees (hub/)."""
import os

c = get_config()  # noqa: F821  (provided by nbgrader)

c.CourseDirectory.course_id = "generative-models"
# One machine: a folder inside the course, made on first use with the rights nbgrader gives
# its exchange (everyone may write, only the owner may delete: mode 1777).
exchange = os.environ.get("COURSE_EXCHANGE") or os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), "exchange")
if not os.path.isdir(exchange):
    try:
        os.makedirs(exchange)
        os.chmod(exchange, 0o1777)
    except OSError:  # e.g. a read-only checkout: nbgrader then says which folder it needs
        pass
c.Exchange.root = exchange
# Fetched assignments go to ./generative-models/<assignment>, never over the course's own folders.
c.Exchange.path_includes_course = True
# On a JupyterHub whose servers all run as one system user (hub/jupyterhub_config.py), the hub
# tells each student's server who submits (empty for the teacher, who collects everyone's).
if os.environ.get("COURSE_STUDENT_ID"):
    c.CourseDirectory.student_id = os.environ["COURSE_STUDENT_ID"]
