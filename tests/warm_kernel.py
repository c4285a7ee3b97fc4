"""Warm kernels for the grading tests: a fresh IPython kernel per notebook in a fraction of the time.

nbgrader starts a new kernel for every notebook it autogrades or validates, and most of a kernel's
start is importing torch and the course library (about 2.5 s of the 5 s a graded submission takes on
2 cores). Here one *server* process per test worker imports them once and then only forks: each kernel
is a child of that pristine process, a new process with its own memory and fresh state (nothing ever
ran in the server but imports), which then starts an ordinary ipykernel on the connection file nbgrader
gave it. What runs in the kernel, what nbgrader sees and how it scores are unchanged.

Jupyter launches a kernel from a kernel spec (``kernel.json``); this one's ``argv`` runs this file as
a small *launcher* that asks the server for a kernel and stands in for it: it forwards the signals
Jupyter sends (interrupt, terminate), exits with the kernel's exit status, and if it is killed the
server kills the kernel. Nothing of this is used by ``make grade`` or by the sandbox tests: they start
their kernels as a class's grading does.

    python tests/warm_kernel.py serve SOCKET      # the server (tests/conftest.py starts one per worker)
    python tests/warm_kernel.py launch -f FILE    # what kernel.json runs
"""
from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

NAME = "course-warm"
SOCKET_VAR = "COURSE_WARM_KERNEL_SOCKET"
# imported once by the server: what every graded notebook's setup cell imports, what the first optimizer step
# imports (torch._dynamo), and the kernel itself
WARM = ["torch", "torch._dynamo", "torchvision", "numpy", "matplotlib.pyplot", "ipykernel.kernelapp", "sklearn.metrics",
        "course_lib.core.config", "course_lib.core.data", "course_lib.core.plots", "course_lib.core.train",
        "course_lib.core.wardrobe", "course_lib.metrics", "course_lib.models", "course_lib.teaching.checks",
        "course_lib.teaching.widgets", "course_lib.teaching.predict"]


def kernel_spec(folder: Path) -> Path:
    """Write the kernel spec under ``folder/kernels/`` (put ``folder`` on JUPYTER_PATH); returns ``folder``."""
    spec = folder / "kernels" / NAME
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, str(Path(__file__).resolve()), "launch", "-f", "{connection_file}"],
        "display_name": "Python 3 (warm, tests only)", "language": "python", "interrupt_mode": "signal"}))
    return folder


def start_server(path: Path, env: dict | None = None, timeout: float = 120) -> subprocess.Popen:
    """Start a server listening on ``path`` and wait until it accepts kernels."""
    env = dict(os.environ if env is None else env)
    # One thread while it imports: a process that forks must have no other thread (OpenBLAS starts its
    # workers on import unless told). Each kernel then sets torch's threads from its own environment.
    env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS=env.get("OMP_NUM_THREADS") or "1")
    proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "serve", str(path)], env=env,
                            stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout
    while not path.exists():
        if proc.poll() is not None:
            raise RuntimeError(f"the warm-kernel server exited with status {proc.returncode}")
        if time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"the warm-kernel server did not start within {timeout} s")
        time.sleep(0.05)
    return proc


# ---- the server ----

SERVER_PYTHONPATH = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]


def serve(path: str) -> None:
    import importlib

    for module in WARM:
        importlib.import_module(module)
    threads = len(os.listdir("/proc/self/task"))
    if threads != 1:
        sys.exit(f"warm-kernel server: {threads} threads after the imports; a process that forks must have one")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path + ".tmp")
    os.rename(path + ".tmp", path)   # the path appears only once it accepts
    listener.listen(64)
    kernels: dict[int, socket.socket] = {}   # pid -> the launcher's connection
    signal.signal(signal.SIGTERM, lambda *_: _stop(kernels, path))
    while True:
        ready, _, _ = select.select([listener, *kernels.values()], [], [], 0.05)
        for conn in ready:
            if conn is listener:
                launcher, _ = listener.accept()
                pid = _fork_kernel(launcher, listener, kernels)
                if pid:
                    kernels[pid] = launcher
            else:   # a launcher went away (killed): its kernel goes too
                pid = next(p for p, c in kernels.items() if c is conn)
                if not conn.recv(1):
                    _kill(pid)
        while kernels:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if not pid:
                break
            conn = kernels.pop(pid, None)
            if conn is not None:
                with contextlib.suppress(OSError):
                    conn.sendall(json.dumps({"exit": os.waitstatus_to_exitcode(status)}).encode() + b"\n")
                conn.close()


def _stop(kernels: dict, path: str) -> None:
    for pid in kernels:
        _kill(pid)
    Path(path).unlink(missing_ok=True)
    os._exit(0)


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _fork_kernel(launcher: socket.socket, listener: socket.socket, kernels: dict) -> int | None:
    message, fds, _, _ = socket.recv_fds(launcher, 1 << 20, 3)
    request = json.loads(message)
    pid = os.fork()
    if pid:
        for fd in fds:
            os.close(fd)
        launcher.sendall(json.dumps({"pid": pid}).encode() + b"\n")
        return pid
    # the kernel: a new process with the server's imports and nothing else
    try:
        listener.close()
        launcher.close()
        for conn in kernels.values():
            conn.close()
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.setsid()
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        _fresh_state()
        from ipykernel.kernelapp import IPKernelApp

        sys.argv = ["ipykernel_launcher", *request["argv"]]
        IPKernelApp.launch_instance(argv=request["argv"])
        code = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else 1
    except BaseException:   # noqa: BLE001 -- whatever it was, the kernel is over: say so and exit
        import traceback

        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _fresh_state() -> None:
    """What a new interpreter would have and a forked one shares with its siblings: random seeds, threads."""
    import random

    import numpy as np
    import torch

    random.seed()
    np.random.seed()
    threads = os.environ.get("OMP_NUM_THREADS")
    torch.set_num_threads(int(threads) if threads and threads.isdigit() else (os.cpu_count() or 1))
    # sys.path as `python -m ipykernel_launcher` run here would have it: the current folder, PYTHONPATH, the rest
    ours = {str(Path(__file__).parent), *SERVER_PYTHONPATH}
    extra = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    sys.path[:] = [os.getcwd(), *extra, *(p for p in sys.path if p not in ours)]


# ---- the launcher ----

def launch(argv: list[str]) -> int:
    path = os.environ.get(SOCKET_VAR)
    if not path or not os.path.exists(path):
        # no server (a kernel started outside the tests): an ordinary kernel
        os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", *argv])
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    conn.connect(path)
    request = {"cwd": os.getcwd(), "env": dict(os.environ), "argv": argv}
    socket.send_fds(conn, [json.dumps(request).encode()], [0, 1, 2])
    reader = conn.makefile("rb")
    pid = json.loads(reader.readline())["pid"]

    def forward(signum, _frame):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signum)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(signum, forward)
    line = reader.readline()   # the kernel's exit status, when it ends
    return json.loads(line)["exit"] if line else 1


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        serve(sys.argv[2])
    elif sys.argv[1:2] == ["launch"]:
        sys.exit(launch(sys.argv[2:]))
    else:
        sys.exit(__doc__)
