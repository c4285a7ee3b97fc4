"""JupyterHub for the course: a teacher and students, each with their own JupyterLab, and
nbgrader's exchange shared by all of them.

    jupyterhub -f hub/jupyterhub_config.py     # needs configurable-http-proxy (npm) on PATH

Three parts. Moving to Zero to JupyterHub on Kubernetes changes parts 1 and 2 only (in the
chart's values: hub.config for the authenticator, KubeSpawner with an image built from this
environment); part 3, the course, goes unchanged into hub.extraConfig.
Settings come from the environment: COURSE_TEACHER (default teacher), COURSE_STUDENTS
(comma-separated, default student1,student2), COURSE_HUB_STATE (homes, exchange, and the hub's
database in its subfolder hub/, which only the hub's user may enter; default hub/state), COURSE_HUB_URL
(default http://127.0.0.1:8000), COURSE_HUB_PASSWORD.
"""
import os
import shutil

c = get_config()  # noqa: F821  (provided by JupyterHub)
here = os.path.dirname(os.path.abspath(__file__))
course = os.path.dirname(here)
state = os.path.abspath(os.environ.get("COURSE_HUB_STATE", os.path.join(here, "state")))
teacher = os.environ.get("COURSE_TEACHER", "teacher")
students = [s for s in os.environ.get("COURSE_STUDENTS", "student1,student2").split(",") if s]
os.makedirs(state, exist_ok=True)

# ---- 1. Who logs in. Z2JH: your institution's login (OAuthenticator, LTI from the LMS, LDAP). ----
# The dummy authenticator lets the listed users in with one shared password: for a try-out on
# one machine and for the tests, never for a class on a network.
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = os.environ.get("COURSE_HUB_PASSWORD", "")
c.Authenticator.allowed_users = {teacher, *students}
c.Authenticator.admin_users = {teacher}

# ---- 2. Where the servers run. Z2JH: KubeSpawner, one pod per user. ----
# Here every user's server is a process of the hub's own system user, with its home under
# COURSE_HUB_STATE/home (for real local accounts: "localprocess" and a PAM authenticator).
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = os.path.join(state, "home", "{username}")
if os.getuid() == 0:
    c.Spawner.args = ["--allow-root"]
c.JupyterHub.bind_url = os.environ.get("COURSE_HUB_URL", "http://127.0.0.1:8000")
c.JupyterHub.hub_bind_url = os.environ.get("COURSE_HUB_API_URL", "http://127.0.0.1:8081")
c.ConfigurableHTTPProxy.api_url = os.environ.get("COURSE_PROXY_API_URL", "http://127.0.0.1:8001")
# The hub's own files (its database holds every account's password hash; the cookie secret signs every
# login) in a folder only the hub's user may enter: users' servers reach homes and the exchange beside it.
private = os.path.join(state, "hub")
os.makedirs(private, exist_ok=True)
os.chmod(private, 0o700)
for name in ("jupyterhub.sqlite", "jupyterhub_cookie_secret", "proxy.pid"):   # where earlier versions kept them
    if os.path.exists(os.path.join(state, name)) and not os.path.exists(os.path.join(private, name)):
        os.replace(os.path.join(state, name), os.path.join(private, name))
c.ConfigurableHTTPProxy.pid_file = os.path.join(private, "proxy.pid")
c.JupyterHub.db_url = "sqlite:///" + os.path.join(private, "jupyterhub.sqlite")
c.JupyterHub.cookie_secret_file = os.path.join(private, "jupyterhub_cookie_secret")


def teacher_home_holds_the_course(spawner):
    """The teacher's home is a copy of the course (on Z2JH: a git clone in their volume): the sources,
    the release, nbgrader's settings, and what those settings need to grade in the sandbox (grading/,
    the answers a submission of a later assignment may import, the class's course.yml)."""
    home = os.path.join(state, "home", spawner.user.name)
    if spawner.user.name == teacher and not os.path.exists(os.path.join(home, "nbgrader_config.py")):
        os.makedirs(home, exist_ok=True)
        for part in ("solutions", "notebooks", "nbgrader_config.py", "grading", "course_answers", "course.yml"):
            src = os.path.join(course, part)
            if not os.path.exists(src):
                continue
            (shutil.copytree if os.path.isdir(src) else shutil.copy)(src, os.path.join(home, part))


c.Spawner.pre_spawn_hook = teacher_home_holds_the_course

# ---- 3. The course: the same on Z2JH. ----
# The exchange: one folder every server sees at the same path (Z2JH: a ReadWriteMany volume).
exchange = os.environ.get("COURSE_EXCHANGE", os.path.join(state, "exchange"))
c.Spawner.default_url = "/lab"
c.Spawner.environment = {
    # jupyter/ holds the course id, the exchange setting and JupyterLab's defaults.
    "JUPYTER_CONFIG_PATH": os.path.join(course, "jupyter"),
    "COURSE_EXCHANGE": exchange,
    # nbgrader names a submission after the system user, and every server here (every pod on
    # Z2JH, user 'jovyan') runs as the same one: the hub's user name tells students apart.
    "COURSE_STUDENT_ID": lambda spawner: "" if spawner.user.name == teacher else spawner.user.name,
    # ... so nbgrader's collect cannot check who wrote a submission (the class hub can: class_config.py)
    "COURSE_EXCHANGE_ACCOUNTS": "shared",
    **{k: os.environ[k] for k in ("COURSE_DATA", "COURSE_PROFILE") if k in os.environ},
}

# ---- For tests/browser/test_hub.py only: an API token that may manage users and servers. ----
if os.environ.get("COURSE_HUB_TEST_TOKEN"):
    c.JupyterHub.services = [{"name": "course-test", "api_token": os.environ["COURSE_HUB_TEST_TOKEN"]}]
    c.JupyterHub.load_roles = [{"name": "course-test", "services": ["course-test"],
                                "scopes": ["admin:users", "admin:servers", "tokens", "access:servers"]}]
