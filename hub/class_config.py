"""JupyterHub for a class: real accounts, one system user per person, nbgrader's exchange with the
permissions nbgrader documents, resource limits and an idle culler. Run it as root (it creates the
system users and starts each server as its user):

    sudo make hub        # = jupyterhub -f hub/class_config.py, with configurable-http-proxy (npm) on PATH

It is hub/jupyterhub_config.py (the one-user try-out: same state folder, ports and course settings)
with parts 1 and 2 replaced:

1. Who logs in: NativeAuthenticator. The teacher (COURSE_TEACHER, an admin) signs up first at
   /hub/signup. Students on the roster (`python -m grading roster students.csv` in the teacher's
   terminal, with COURSE_HUB_TOKEN set to a token from the hub's Token page, creates their hub
   accounts; or COURSE_STUDENTS at start) sign up with a password of their choice and get in at
   once; anyone else waits until the teacher approves them at /hub/authorize. A university with an
   LMS: LTI 1.3 instead (jupyterhub-ltiauthenticator; docs/hub.md).
2. Where the servers run: a process per user, as that user's own system account (created on first
   start, home COURSE_HUB_STATE/home/<name>, mode 0700: nobody else can list or read it), with a cap
   on each process's memory (COURSE_HUB_MEM_GIB, default 8) and on the user's processes and threads
   (COURSE_HUB_NPROC, default 1024). A cap on a user's total memory and CPU needs cgroups: SystemdSpawner
   (mem_limit, cpu_limit) on a machine with systemd, or Zero to JupyterHub (hub/z2jh/values.yaml).
   Servers idle for COURSE_HUB_IDLE minutes (default 60) are stopped by jupyterhub-idle-culler.
   Every server runs the students' environment (COURSE_HUB_STATE/env: the course from the student bundle,
   released answers only; grading/student_env.py); the course folder itself is closed to other users.
3. The exchange: collect (grading/exchange.py, set in nbgrader_config.py) takes a submission only from the
   named student's own account, timed by the file system.
Every setting comes through course_lib/core/settings.py (docs/settings.md); what this hub shares with the
try-out and with Zero to JupyterHub (hub/z2jh/values.yaml) is defined there once.
"""
import importlib.util
import os
import pwd
import resource
import shutil
import subprocess
import sys
from pathlib import Path

from jupyterhub import orm
from jupyterhub.spawner import LocalProcessSpawner
from nativeauthenticator import NativeAuthenticator

if shutil.which("useradd") is None or os.geteuid() != 0:
    sys.exit("hub/class_config.py makes a system account per user: run it as root on Linux (sudo make hub)")


def blocked(path: str) -> list[str]:
    """The folders on the way to ``path`` that other users cannot pass through (no o+x): on the way as
    written (a virtual environment's bin/, where jupyterhub-singleuser is) and to the file it links to."""
    out = []
    for way in dict.fromkeys([os.path.abspath(path), os.path.realpath(path)]):
        for i in range(1, len(way.split(os.sep))):
            folder = os.sep.join(way.split(os.sep)[:i]) or os.sep
            if not os.stat(folder).st_mode & 0o001 and folder not in out:
                out.append(folder)
    return out


c = get_config()  # noqa: F821  (provided by JupyterHub)
here = os.path.dirname(os.path.abspath(__file__))
course = os.path.dirname(here)
load_subconfig(os.path.join(here, "jupyterhub_config.py"))  # noqa: F821  (the try-out: state, ports, part 3)
if "course_hub" not in sys.modules:   # by its path, as the try-out loads it
    spec = importlib.util.spec_from_file_location("course_hub", os.path.join(here, "course_hub.py"))
    sys.modules["course_hub"] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sys.modules["course_hub"])
hub = sys.modules["course_hub"]   # hub/course_hub.py: what this hub and the try-out share
settings = hub.settings
state, teacher = hub.state(), hub.teacher()
homes = os.path.join(state, "home")
os.makedirs(homes, exist_ok=True)
os.chmod(state, 0o755)   # every user's server passes through to its home, the exchange, the environment
os.chmod(homes, 0o755)
sys.path.insert(0, course)
from grading import student_env  # noqa: E402
from grading.bundle import released  # noqa: E402


def make_private(folder: str, keep: str) -> bool:
    """Other users lose every right to ``folder`` (the course: solutions, answers, quiz keys, tests,
    gradebook). When the hub's state (``keep``) lies inside, they may still pass through (o+x, no
    listing) on the way to it, and lose their rights to everything beside that way. True if anything changed."""
    way = os.path.relpath(keep, folder).split(os.sep)
    if way[0].startswith(".."):
        way = []
    changed, level = False, folder
    for step in [*way, None]:
        if step is None:
            break
        for entry in os.scandir(level):
            if entry.name != step and not entry.is_symlink() and entry.stat().st_mode & 0o007:
                os.chmod(entry.path, entry.stat().st_mode & ~0o007)
                changed = True
        level = os.path.join(level, step)
    mode = os.stat(folder).st_mode
    new = (mode & ~0o007) | (0o001 if way else 0)
    if mode != new:
        os.chmod(folder, new)
        changed = True
    for i in range(1, len(way)):   # the folders on the way to the state: passable, not listable
        middle = os.path.join(folder, *way[:i])
        os.chmod(middle, (os.stat(middle).st_mode & ~0o007) | 0o001)
    return changed


# The course folder is the teacher's alone: students' servers run the students' environment (below), the
# teacher works in their copy of the course (their home). Nothing here needs other users to enter it.
if make_private(course, state):
    print(f"class hub: {course} is now closed to other users (the students' servers do not need it)", file=sys.stderr)

# Every server runs the students' environment: the teacher's packages (linked) and the course from the
# student bundle, with only the released answers (grading/student_env.py); the teacher's server puts their
# course copy (every answer, grading/) first on its PYTHONPATH.
env = os.path.join(state, "env")
python = str(student_env.build(env, course, released(Path(course))))
shutil.copytree(os.path.join(course, "jupyter"), os.path.join(env, "jupyter"), dirs_exist_ok=True)
os.chmod(os.path.join(env, "jupyter"), 0o755)
for folder, dirs, files in os.walk(os.path.join(env, "jupyter")):
    for name in dirs + files:
        os.chmod(os.path.join(folder, name), 0o755 if name in dirs else 0o644)
unreachable = blocked(python)
if unreachable:
    sys.exit(f"hub/class_config.py: every user's server runs {python}, which other users cannot "
             f"reach ({', '.join(unreachable)} has no o+x): install Python where all users can run it "
             "(e.g. /usr/local or /opt), or chmod o+x those folders")

# ---- 1. Who logs in ----
class RosterAuthenticator(NativeAuthenticator):
    """NativeAuthenticator whose sign-up is approved at once for the hub's own users: the teacher and the
    accounts the roster created (POST /hub/api/users); anyone else waits for the teacher's approval."""

    def get_authed_users(self):
        return super().get_authed_users() | {name for (name,) in self.db.query(orm.User.name)}


c.JupyterHub.authenticator_class = RosterAuthenticator
c.Authenticator.admin_users = {teacher}
c.Authenticator.allowed_users = {teacher, *settings.get("COURSE_STUDENTS")}   # default: none (the roster adds)
c.Authenticator.allow_all = True          # and whoever the teacher approves at /hub/authorize
for key, value in settings.NATIVE_AUTHENTICATOR.items():   # sign-up alone lets in only the roster (as on Z2JH)
    setattr(c.NativeAuthenticator, key, value)
c.Authenticator.username_pattern = r"^[a-z][a-z0-9_-]{1,31}$"   # valid system user names


# ---- 2. Where the servers run ----
memory, processes = int(settings.get("COURSE_HUB_MEM_GIB") * 2**30), settings.get("COURSE_HUB_NPROC")


class ClassSpawner(LocalProcessSpawner):
    """LocalProcessSpawner (the server runs as the user's system account) with per-process limits."""

    def make_preexec_fn(self, name):
        become_user = super().make_preexec_fn(name)

        def preexec():
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))          # each process's address space
            resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))  # the user's processes and threads
            become_user()
        return preexec


def system_account(spawner):
    """The user's own system account and home (0700), made on their first start; the teacher's home
    gets the course (as in the try-out) and becomes theirs."""
    name = spawner.user.name
    home = os.path.join(homes, name)
    try:
        pwd.getpwnam(name)
    except KeyError:
        subprocess.run(["useradd", "--home-dir", home, "--shell", "/bin/bash", "--user-group", name], check=True)
    os.makedirs(home, exist_ok=True)
    if name == teacher:
        hub.copy_course(home)   # as in the try-out: the teacher's home holds the course
    account = pwd.getpwnam(name)
    for folder, _, files in os.walk(home):
        for path in [folder, *(os.path.join(folder, f) for f in files)]:
            if os.stat(path).st_uid != account.pw_uid:
                os.chown(path, account.pw_uid, account.pw_gid)
    os.chmod(home, 0o700)
    # the answers the teacher has released so far (their course.yml: `make release-answers 02` there)
    mine = os.path.join(homes, teacher)
    student_env.sync_answers(env, released(Path(mine if os.path.exists(os.path.join(mine, "course.yml")) else course)))


c.JupyterHub.spawner_class = ClassSpawner
c.Spawner.pre_spawn_hook = system_account
c.Spawner.args = []
c.Spawner.cmd = [python, "-m", "jupyterhub.singleuser"]
c.Spawner.environment["JUPYTER_CONFIG_PATH"] = os.path.join(env, "jupyter")
c.Spawner.environment["PYTHONPATH"] = lambda spawner: os.path.join(homes, teacher) if spawner.user.name == teacher else ""
c.Spawner.mem_limit = f"{settings.get('COURSE_HUB_MEM_GIB'):g}G"   # shown to the user (MEM_LIMIT)

# nbgrader's exchange on a shared folder: everyone may write, only a file's owner may delete it (1777);
# nbgrader sets the rights of each assignment's inbound (students write, only the teacher reads) itself.
exchange = settings.get("COURSE_EXCHANGE")   # the try-out gave the servers the same
os.makedirs(exchange, exist_ok=True)
os.chmod(exchange, 0o1777)
# Every server runs as its own system user, so nbgrader knows who submits: no id from the hub.
c.Spawner.environment.pop("COURSE_STUDENT_ID", None)
c.Spawner.environment.pop("COURSE_EXCHANGE_ACCOUNTS", None)   # and collect checks whose a submission is

idle = settings.get("COURSE_HUB_IDLE") * 60   # minutes; Z2JH's cull.timeout is the same (tests/test_settings.py)
c.JupyterHub.services.append(
    {"name": "idle-culler", "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={idle}"]})
c.JupyterHub.load_roles.append({"name": "idle-culler", "services": ["idle-culler"],
                                "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"]})
