"""What the course's two hub configurations share: the settings (course_lib/core/settings.py), the state
folder, the accounts, and the hook that gives the teacher's home its copy of the course.

JupyterHub runs hub/jupyterhub_config.py (the try-out) and hub/class_config.py (the class hub) as plain
files, possibly where the course is not installed, so each loads this file by its path (the lines at the
top of each: importlib, registered as ``course_hub``), and this file loads the settings module by its path
(standard library only, registered as ``course_settings``)."""
import importlib.util
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
COURSE = os.path.dirname(HERE)


def load(name: str, path: str):
    """The module in ``path``, loaded once under ``name`` (registered first: dataclasses look it up)."""
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        module = sys.modules[name] = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[name]
            raise
    return sys.modules[name]


settings = load("course_settings", os.path.join(COURSE, "course_lib", "core", "settings.py"))
# The teacher's copy of the course: the sources, the release, nbgrader's settings, and what those settings need
# to grade in the sandbox (grading/, the answers a submission of a later assignment may import, course.yml).
TEACHER_COPY = ("solutions", "notebooks", "nbgrader_config.py", "grading", "course_answers", "course.yml")


def state() -> str:
    """COURSE_HUB_STATE: homes, exchange, the hub's database."""
    return settings.get("COURSE_HUB_STATE")


def teacher() -> str:
    return settings.get("COURSE_TEACHER")


def home(name: str) -> str:
    return os.path.join(state(), "home", name)


def copy_course(folder: str) -> None:
    """``folder`` (the teacher's home) gets a copy of the course (on Z2JH: a git clone in their volume),
    once: a home that already holds nbgrader_config.py is left as it is."""
    if os.path.exists(os.path.join(folder, "nbgrader_config.py")):
        return
    os.makedirs(folder, exist_ok=True)
    for part in TEACHER_COPY:
        src = os.path.join(COURSE, part)
        if not os.path.exists(src):
            continue
        (shutil.copytree if os.path.isdir(src) else shutil.copy)(src, os.path.join(folder, part))


def teacher_home_holds_the_course(spawner) -> None:
    """The try-out's pre_spawn_hook (the class hub's calls ``copy_course`` itself): the teacher's home is
    a copy of the course."""
    if spawner.user.name == teacher():
        copy_course(home(spawner.user.name))
