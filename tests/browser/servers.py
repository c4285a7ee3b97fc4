"""Start real servers for the browser tests: JupyterLab on a free 127.0.0.1 port, JupyterHub."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# What a course copy needs: the teacher's view of the repository, without state or environments.
COURSE_PARTS = ["solutions", "notebooks", "nbgrader_config.py", "jupyter"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def copy_course(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for part in COURSE_PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, dest / part, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        else:
            shutil.copy(src, dest / part)
    return dest


def kernel_env(**extra) -> dict:
    """The environment of a server whose kernels a browser drives: the test runner's own
    settings (MPLBACKEND=Agg from tests/conftest.py) must not reach them, and the server must
    not find nbgrader's helpers through PATH (a server started as `.venv/bin/jupyter lab`)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MPL", "PYTEST", "JUPYTER"))}
    scripts = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != scripts)
    env.setdefault("COURSE_PROFILE", "quick")
    env.update(extra)
    return env


def wait_for(url: str, timeout: float, proc: subprocess.Popen, log: Path) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except Exception:  # noqa: BLE001 (not up yet: refused, reset, 5xx ...)
            time.sleep(0.25)
    raise TimeoutError(f"{url} did not answer in {timeout} s:\n{log.read_text()[-3000:]}")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def serve(cmd: list, ready_url: str, log: Path, name: str, cwd: Path, env: dict):
    """Run ``cmd`` (output to ``log``) until the ``with`` block ends; enter once ``ready_url`` answers."""
    start = time.monotonic()
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for(ready_url, 90, proc, log)
        print(f"\n{name} answered after {time.monotonic() - start:.1f} s")
        yield proc
    finally:
        stop(proc)
