"""The class in containers (hub/z2jh/): Docker cannot run on this machine, so the image's install steps run
in a fresh environment instead, and the chart values are checked against the image and the course."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml
from envs import bare_venv

from grading import bundle

ROOT = Path(__file__).resolve().parents[1]
Z2JH = ROOT / "hub" / "z2jh"


@pytest.mark.slow
def test_the_image_installs_what_students_get_and_nothing_more(tmp_path):
    dockerfile = (Z2JH / "Dockerfile").read_text()
    copies = re.findall(r"^COPY (?:--\S+ )*(\S+) (\S+)$", dockerfile, flags=re.M)
    assert [src for src, _ in copies] == ["dist/student-bundle", "jupyter"]
    kept = [line[1:] for line in (Z2JH / "Dockerfile.dockerignore").read_text().splitlines() if line.startswith("!")]
    assert kept == [src for src, _ in copies]   # the build context holds nothing else
    # The RUN line's steps, with the bundle of the start of term (no answers released), in a fresh environment.
    bundle.build(tmp_path / "dist" / "student-bundle", root=tmp_path)
    course = tmp_path / "dist" / "student-bundle"
    python = bare_venv(tmp_path / "venv")
    install = re.search(r"pip install --no-cache-dir (\S+) (\S+)", dockerfile).groups()
    targets = [str(course / Path(t).relative_to("/opt/course")) for t in install]
    subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", "--no-build-isolation", "-q",
                    *targets], check=True, capture_output=True)
    probe = ("import course_lib, course_answers, pkgutil; print(course_lib.__file__); "
             "print(sorted(m.name for m in pkgutil.iter_modules(course_answers.__path__)))")
    out = subprocess.run([str(python), "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    assert str(tmp_path / "venv") in out.splitlines()[0] and out.splitlines()[1] == "[]", out


def test_the_chart_values_give_the_class_limits_a_culler_and_one_exchange():
    values = yaml.safe_load((Z2JH / "values.yaml").read_text())
    hub, user = values["hub"], values["singleuser"]
    assert hub["config"]["JupyterHub"]["authenticator_class"] == "native"
    assert hub["config"]["NativeAuthenticator"]["open_signup"] is False
    assert "COURSE_STUDENT_ID" in hub["extraConfig"]["course"]
    assert user["memory"]["limit"] and user["cpu"]["limit"] and values["cull"]["enabled"]
    exchange = re.search(r"COURSE_EXCHANGE=(\S+)", (Z2JH / "Dockerfile").read_text()).group(1)
    mounts = {m["name"]: m["mountPath"] for m in user["storage"]["extraVolumeMounts"]}
    assert mounts["nbgrader-exchange"] == user["extraEnv"]["COURSE_EXCHANGE"] == exchange
    assert {v["name"] for v in user["storage"]["extraVolumes"]} == set(mounts)


def test_z2jh_keeps_every_variable_of_extra_env_and_adds_the_student_id():
    """As z2jh's jupyterhub_config.py builds the hub's configuration: KubeSpawner.environment from
    singleuser.extraEnv first (set_config_if_not_none), then each hub.extraConfig snippet, in key order."""
    from types import SimpleNamespace

    from traitlets.config import Config

    values = yaml.safe_load((Z2JH / "values.yaml").read_text())
    c = Config()
    c.KubeSpawner.environment = dict(values["singleuser"]["extraEnv"])
    for _, snippet in sorted(values["hub"]["extraConfig"].items()):
        exec(snippet, {"c": c})
    env = c.KubeSpawner.environment
    assert env["COURSE_EXCHANGE"] == "/srv/nbgrader/exchange" and env["COURSE_PROFILE"] == "full", env
    assert env["COURSE_EXCHANGE_ACCOUNTS"] == "uid-from-name", env   # collect checks who wrote each submission
    # each pod its user's own uid, the one the teacher's collect expects; no two users share one
    from grading.exchange import uid_from_name

    class Users:
        names = ["teacher", "alice", "bob"]

        def query(self, _):
            return [(n,) for n in self.names]
    uids = {n: c.KubeSpawner.uid(SimpleNamespace(user=SimpleNamespace(name=n), db=Users())) for n in Users.names}
    assert uids == {n: uid_from_name(n) for n in Users.names} and len(set(uids.values())) == 3, uids
    assert min(uids.values()) >= 200_000 and c.KubeSpawner.gid == c.KubeSpawner.fs_gid == 100
    student = SimpleNamespace(user=SimpleNamespace(name="alice", admin=False))
    teacher = SimpleNamespace(user=SimpleNamespace(name="teacher", admin=True))
    assert env["COURSE_STUDENT_ID"](student) == "alice" and env["COURSE_STUDENT_ID"](teacher) == ""
