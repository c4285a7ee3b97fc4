"""settings: every ``COURSE_*`` environment variable of the course in one table (name, default, what a
value may be, what it means, who reads it), the class's ``course.yml``, the repository's address, and
the hub settings the class hub and Zero to JupyterHub share. Every reader asks this module; nothing else
reads ``os.environ`` for a ``COURSE_*`` name (tests/test_settings.py checks it).

Standard library only, and nothing else of course_lib: JupyterHub loads this file by its path
(hub/course_hub.py), where the course may not be installed. docs/settings.md is generated from it:

    python -m course_lib.core.settings --write     # rewrites docs/settings.md

An empty value counts as unset. A value outside what is allowed stops its reader with a sentence that
names the variable and what it may be (``SettingError``, a ``ValueError``).
"""
from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]   # the repository (an editable install, or the hub's copy)
COURSE_FILE = "course.yml"
TRYOUT, GRADING = "try-out", "grading"       # readers with a default of their own (Setting.defaults)
PROFILES = ("quick", "full")                 # the run profiles (course_lib.core.config.Profile)


class SettingError(ValueError):
    """A variable set to something its reader cannot use."""


@dataclass(frozen=True)
class Setting:
    name: str
    default: str | None          # as it would be written in the environment; None: unset means ``unset``
    parse: Callable[[str], Any]  # text -> value; raises ValueError when the text is not allowed
    allowed: str                 # what a value may be, for the docs and the error
    doc: str                     # what it means, one line
    readers: tuple[str, ...]     # who reads it (repository paths)
    unset: str = ""              # what unset means, where no default says it
    computed: Callable[[], str] | None = None   # the default, where it depends on where the course is
    defaults: Mapping[str, str] = field(default_factory=dict)   # a reader's own default: {GRADING: "quick"}
    passed: tuple[str, ...] = ()  # handed on unchanged to: "sandbox" (the grading kernel), "servers" (hub)
    group: str = "run"


# ---- parsing ----
def _text(text: str) -> str:
    return text


def _choice(*options: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        value = text.strip().lower()
        if value not in options:
            raise ValueError(text)
        return value
    return parse


def _positive(kind: type) -> Callable[[str], Any]:
    def parse(text: str):
        value = kind(text.strip())
        if not value > 0:
            raise ValueError(text)
        return value
    return parse


def _url(text: str) -> str:
    if not re.match(r"https?://[^\s/]+", text.strip()):
        raise ValueError(text)
    return text.strip()


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def _data_path(text: str) -> Path:
    return Path(text).expanduser().resolve()


def repository() -> str:
    """pyproject.toml's project.urls.Repository (read as text: tomllib needs Python 3.11)."""
    path = ROOT / "pyproject.toml"
    found = re.search(r'Repository = "([^"]+)"', path.read_text()) if path.exists() else None
    if not found:
        raise SettingError(f"{path} names no project.urls.Repository: the course's address comes from there")
    return found.group(1)


def _hub_state() -> str:
    return str(ROOT / "hub" / "state")


def _hub_exchange() -> str:
    return os.path.join(get("COURSE_HUB_STATE"), "exchange")


URL = "an http:// or https:// address"
TABLE = [
    # -- running the notebooks --
    Setting("COURSE_PROFILE", "full", _choice(*PROFILES), "'quick' or 'full'",
            "the run profile: quick (small data, few steps: CI, grading, a smoke run) or full (real results)",
            ("course_lib/core/config.py", "website/build.py", "grading/steps.py"),
            defaults={GRADING: "quick"}, passed=("sandbox", "servers")),
    Setting("COURSE_DATA", None, _data_path, "a folder", "the data sets in torchvision's layout "
            "(FashionMNIST/raw/... inside it); the grading sandbox mounts it read-only",
            ("course_lib/core/config.py", "grading/sandbox.py"),
            unset="course_lib/data in XDG_CACHE_HOME (default ~/.cache)", passed=("sandbox", "servers")),
    Setting("COURSE_LIB", None, str.split, "pip requirements, space-separated",
            "what a notebook's first cell installs where course_lib is missing (Colab); the tests: a wheel",
            ("solutions/*/*.ipynb (first cell)",), unset="course-lib and molsets from the repository"),
    # -- grading and the exchange --
    Setting("COURSE_EXCHANGE", None, _text, "a folder", "nbgrader's exchange, one folder every server sees "
            "at the same path; the hub sets it for its servers",
            ("hub/jupyterhub_config.py", "hub/class_config.py", "jupyter/nbgrader_config.py"),
            unset="COURSE_HUB_STATE/exchange on a hub; exchange/ in the course folder elsewhere",
            computed=_hub_exchange, group="grading"),
    Setting("COURSE_EXCHANGE_ACCOUNTS", None, _choice("shared", "uid-from-name"), "'shared' or 'uid-from-name'",
            "whose uid a submission's files carry: shared (the try-out: one user for all), uid-from-name "
            "(Zero to JupyterHub: grading/exchange.py's uid_from_name)", ("grading/exchange.py", "nbgrader_config.py"),
            unset="each student's system account (the class hub)", group="grading"),
    Setting("COURSE_STUDENT_ID", None, _text, "a student's id", "who submits, where every server runs as the "
            "same system user; the try-out and Zero to JupyterHub set it per server (the teacher: empty)",
            ("jupyter/nbgrader_config.py",), unset="nbgrader's own: the system user's name", group="grading"),
    Setting("COURSE_HUB_TOKEN", None, _text, "a token of a hub admin", "with `python -m grading roster`: "
            "the students also get hub accounts (a token from the hub's Token page)",
            ("grading/__main__.py",), unset="the roster goes into the gradebook only", group="grading"),
    # -- the hubs --
    Setting("COURSE_HUB_STATE", "hub/state", os.path.abspath, "a folder", "the hub's state: homes, exchange, "
            "the students' environment, the hub's database (in hub/, only the hub's user may enter)",
            ("hub/course_hub.py (both hubs)",), computed=_hub_state, group="hub"),
    Setting("COURSE_TEACHER", "teacher", _text, "a user name", "the teacher's hub account (an admin; "
            "their home holds the course)", ("hub/course_hub.py (both hubs)",), group="hub"),
    Setting("COURSE_STUDENTS", "", _names, "user names, comma-separated", "the students let in (the class "
            "hub: those who may sign up at once; the roster adds more)",
            ("hub/jupyterhub_config.py", "hub/class_config.py"),
            defaults={TRYOUT: "student1,student2"}, group="hub"),
    Setting("COURSE_HUB_PASSWORD", "", _text, "any text", "the try-out's one password for every account "
            "(its dummy authenticator)", ("hub/jupyterhub_config.py",), group="hub"),
    Setting("COURSE_HUB_URL", "http://127.0.0.1:8000", _url, URL, "where the hub answers (its bind_url)",
            ("hub/jupyterhub_config.py",), group="hub"),
    Setting("COURSE_HUB_API_URL", "http://127.0.0.1:8081", _url, URL, "the hub's own API, for the proxy and "
            "the servers (hub_bind_url)", ("hub/jupyterhub_config.py",), group="hub"),
    Setting("COURSE_PROXY_API_URL", "http://127.0.0.1:8001", _url, URL, "configurable-http-proxy's API",
            ("hub/jupyterhub_config.py",), group="hub"),
    Setting("COURSE_HUB_MEM_GIB", "8", _positive(float), "a number of GiB above 0", "the class hub's cap "
            "on each process's address space (RLIMIT_AS), also shown to the user (mem_limit)",
            ("hub/class_config.py",), group="hub"),
    Setting("COURSE_HUB_NPROC", "1024", _positive(int), "a whole number above 0", "the class hub's cap on "
            "each user's processes and threads (RLIMIT_NPROC)", ("hub/class_config.py",), group="hub"),
    Setting("COURSE_HUB_IDLE", "60", _positive(int), "a whole number of minutes above 0", "servers idle "
            "this long are stopped (the class hub's jupyterhub-idle-culler; Zero to JupyterHub's cull.timeout)",
            ("hub/class_config.py", "hub/z2jh/values.yaml (tests/test_settings.py)"), group="hub"),
    Setting("COURSE_HUB_TEST_TOKEN", None, _text, "any text", "an API token that may manage users and "
            "servers: for the browser tests only", ("hub/jupyterhub_config.py",), unset="no such token",
            group="hub"),
    # -- the website --
    Setting("COURSE_REPOSITORY", None, _url, URL, "the repository's address on the website's pages "
            "(website/build.py sets it)", ("website/conf.py",), unset="pyproject.toml's project.urls.Repository",
            computed=repository, group="website"),
    Setting("COURSE_SITE_CACHE", None, _text, "a folder", "jupyter-cache's folder of the build's profile "
            "(website/build.py sets it)", ("website/conf.py",), unset="website/build.py sets it (make site)",
            group="website"),
    # -- the tests --
    Setting("COURSE_WARM_KERNEL_SOCKET", None, _text, "a socket path", "a warm kernel the notebook tests "
            "reuse (tests/warm_kernel.py sets it)", ("tests/warm_kernel.py",), unset="each test starts its own",
            group="tests"),
]
SETTINGS: dict[str, Setting] = {s.name: s for s in TABLE}
GROUPS = {"run": "Running the notebooks", "grading": "Grading and the exchange", "hub": "The hubs",
          "website": "The website", "tests": "The tests"}


def raw(name: str, environ: Mapping[str, str] | None = None) -> str | None:
    """The variable as set (None when unset or empty): for what is handed on unchanged."""
    if name not in SETTINGS:
        raise KeyError(f"{name} is no setting of the course: declare it in course_lib/core/settings.py")
    text = (os.environ if environ is None else environ).get(name)
    return text if text is not None and text.strip() else None


def get(name: str, reader: str = "", environ: Mapping[str, str] | None = None) -> Any:
    """The value of ``name``: parsed from the environment, else ``reader``'s default, else the default
    (None where unset has a meaning of its own). A value that is not allowed raises ``SettingError``."""
    setting, text = SETTINGS.get(name), raw(name, environ)
    if text is None:
        if reader in setting.defaults:
            return setting.parse(setting.defaults[reader])
        if setting.computed is not None:
            return setting.parse(setting.computed())
        return None if setting.default is None else setting.parse(setting.default)
    try:
        return setting.parse(text)
    except ValueError:
        raise SettingError(f"{name}={text!r} is not allowed: set it to {setting.allowed}, or unset it "
                           f"({_default_text(setting)}). {name}: {setting.doc}.") from None


def require(name: str, environ: Mapping[str, str] | None = None) -> Any:
    """As ``get``, but unset is an error that says who sets it."""
    value = get(name, environ=environ)
    if value is None:
        raise SettingError(f"{name} is not set: {SETTINGS[name].unset or SETTINGS[name].doc}")
    return value


def passed(to: str, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The variables handed on unchanged to ``to`` ("sandbox", "servers"), those that are set."""
    values = {s.name: raw(s.name, environ) for s in TABLE if to in s.passed}
    return {k: v for k, v in values.items() if v is not None}


def _default_text(setting: Setting) -> str:
    if setting.default is None:
        return f"unset: {setting.unset}"
    own = "".join(f"; {reader}: {value or 'empty'}" for reader, value in setting.defaults.items())
    return f"default {setting.default or 'empty'}{own}"


# ---- course.yml: the class's state, in one file the teacher edits ----
COURSE_YML = {
    "answers_released": ("assignments whose reference answers students get (`make release-answers NN` adds)",
                         "grading/bundle.py"),
    "due": ("assignment: due date, e.g. 01_autoencoders: 2027-01-15 23:59 (UTC unless it says otherwise)",
            "grading/classroom.py"),
    "late_penalty": ("{per_day: 10, max: 50}: percent of the score per started day late, at most max",
                     "grading/classroom.py"),
    "extensions": ("student: {assignment: 2 days}", "grading/classroom.py"),
}


def course_yml(root: Path | str = ROOT) -> dict:
    """``course.yml`` in ``root``, the class's state, as a dict ({} when there is none)."""
    import yaml  # PyYAML: the teacher's environment has it; the hub reads no course.yml through here

    path = Path(root) / COURSE_FILE
    return (yaml.safe_load(path.read_text()) if path.exists() else None) or {}


# ---- the hubs: what the class hub (hub/class_config.py) and Zero to JupyterHub (hub/z2jh/values.yaml) share ----
NATIVE_AUTHENTICATOR = {"open_signup": False,          # sign-up alone lets in only the roster
                        "minimum_password_length": 8,
                        "allowed_failed_logins": 5,
                        "seconds_before_next_try": 300}
Z2JH_EXCHANGE = "/srv/nbgrader/exchange"   # the exchange volume's mount point (hub/z2jh/Dockerfile sets it too)
Z2JH_POD = {"memory": {"guarantee": "2G", "limit": "4G"},   # the full profile's largest notebook stays under 3 GB
            "cpu": {"guarantee": 0.5, "limit": 2}}
Z2JH_CULL_EVERY = 300   # seconds between the culler's rounds on Zero to JupyterHub


def z2jh_values() -> dict:
    """What hub/z2jh/values.yaml must hold (tests/test_settings.py checks it), from the defaults above."""
    return {
        "hub": {"config": {"Authenticator": {"admin_users": [SETTINGS["COURSE_TEACHER"].default], "allow_all": True},
                           "NativeAuthenticator": dict(NATIVE_AUTHENTICATOR)}},
        "singleuser": {**Z2JH_POD, "extraEnv": {"COURSE_EXCHANGE": Z2JH_EXCHANGE,
                                                "COURSE_PROFILE": SETTINGS["COURSE_PROFILE"].default,
                                                "COURSE_EXCHANGE_ACCOUNTS": "uid-from-name"}},
        "cull": {"enabled": True, "timeout": int(SETTINGS["COURSE_HUB_IDLE"].default) * 60,
                 "every": Z2JH_CULL_EVERY},
    }


# ---- docs/settings.md ----
DOC = ROOT / "docs" / "settings.md"
COMMAND = "python -m course_lib.core.settings --write"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table(group: str) -> list[str]:
    """The markdown table of one group's variables (docs/settings.md; README.md shows the "run" group's)."""
    out = ["| Variable | Default | Allowed | Meaning | Read by |", "|---|---|---|---|---|"]
    for s in (s for s in TABLE if s.group == group):
        default = f"`{s.default}`" if s.default else ("empty" if s.default == "" else f"unset: {s.unset}")
        default += "".join(f"; {reader}: `{value}`" for reader, value in s.defaults.items())
        readers = ", ".join(f"`{r}`" for r in s.readers)
        if s.passed:
            readers += "; passed on to " + " and ".join(
                {"sandbox": "the grading sandbox", "servers": "the hub's servers"}[p] for p in s.passed)
        out.append(f"| `{s.name}` | {_cell(default)} | {_cell(s.allowed)} | {_cell(s.doc)} | {_cell(readers)} |")
    return out


def markdown() -> str:
    """docs/settings.md: every variable, course.yml's keys, the hubs' shared settings."""
    out = ["# Settings", "",
           f"Generated from `course_lib/core/settings.py` by `{COMMAND}`; tests/test_settings.py checks that "
           "it is current. Every reader gets its value from that module. An empty value counts as unset; a "
           "value outside what is allowed stops the reader with a sentence naming the variable.", ""]
    for group, title in GROUPS.items():
        out += [f"## {title}", "", *table(group), ""]
    out += ["## course.yml", "", "The class's state, one file the teacher edits (read by `course_yml()`).", "",
            "| Key | Meaning | Read by |", "|---|---|---|"]
    out += [f"| `{key}` | {_cell(doc)} | `{reader}` |" for key, (doc, reader) in COURSE_YML.items()]
    values = z2jh_values()
    pod = values["singleuser"]
    out += ["", "## The class's hubs", "",
            "The class hub (`hub/class_config.py`, one machine) and Zero to JupyterHub (`hub/z2jh/values.yaml`, "
            "Kubernetes) take these from the module; tests/test_settings.py checks that values.yaml says the same. "
            "The try-out (`hub/jupyterhub_config.py`) sets no limits.", "",
            "| Setting | Class hub | Zero to JupyterHub |", "|---|---|---|",
            f"| idle servers stopped after | COURSE_HUB_IDLE minutes (`{SETTINGS['COURSE_HUB_IDLE'].default}`) | "
            f"cull.timeout `{values['cull']['timeout']}` s, checked every `{Z2JH_CULL_EVERY}` s |",
            f"| memory | COURSE_HUB_MEM_GIB GiB of address space per process (`{SETTINGS['COURSE_HUB_MEM_GIB'].default}`) | "
            f"`{pod['memory']['guarantee']}` guaranteed, `{pod['memory']['limit']}` at most per pod |",
            f"| processes | COURSE_HUB_NPROC per user (`{SETTINGS['COURSE_HUB_NPROC'].default}`) | (the node's) |",
            f"| CPU | (the machine's) | `{pod['cpu']['guarantee']}` guaranteed, `{pod['cpu']['limit']}` at most |",
            f"| admin | COURSE_TEACHER (`{SETTINGS['COURSE_TEACHER'].default}`) | "
            f"`{values['hub']['config']['Authenticator']['admin_users'][0]}` |",
            "| sign-up (NativeAuthenticator) | " + _cell(", ".join(f"{k}={v}" for k, v in NATIVE_AUTHENTICATOR.items()))
            + " | the same |",
            f"| exchange | COURSE_EXCHANGE (COURSE_HUB_STATE/exchange) | `{Z2JH_EXCHANGE}` (a volume) |", ""]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args == ["--write"]:
        DOC.write_text(markdown())
        print(f"wrote {DOC}")
    elif not args:
        print(markdown(), end="")
    else:
        print(f"usage: {COMMAND}   (without --write: print it)", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
