"""pyproject.toml and environment.yml list the same packages; the repo has what README promises."""
import re
import tomllib

import yaml
from nbgrading import ROOT


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _makefile_installs() -> set[str]:
    """What the Makefile's install step puts in .venv besides pip itself and the course (-e .)."""
    make = (ROOT / "Makefile").read_text()
    recipe = make.split("$(STAMP): pyproject.toml", 1)[1].split("\n\n", 1)[0]
    args = [line.split("pip install", 1)[1].split("#")[0].split() for line in recipe.splitlines() if "pip install" in line]
    return {a for words in args for a in words if not a.startswith("-") and a not in (".", "pip")}


def _environment_pip() -> list[str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())  # YAML entries only: comments do not count
    return next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))


def test_environment_yml_installs_what_make_installs():
    """conda env create and make install put the same packages in: pyproject's dependencies,
    the Makefile's extra installs (the MOSES molecules) and the course itself."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_list = _environment_pip()
    assert _makefile_installs() == {"./packaging/molsets"}
    assert sorted(pip_list) == sorted(project["dependencies"] + sorted(_makefile_installs()) + ["-e ."])
    conda_python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python"))
    assert project["requires-python"].lstrip(">=") in conda_python


def test_dev_tools_are_an_extra_that_make_test_installs_and_make_lab_does_not():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    dev = {_name(r) for r in project["optional-dependencies"]["dev"]}
    assert {"pytest", "pytest-xdist", "nbval", "playwright", "jupyterhub"} <= dev
    assert not dev & {_name(r) for r in project["dependencies"] + _environment_pip()}
    make = (ROOT / "Makefile").read_text()
    assert "pip install -e .[dev]" in make and "test: $(DEV)" in make and "lab: $(STAMP)" in make


def test_no_data_or_outputs_committed():
    import subprocess
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    assert not [f for f in tracked if re.search(r"(idx\d-ubyte|\.gz$|\.npz$|gradebook\.db)", f)]


def test_ci_runs_make_test_and_the_browser_tests_offline_in_quick_profile():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "COURSE_PROFILE=quick" in ci and "shared/data" in ci
    assert "make test\n" in ci and "make test-browser" in ci
    assert "apt-get install" in ci and "chromium" in ci and "configurable-http-proxy" in ci


def test_molsets_goes_in_without_its_stale_pins():
    """molsets pins pomegranate==0.12.0, which no longer builds; the course reads only its data
    files: packaging/molsets installs the real wheel less its Requires-Dist lines, from make and conda alike."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("molsets_backend", ROOT / "packaging" / "molsets" / "backend.py")
    backend = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(backend)
    assert backend.REQUIREMENT == "molsets==0.3.1"
    assert "./packaging/molsets" in _environment_pip() and "./packaging/molsets" in _makefile_installs()
