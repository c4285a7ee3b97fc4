"""The course's settings in one place (course_lib/core/settings.py): docs/settings.md is generated from it,
every COURSE_* variable the repository names is declared there and read nowhere else, Zero to JupyterHub's
values say what it says, and a bad value stops its reader with a sentence naming the variable."""
from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from course_lib.core import settings

ROOT = Path(__file__).resolve().parents[1]
READERS = ["course_lib", "grading", "hub", "website"]              # where only the module may read COURSE_*
NAMED_IN = READERS + ["Makefile", ".ci", "tests"]                   # where every COURSE_* name must be declared
TEXT = {".py", ".yaml", ".yml", ".md", ".toml", ".cfg", ".sh", ".txt", ".ini", ""}
NAME = re.compile(r"\bCOURSE_[A-Z0-9_]*[A-Z0-9]\b")


def files(parts: list[str], suffixes: set[str]) -> list[Path]:
    out = []
    for part in parts:
        path = ROOT / part
        found = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        out += [p for p in found if "__pycache__" not in p.parts and p.suffix in suffixes]
    return out


def test_docs_settings_md_is_current():
    doc = ROOT / "docs" / "settings.md"
    assert doc.exists() and doc.read_text() == settings.markdown(), (
        f"docs/settings.md is out of date with course_lib/core/settings.py: run .venv/bin/{settings.COMMAND}")


def test_the_readmes_table_is_the_modules():
    text = (ROOT / "README.md").read_text()
    block = text.split("<!-- settings: run -->\n", 1)[1].split("\n<!-- /settings -->", 1)[0]
    assert block.splitlines() == settings.table("run"), (
        "README.md's settings table is out of date with course_lib/core/settings.py: paste settings.table('run')")


def test_every_course_variable_the_repository_names_is_declared():
    """A name assigned as a Python constant (grading's COURSE_FILE, the browser tests' COURSE_PARTS) is no
    variable; every other COURSE_* name is one, and the table declares it."""
    named, constants = {}, set()
    for path in files(NAMED_IN, TEXT):
        text = path.read_text(errors="replace")
        for name in NAME.findall(text):
            named.setdefault(name, str(path.relative_to(ROOT)))
        if path.suffix == ".py":
            for node in ast.walk(ast.parse(text)):
                targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
                constants |= {t.id for t in targets if isinstance(t, ast.Name) and t.id.startswith("COURSE_")}
    missing = {name: where for name, where in named.items() if name not in settings.SETTINGS and name not in constants}
    assert not missing, f"COURSE_* variables not declared in course_lib/core/settings.py (name: a file naming it): {missing}"
    assert not constants & set(settings.SETTINGS), "a Python constant shares its name with a variable"


def _environ(node) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "environ" and isinstance(node.value, ast.Name)
            and node.value.id == "os") or (isinstance(node, ast.Name) and node.id == "environ")


def environ_uses(tree: ast.AST) -> list[tuple[int, str | None]]:
    """(line, name) for every read or write of one variable of the environment: os.environ[name],
    os.environ.get/pop/setdefault(name), os.getenv(name), name in os.environ. A name that is not written out
    is looked up in the comprehension it iterates over (each of its strings), else it is None."""
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}

    def names(key, at) -> list[str | None]:
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            return [key.value]
        if isinstance(key, ast.Name):
            node = at
            while node in parents:
                node = parents[node]
                for gen in getattr(node, "generators", []):
                    if isinstance(gen.target, ast.Name) and gen.target.id == key.id:
                        return [c.value for c in ast.walk(gen.iter) if isinstance(c, ast.Constant)
                                and isinstance(c.value, str)] or [None]
        return [None]

    found = []
    for node in ast.walk(tree):
        key = None
        if isinstance(node, ast.Subscript) and _environ(node.value):
            key = node.slice
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args and (
                (_environ(node.func.value) and node.func.attr in ("get", "pop", "setdefault"))
                or (node.func.attr == "getenv" and isinstance(node.func.value, ast.Name) and node.func.value.id == "os")):
            key = node.args[0]
        elif isinstance(node, ast.Compare) and any(_environ(c) for c in node.comparators):
            key = node.left
        if key is not None:
            found += [(node.lineno, name) for name in names(key, node)]
    return found


def test_only_the_settings_module_reads_course_variables():
    module = ROOT / "course_lib" / "core" / "settings.py"
    bad = []
    for path in files(READERS, {".py"}):
        if path == module:
            continue
        for line, name in environ_uses(ast.parse(path.read_text())):
            if name is None or name.startswith("COURSE_"):
                bad.append(f"{path.relative_to(ROOT)}:{line}: {name or 'a name not written out'}")
    assert not bad, ("COURSE_* variables are read through course_lib/core/settings.py (get, raw, passed), "
                     "nowhere else:\n" + "\n".join(bad))


def test_the_check_finds_each_kind_of_read():
    code = """import os
a = os.environ["COURSE_PROFILE"]
b = os.environ.get("COURSE_DATA", "")
c = os.getenv("COURSE_TEACHER")
d = "COURSE_HUB_TOKEN" in os.environ
e = {k: os.environ[k] for k in ("COURSE_LIB", "LANG") if k in os.environ}
f = {**os.environ, "COURSE_REPOSITORY": "1"}   # a child's environment: not a read
g = os.environ.get(name)
"""
    assert sorted((n for _, n in environ_uses(ast.parse(code)) if n != "LANG"), key=str) == sorted(
        ["COURSE_PROFILE", "COURSE_DATA", "COURSE_TEACHER", "COURSE_HUB_TOKEN", "COURSE_LIB", "COURSE_LIB", None], key=str)


def test_every_setting_has_its_default_meaning_and_readers():
    for s in settings.TABLE:
        assert s.doc and s.allowed and s.readers, s.name
        assert s.default is not None or s.unset, f"{s.name}: say what unset means"
        for text in [s.default, *s.defaults.values()]:
            if text is not None:
                s.parse(text)   # every default is an allowed value
        for reader in s.readers:
            assert list(ROOT.glob(reader.split(" ")[0])), f"{s.name}: no reader {reader}"


def subset(want: dict, have: dict, where: str = "") -> list[str]:
    wrong = []
    for key, value in want.items():
        if not isinstance(have, dict) or key not in have:
            wrong.append(f"{where}{key}: missing (want {value!r})")
        elif isinstance(value, dict):
            wrong += subset(value, have[key], f"{where}{key}.")
        elif have[key] != value:
            wrong.append(f"{where}{key}: {have[key]!r}, the settings module says {value!r}")
    return wrong


def test_zero_to_jupyterhub_values_say_what_the_settings_module_says():
    """Idle timeout, sign-up, admin, pod limits, the exchange: hub/z2jh/values.yaml and the class hub take
    them from the same place (class_config.py reads the module itself)."""
    values = yaml.safe_load((ROOT / "hub" / "z2jh" / "values.yaml").read_text())
    wrong = subset(settings.z2jh_values(), values)
    assert not wrong, "hub/z2jh/values.yaml differs from course_lib/core/settings.py (z2jh_values):\n" + "\n".join(wrong)
    assert values["cull"]["timeout"] == settings.get("COURSE_HUB_IDLE", environ={}) * 60
    env = values["singleuser"]["extraEnv"]
    for name in env:
        assert name in settings.SETTINGS, f"values.yaml's extraEnv sets {name}, which no reader declares"
        settings.get(name, environ={k: str(v) for k, v in env.items()})   # an allowed value
    dockerfile = (ROOT / "hub" / "z2jh" / "Dockerfile").read_text()
    assert f"COURSE_EXCHANGE={settings.Z2JH_EXCHANGE}" in dockerfile


@pytest.mark.parametrize("name, value, allowed", [
    ("COURSE_HUB_MEM_GIB", "abc", "a number of GiB above 0"),
    ("COURSE_HUB_MEM_GIB", "-2", "a number of GiB above 0"),
    ("COURSE_PROFILE", "medium", "'quick' or 'full'"),
    ("COURSE_HUB_NPROC", "1.5", "a whole number above 0"),
    ("COURSE_HUB_IDLE", "an hour", "a whole number of minutes above 0"),
    ("COURSE_HUB_URL", "localhost:8000", "an http:// or https:// address"),
    ("COURSE_EXCHANGE_ACCOUNTS", "mine", "'shared' or 'uid-from-name'"),
])
def test_a_bad_value_is_a_sentence_naming_the_variable_and_what_is_allowed(name, value, allowed):
    with pytest.raises(settings.SettingError) as error:
        settings.get(name, environ={name: value})
    message = str(error.value)
    assert message.startswith(f"{name}={value!r} is not allowed: set it to {allowed}, or unset it"), message
    assert isinstance(error.value, ValueError)


def test_values_defaults_and_readers_own_defaults():
    get = settings.get
    assert get("COURSE_PROFILE", environ={}) == "full" and get("COURSE_PROFILE", environ={"COURSE_PROFILE": " Quick "}) == "quick"
    assert get("COURSE_PROFILE", reader=settings.GRADING, environ={}) == "quick"
    assert get("COURSE_PROFILE", reader=settings.GRADING, environ={"COURSE_PROFILE": "full"}) == "full"
    assert get("COURSE_PROFILE", environ={"COURSE_PROFILE": "  "}) == "full"   # empty counts as unset
    assert get("COURSE_STUDENTS", environ={}) == [] and get("COURSE_STUDENTS", reader=settings.TRYOUT, environ={}) == [
        "student1", "student2"]
    assert get("COURSE_STUDENTS", environ={"COURSE_STUDENTS": "a,,b"}) == ["a", "b"]
    assert get("COURSE_HUB_MEM_GIB", environ={}) == 8 and get("COURSE_HUB_NPROC", environ={}) == 1024
    assert get("COURSE_HUB_STATE", environ={}) == str(ROOT / "hub" / "state")
    assert get("COURSE_EXCHANGE", environ={}) == str(ROOT / "hub" / "state" / "exchange")
    assert get("COURSE_REPOSITORY", environ={}) == settings.repository() == "https://github.com/genmodels-course/generative-models"
    assert get("COURSE_DATA", environ={}) is None and get("COURSE_EXCHANGE_ACCOUNTS", environ={}) is None
    assert settings.passed("sandbox", {"COURSE_DATA": "/d", "COURSE_HUB_TOKEN": "t", "PATH": "/bin"}) == {"COURSE_DATA": "/d"}
    with pytest.raises(settings.SettingError, match="COURSE_SITE_CACHE is not set: website/build.py sets it"):
        settings.require("COURSE_SITE_CACHE", environ={})
    with pytest.raises(KeyError, match="declare it"):
        settings.get("COURSE_" + "NOTHING")


def test_the_run_profile_error_comes_from_the_module(monkeypatch):
    from course_lib.core import config

    monkeypatch.setenv("COURSE_PROFILE", "medium")
    with pytest.raises(ValueError, match=r"COURSE_PROFILE='medium' is not allowed: set it to 'quick' or 'full'"):
        config.profile()


def test_the_sandbox_gets_the_passed_settings_and_no_others(monkeypatch, tmp_path):
    from grading.sandbox import _env

    monkeypatch.setenv("COURSE_DATA", "/data")
    monkeypatch.setenv("COURSE_PROFILE", "full")
    monkeypatch.setenv("COURSE_HUB_TOKEN", "secret")
    env = _env(tmp_path, "")
    assert env["COURSE_DATA"] == "/data" and env["COURSE_PROFILE"] == "full" and "COURSE_HUB_TOKEN" not in env
    assert _env(tmp_path, "", profile="quick")["COURSE_PROFILE"] == "quick"   # grading/steps.py's, not os.environ


TRYOUT = """import importlib.abc, json, sys
class NoCourse(importlib.abc.MetaPathFinder):   # JupyterHub where the course is not installed
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"course_lib", "grading", "course_answers", "yaml", "torch", "numpy"}:
            raise ImportError(f"the try-out's configuration imports {name}")
sys.meta_path.insert(0, NoCourse())
from traitlets.config import Config
c, path = Config(), sys.argv[1]
exec(compile(open(path).read(), path, "exec"), {"get_config": lambda: c, "__file__": path, "__name__": "config"})
hook = c.Spawner.pre_spawn_hook
print(json.dumps({"users": sorted(c.Authenticator.allowed_users), "bind_url": c.JupyterHub.bind_url,
                  "hook": f"{hook.__module__}.{hook.__name__}", "env": sorted(c.Spawner.environment),
                  "exchange": c.Spawner.environment["COURSE_EXCHANGE"], "settings": sys.modules["course_settings"].__file__}))
"""


def run_tryout(tmp_path: Path, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("COURSE_") and k != "PYTHONPATH"}
    return subprocess.run([sys.executable, "-c", TRYOUT, str(ROOT / "hub" / "jupyterhub_config.py")], cwd=tmp_path,
                          env={**clean, "COURSE_HUB_STATE": str(tmp_path / "state"), **env},
                          capture_output=True, text=True, timeout=60)


def test_the_tryout_loads_its_settings_by_path_where_the_course_is_not_installed(tmp_path):
    result = run_tryout(tmp_path, COURSE_PROFILE="quick")
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout)
    assert out["users"] == ["student1", "student2", "teacher"] and out["bind_url"] == "http://127.0.0.1:8000"
    assert out["hook"] == "course_hub.teacher_home_holds_the_course"   # shared with the class hub through the module
    assert out["exchange"] == str(tmp_path / "state" / "exchange")
    assert {"COURSE_PROFILE", "COURSE_EXCHANGE", "COURSE_STUDENT_ID"} <= set(out["env"]) and "COURSE_DATA" not in out["env"]
    assert out["settings"] == str(ROOT / "course_lib" / "core" / "settings.py")
    bad = run_tryout(tmp_path, COURSE_HUB_URL="localhost:8000")
    assert bad.returncode != 0 and "COURSE_HUB_URL='localhost:8000' is not allowed: set it to an http://" in bad.stderr


def test_the_class_hub_shares_the_hook_through_a_module_not_through_c(tmp_path, monkeypatch):
    """hub/class_config.py calls course_hub.copy_course itself; it reads nothing of the try-out back out of c."""
    tree = ast.parse((ROOT / "hub" / "class_config.py").read_text())
    read_back = [ast.unparse(n) for n in ast.walk(tree) if isinstance(getattr(n, "ctx", None), ast.Load) and (
        (isinstance(n, ast.Attribute) and n.attr == "pre_spawn_hook")
        or (isinstance(n, ast.Subscript) and ast.unparse(n.value) == "c.Spawner.environment"))]
    assert not read_back, f"hub/class_config.py reads the try-out's settings back out of c: {read_back}"
    assert "hub.copy_course(home)" in ast.unparse(tree)
    # the hook itself: the teacher's home gets the course once, a student's nothing
    import importlib.util
    from types import SimpleNamespace

    spec = importlib.util.spec_from_file_location("course_hub_test", ROOT / "hub" / "course_hub.py")
    hub = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hub)
    monkeypatch.setattr(hub, "TEACHER_COPY", ("course.yml", "nbgrader_config.py", "no-such-part"))
    monkeypatch.setenv("COURSE_HUB_STATE", str(tmp_path))
    monkeypatch.setenv("COURSE_TEACHER", "prof")
    for name in ("prof", "alice"):
        hub.teacher_home_holds_the_course(SimpleNamespace(user=SimpleNamespace(name=name)))
    assert sorted(p.name for p in (tmp_path / "home" / "prof").iterdir()) == ["course.yml", "nbgrader_config.py"]
    assert not (tmp_path / "home" / "alice").exists()
