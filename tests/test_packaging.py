"""pyproject.toml and environment.yml list the same packages; the repo has what README promises."""
import re
import tomllib

import yaml
from nbgrading import ROOT


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_list = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    conda_python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python"))
    assert sorted(project["dependencies"]) == sorted(r for r in pip_list if not r.startswith("-e"))
    assert "-e ." in pip_list
    assert project["requires-python"].lstrip(">=") in conda_python


def test_no_data_or_outputs_committed():
    import subprocess
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    assert not [f for f in tracked if re.search(r"(idx\d-ubyte|\.gz$|\.npz$|gradebook\.db)", f)]


def test_ci_runs_make_test_offline_in_quick_profile():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "COURSE_PROFILE=quick" in ci and "shared/data" in ci and "exec make test" in ci


def test_molsets_installed_without_its_dependencies():
    """molsets pins old packages; the course reads only its data files, so it goes in with --no-deps."""
    assert "pip install --no-deps molsets==0.3.1" in (ROOT / "Makefile").read_text()
    assert "pip install --no-deps molsets==0.3.1" in (ROOT / "environment.yml").read_text()
