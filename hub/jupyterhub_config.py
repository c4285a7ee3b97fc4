"""JupyterHub for the course: a teacher and students, each with their own JupyterLab, and
nbgrader's exchange shared by all of them.

    jupyterhub -f hub/jupyterhub_config.py     # needs configurable-http-proxy (npm) on PATH

Three parts. Moving to Zero to JupyterHub on Kubernetes changes parts 1 and 2 only (in the
chart's values: hub.config for the authenticator, KubeSpawner with an image built from this
environment); part 3, the course, goes unchanged into hub.extraConfig.
Settings come from the environment, through course_lib/core/settings.py (docs/settings.md): COURSE_TEACHER
(default teacher), COURSE_STUDENTS (comma-separated, default here student1,student2), COURSE_HUB_STATE (homes,
exchange, and the hub's database in its subfolder hub/, which only the hub's user may enter; default
hub/state), COURSE_HUB_URL (default http://127.0.0.1:8000), COURSE_HUB_PASSWORD.
"""
import importlib.util
import os
import sys

c = get_config()  # noqa: F821  (provided by JupyterHub)
here = os.path.dirname(os.path.abspath(__file__))
course = os.path.dirname(here)
if "course_hub" not in sys.modules:   # by its path: JupyterHub may run this file where the course is not installed
    spec = importlib.util.spec_from_file_location("course_hub", os.path.join(here, "course_hub.py"))
    sys.modules["course_hub"] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sys.modules["course_hub"])
hub = sys.modules["course_hub"]   # hub/course_hub.py: what this hub and the class hub share
settings = hub.settings
state, teacher = hub.state(), hub.teacher()
students = settings.get("COURSE_STUDENTS", reader=settings.TRYOUT)
os.makedirs(state, exist_ok=True)

# ---- 1. Who logs in. Z2JH: your institution's login (OAuthenticator, LTI from the LMS, LDAP). ----
# The dummy authenticator lets the listed users in with one shared password: for a try-out on
# one machine and for the tests, never for a class on a network.
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = settings.get("COURSE_HUB_PASSWORD")
c.Authenticator.allowed_users = {teacher, *students}
c.Authenticator.admin_users = {teacher}

# ---- 2. Where the servers run. Z2JH: KubeSpawner, one pod per user. ----
# Here every user's server is a process of the hub's own system user, with its home under
# COURSE_HUB_STATE/home (for real local accounts: "localprocess" and a PAM authenticator).
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = os.path.join(state, "home", "{username}")
if os.getuid() == 0:
    c.Spawner.args = ["--allow-root"]
c.JupyterHub.bind_url = settings.get("COURSE_HUB_URL")
c.JupyterHub.hub_bind_url = settings.get("COURSE_HUB_API_URL")
c.ConfigurableHTTPProxy.api_url = settings.get("COURSE_PROXY_API_URL")
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

# The teacher's home is a copy of the course (on Z2JH: a git clone in their volume): hub/course_hub.py.
c.Spawner.pre_spawn_hook = hub.teacher_home_holds_the_course

# ---- 3. The course: the same on Z2JH. ----
# The exchange: one folder every server sees at the same path (Z2JH: a ReadWriteMany volume).
exchange = settings.get("COURSE_EXCHANGE")   # default: COURSE_HUB_STATE/exchange
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
    **settings.passed("servers"),   # COURSE_DATA, COURSE_PROFILE where set
}

# ---- For tests/browser/test_hub.py only: an API token that may manage users and servers. ----
if settings.get("COURSE_HUB_TEST_TOKEN"):
    c.JupyterHub.services = [{"name": "course-test", "api_token": settings.get("COURSE_HUB_TEST_TOKEN")}]
    c.JupyterHub.load_roles = [{"name": "course-test", "services": ["course-test"],
                                "scopes": ["admin:users", "admin:servers", "tokens", "access:servers"]}]
