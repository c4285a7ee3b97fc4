"""Execute one untrusted notebook in a bubblewrap sandbox (phase 2 of grading).

Only the *kernel* runs inside the sandbox; the nbclient driver that collects outputs runs in
this (trusted) process and talks to the kernel over Unix sockets in a scratch folder. So
whatever the student's code does, it cannot forge or delete what this process records, and
when the kernel ends every process it started ends with it (own PID namespace).

The sandbox sees: the system's /usr, the Python environment and course_lib (read-only),
the ``course_answers`` a student of this assignment holds (the earlier assignments' answers,
never its own: ``bundle.answers_for``; read-only), COURSE_DATA (read-only), a few files of /etc,
and a writable scratch folder holding a copy of the assignment folder. Not the course folder
(not solutions/, not the other answers), not /root or /home, no network.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from traitlets import Integer

from course_lib.core import settings

GIB = 1024 ** 3
# /etc files a Python kernel needs; the rest of /etc (e.g. /etc/shadow) stays out.
ETC = ["ld.so.cache", "ld.so.conf", "ld.so.conf.d", "passwd", "group", "nsswitch.conf", "hosts",
       "localtime", "ssl", "ca-certificates", "fonts", "alternatives", "mime.types"]
NOT_RUN = "NotGraded"


@dataclass
class Limits:
    """Defaults for this course: a quick-profile notebook takes <= 3 min on 2 cores and the
    graded cells alone take seconds, so a cell gets 5 min and a notebook 15 min before it is
    stopped (room for a loaded machine, still a bounded night). Memory: 4 GiB of RLIMIT_DATA
    per process (heap and private mappings: what tensors use) fits the course's models several
    times over; a 6 GB tensor is refused. Not RLIMIT_AS: torch alone maps ~3.5 GB of address
    space for its libraries.
    Outputs: 1 MiB per cell, enough for a few plots, not for a 50 MB print."""

    cell_timeout: int = 300
    notebook_timeout: int = 900
    memory_bytes: int = 4 * GIB
    file_bytes: int = 1 * GIB        # largest file the kernel may write
    processes: int = 256             # RLIMIT_NPROC inside the sandbox's own user namespace
    output_bytes: int = 1024 ** 2    # per cell
    threads: int = 0                 # CPU threads of the kernel's torch (OMP_NUM_THREADS); 0: torch's default


def bwrap_available() -> bool:
    return shutil.which("bwrap") is not None and sys.platform.startswith("linux")


# Run as root (make grade on a class server), the kernel would be root: the process cap (RLIMIT_NPROC) never
# binds root. So there bwrap (as root, no user namespace) keeps only the right to change uid, and the limiter
# becomes a uid of its own, unused by anyone, before it starts the kernel: a plain user, without capabilities,
# that owns the scratch folder and nothing else.
SANDBOX_UIDS = (3_000_000, 1_000_000)   # a sandbox's own uid: first, how many


def _own_uid() -> int:
    import secrets

    return SANDBOX_UIDS[0] + secrets.randbelow(SANDBOX_UIDS[1])


def _passable(destinations: list[str]) -> list[str]:
    """bwrap makes the folders above a mount point 0700; a kernel that is not root must pass through them."""
    above = {str(p) for d in destinations for p in Path(d).parents
             if str(p) not in ("/", "/tmp", "/usr") and not str(p).startswith("/usr/")}
    return [arg for folder in sorted(above, key=lambda f: f.count("/")) for arg in ("--perms", "0755", "--dir", folder)]


def _mounts(scratch: Path, readonly: list[str], hidden: list[str] = (), plain_user: bool = False) -> list[str]:
    args = ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "lib", "lib64", "sbin"):
        top = Path("/") / name
        if top.is_symlink():
            args += ["--symlink", os.readlink(top), str(top)]
        elif top.is_dir():
            args += ["--ro-bind", str(top), str(top)]
    for name in ETC:
        args += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    args += ["--proc", "/proc", "--dev", "/dev", *(["--perms", "1777"] if plain_user else []),
             "--tmpfs", "/tmp"]   # before the binds: a course in /tmp
    if plain_user:
        args += _passable([os.path.abspath(p) for p in readonly if p and Path(p).exists()] + [str(scratch)])
    for path in readonly:
        if path and Path(path).exists():
            args += ["--ro-bind", os.path.realpath(path), os.path.abspath(path)]
    for path in hidden:   # an installed copy of the teacher's answers inside a mounted folder: emptied
        args += ["--tmpfs", path]
    lib = scratch / "lib"   # the student's course_answers, first on PYTHONPATH, read-only
    return args + ["--bind", str(scratch), str(scratch), "--ro-bind", str(lib), str(lib)]


def _installed_answers(readonly: list[str]) -> list[str]:
    """Where the teacher's ``course_answers`` is installed, if inside a folder the sandbox mounts."""
    import importlib.util

    import course_lib

    spec = importlib.util.find_spec("course_answers")
    places = list(spec.submodule_search_locations or []) if spec else []
    beside = os.path.join(os.path.dirname(os.path.dirname(course_lib.__file__)), "course_answers")
    places += [beside] if os.path.isdir(beside) and beside not in places else []   # the class hub's environment
    return [p for p in places if any(os.path.realpath(p).startswith(os.path.realpath(r) + os.sep) for r in readonly if r)]


def _readonly_paths() -> list[str]:
    """The Python environment (venv and its base install) and the course_lib package."""
    import course_lib

    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(course_lib.__file__)}
    return sorted(p for p in paths if not p.startswith("/usr/"))


# Runs first in the sandbox: set the limits, then become the kernel.
LIMITER = """import json, os, resource, sys
for name, value in json.loads(sys.argv[1]).items():
    resource.setrlimit(getattr(resource, name), (value, value))
if len(sys.argv) > 3:   # started as root: become the sandbox's own uid
    uid = int(sys.argv[3])
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)
os.environ["JPY_PARENT_PID"] = "1"  # the kernel is bwrap's child (pid 1 here): no orphan check
os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", "-f", sys.argv[2],
                          "--HistoryManager.hist_file=:memory:"])
"""


def _kernel_manager(scratch: Path, work: Path, limits: Limits):
    from jupyter_client.manager import AsyncKernelManager

    (scratch / "ipc").mkdir()
    (scratch / "home").mkdir(exist_ok=True)
    rlimits = {"RLIMIT_DATA": limits.memory_bytes, "RLIMIT_FSIZE": limits.file_bytes,
               "RLIMIT_NPROC": limits.processes, "RLIMIT_CORE": 0}
    readonly = _readonly_paths() + [settings.raw("COURSE_DATA") or ""]   # as the kernel gets it (passed)
    as_root = os.geteuid() == 0
    if as_root:
        namespaces = ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
                      "--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    else:
        namespaces = ["--unshare-all", "--unshare-user", "--cap-drop", "ALL"]
    bwrap = ["bwrap", *namespaces, "--die-with-parent", "--new-session",
             *_mounts(scratch, readonly, _installed_answers(readonly), plain_user=as_root), "--chdir", str(work), "--"]
    uid = _own_uid() if as_root else None
    if as_root:   # the scratch folder is the sandbox uid's; its answers package stays the grader's, read-only
        for folder, dirs, files in os.walk(scratch):
            for name in [".", *dirs, *files]:
                path = os.path.join(folder, name)
                if not Path(path).is_relative_to(scratch / "lib"):
                    os.lchown(path, uid, uid)
        os.chmod(scratch / "lib", 0o755)
        os.chown(scratch, uid, 0)   # bwrap, root without capabilities, passes through it as its group
        os.chmod(scratch, 0o710)

    class SandboxedKernel(AsyncKernelManager):
        def format_kernel_cmd(self, extra_arguments=None):
            if as_root and os.path.exists(self.connection_file):   # its key: for the kernel's uid alone
                os.chown(self.connection_file, uid, uid)
            return bwrap + [sys.executable, "-c", LIMITER, json.dumps(rlimits), self.connection_file,
                            *([str(uid)] if as_root else [])]

    km = SandboxedKernel(transport="ipc", ip=str(scratch / "ipc" / "k"),
                         connection_file=str(scratch / "ipc" / "kernel.json"))
    km.kernel_spec.interrupt_mode = "message"  # a signal would reach bwrap, not the kernel
    return km


def _env(scratch: Path, pythonpath: str, threads: int = 0, profile: str | None = None) -> dict:
    """A clean environment: nothing of the grader's (no NBGRADER_EXECUTION, no tokens). Of the course's
    settings only those course_lib/core/settings.py passes to the sandbox (COURSE_DATA, COURSE_PROFILE)."""
    keep = {**settings.passed("sandbox"),
            **{k: os.environ[k] for k in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "LANG", "LC_ALL", "TZ") if k in os.environ}}
    if profile:
        keep["COURSE_PROFILE"] = profile
    if threads:
        keep["OMP_NUM_THREADS"] = keep["MKL_NUM_THREADS"] = str(threads)
    home = scratch / "home"
    home.mkdir(exist_ok=True)
    return {**keep, "PATH": f"{sys.prefix}/bin:/usr/local/bin:/usr/bin:/bin", "HOME": str(home),
            "MPLBACKEND": "module://matplotlib_inline.backend_inline", "MPLCONFIGDIR": str(home),
            "XDG_CACHE_HOME": str(home), "JUPYTER_RUNTIME_DIR": str(home), "PYTHONPATH": pythonpath,
            "PYTHONUNBUFFERED": "1"}


def _not_run(cell, reason: str) -> None:
    cell.outputs.append(nbformat.v4.new_output("error", ename=NOT_RUN, evalue=reason,
                                               traceback=[f"{NOT_RUN}: {reason}"]))


def execute(notebook: str, files: dict[str, bytes], name: str, limits: Limits | dict | None = None,
            run_cells: list[int] | None = None, answers: dict[str, str] | None = None,
            profile: str | None = None) -> dict:
    """Run ``notebook`` (JSON text) as ``name`` in a fresh sandbox beside ``files`` (relative
    path -> bytes: the rest of the assignment folder). ``run_cells``: indices of the cells to
    execute (default all code cells). ``answers``: the ``course_answers`` package the kernel sees
    (file name -> source; default: a student's of the assignment ``name`` is, ``bundle.answers_for``).
    ``profile``: the kernel's COURSE_PROFILE (default: this process's, if set).
    Returns {"notebook": JSON text, "status": "ok" | "died" |
    "timeout" | "error", "reason": text, "seconds": float}. Runs on a Dask worker: only plain
    values in and out, so the worker may be another machine with the same environment."""
    limits = Limits(**limits) if isinstance(limits, dict) else limits or Limits()
    nb = nbformat.reads(notebook, as_version=4)
    start = time.monotonic()
    scratch = Path(tempfile.mkdtemp(prefix="grade-"))
    status, reason = "ok", ""
    try:
        work = scratch / "work"
        for rel, data in files.items():
            (work / rel).parent.mkdir(parents=True, exist_ok=True)
            (work / rel).write_bytes(data)
        work.mkdir(exist_ok=True)
        (work / name).write_text(notebook)
        import course_lib

        from .bundle import answers_for
        package = scratch / "lib" / "course_answers"
        package.mkdir(parents=True)
        for file, text in (answers_for(Path(name).stem) if answers is None else answers).items():
            (package / file).write_text(text)
        pythonpath = f"{scratch / 'lib'}:{os.path.dirname(os.path.dirname(course_lib.__file__))}"
        client = _LimitedClient(nb, km=_kernel_manager(scratch, work, limits), shutdown_kernel="immediate",
                                timeout=limits.cell_timeout, allow_errors=True, interrupt_on_timeout=False,
                                startup_timeout=120, output_limit=limits.output_bytes)
        todo = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"
                and (run_cells is None or i in run_cells)]
        done = set()
        try:
            with client.setup_kernel(env=_env(scratch, pythonpath, limits.threads, profile), cwd=str(work)):
                for i in todo:
                    left = limits.notebook_timeout - (time.monotonic() - start)
                    if left <= 0:
                        status, reason = "timeout", f"the notebook ran past its {limits.notebook_timeout} s limit"
                        break
                    client.timeout = int(min(limits.cell_timeout, left)) + 1
                    try:
                        client.execute_cell(nb.cells[i], i)
                    except CellTimeoutError:
                        status, reason = "timeout", f"cell {i} ran past its {client.timeout} s limit"
                        _not_run(nb.cells[i], reason)
                        done.add(i)
                        break
                    done.add(i)
        except DeadKernelError:
            status, reason = "died", "the kernel exited or crashed (os._exit, a signal, a segfault)"
        except Exception as error:  # noqa: BLE001 -- a sandbox that cannot start grades nothing
            status, reason = "error", f"{type(error).__name__}: {error}"
        if status != "ok":
            for i in todo:
                if i not in done:
                    _not_run(nb.cells[i], f"not run: {reason}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return {"notebook": nbformat.writes(nb), "status": status, "reason": reason,
            "seconds": round(time.monotonic() - start, 2)}


class _LimitedClient(NotebookClient):
    """Keeps at most ``output_limit`` bytes of output per cell (nbgrader's limit counts lines), whichever
    message brings it: a new output (stream, display_data, execute_result, error) or an update of a
    displayed one (update_display_data, or display_data with a display id shown before), in any cell."""

    output_limit = Integer(1024 ** 2)

    def _update_display_id(self, display_id, msg):
        data = msg.get("content", {}).get("data", {})
        if len(json.dumps(data)) + len(json.dumps(msg.get("content", {}).get("metadata", {}))) > self.output_limit:
            msg["content"]["data"] = {"text/plain": f"[output limit: a display update of more than "
                                                    f"{self.output_limit} bytes was dropped]"}
            msg["content"]["metadata"] = {}
        before = {i: [json.dumps(o) for o in self.nb.cells[i].outputs]
                  for i in self._display_id_map.get(display_id, {})}
        super()._update_display_id(display_id, msg)
        for i, old in before.items():   # an update that takes a cell past its limit is undone
            if sum(len(json.dumps(o)) for o in self.nb.cells[i].outputs) > self.output_limit:
                self.nb.cells[i].outputs = [nbformat.from_dict(json.loads(o)) for o in old]

    def output(self, outs, msg, display_id, cell_index):
        size = sum(len(json.dumps(o)) for o in outs)
        out = super().output(outs, msg, display_id, cell_index)
        if out is not None and size + len(json.dumps(out)) > self.output_limit:
            outs.remove(out)
            if not any("[output limit" in o.get("text", "") for o in outs):
                outs.append(nbformat.v4.new_output("stream", name="stdout", text=(
                    f"\n[output limit: more than {self.output_limit} bytes; the rest was dropped]\n")))
        return out
