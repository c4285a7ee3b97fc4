"""The Python environment every server of the class hub runs (hub/class_config.py), in a folder all
users may read, never the teacher's own course folder:

- the packages of the teacher's environment (torch, JupyterLab, nbgrader, ...), hard-linked (copied
  where links cannot be made): read-only for everyone, no second download;
- the course itself from the student bundle (``grading.bundle``), installed by pip, not editable:
  ``course_lib`` and only the ``course_answers`` modules the teacher has released.

``sync_answers`` brings the released answers up to date (the hub calls it before each server starts,
from the teacher's course.yml, so `make release-answers 02` reaches a student at their next start).
The teacher's server runs the same environment with their course copy first on PYTHONPATH."""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

# the course's own package, installed editable in the teacher's environment: never copied
OWN = ("course_lib", "course_answers", "__editable__", "__editable___course_lib")


def _link_tree(src: Path, dest: Path, skip=lambda name: False) -> None:
    def link(a, b):
        try:
            os.link(a, b)
        except OSError:   # another file system: a copy
            shutil.copy2(a, b)
    for entry in sorted(src.iterdir()):
        if skip(entry.name):
            continue
        target = dest / entry.name
        if entry.is_symlink():
            target.symlink_to(os.readlink(entry))
        elif entry.is_dir():
            shutil.copytree(entry, target, symlinks=True, copy_function=link)
        else:
            link(entry, target)


def _stamp(course: Path) -> str:
    """What the environment was built from: the teacher's packages and the course's code."""
    site = Path(sysconfig.get_paths()["purelib"])
    parts = sorted(p.name for p in site.iterdir())
    code = [p.read_bytes() for p in sorted((course / "course_lib").rglob("*.py"))]
    return hashlib.sha256(repr((sys.prefix, parts)).encode() + b"".join(code)).hexdigest()[:16]


def python(env: Path | str) -> str:
    return str(Path(env) / "bin" / "python")


def site_packages(env: Path | str) -> Path:
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    return Path(env) / "lib" / version / "site-packages"


def build(env: Path | str, course: Path | str, released: list[str], log=print) -> Path:
    """Make (or keep, when nothing changed) the students' environment at ``env``; returns its python."""
    env, course = Path(env), Path(course)
    stamp = _stamp(course)
    if (env / ".built").exists() and (env / ".built").read_text() == stamp:
        sync_answers(env, released)
        return Path(python(env))
    log(f"class hub: building the students' environment in {env} (packages linked from {sys.prefix})")
    scratch = Path(tempfile.mkdtemp(prefix=".building-", dir=env.parent))
    try:
        new = scratch / env.name
        subprocess.run([getattr(sys, "_base_executable", sys.executable), "-m", "venv", "--without-pip", str(new)],
                       check=True)
        _link_tree(Path(sysconfig.get_paths()["purelib"]), site_packages(new),
                   skip=lambda name: name.startswith(OWN) or name.endswith(".egg-link"))
        for part in ("share", "etc"):
            if (Path(sys.prefix) / part).is_dir():
                shutil.copytree(Path(sys.prefix) / part, new / part, symlinks=True, dirs_exist_ok=True,
                                copy_function=lambda a, b: _link_tree_file(a, b))
        old = f"#!{Path(sys.prefix) / 'bin' / 'python'}"
        for script in (Path(sys.prefix) / "bin").iterdir():   # console scripts, pointed at this environment
            if script.is_file() and not script.is_symlink() and not (new / "bin" / script.name).exists():
                text = script.read_bytes()
                if text.startswith(old.encode() + b"\n") or text.startswith(f"#!{sys.executable}\n".encode()):
                    body = text.split(b"\n", 1)[1]
                    (new / "bin" / script.name).write_bytes(f"#!{python(env)}\n".encode() + body)
                    (new / "bin" / script.name).chmod(0o755)
        from .bundle import build as bundle
        bundle(scratch / "bundle", root=course)
        # --target (never --prefix: pip would uninstall the teacher's own editable install of the course)
        subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--no-build-isolation",
                        "--ignore-installed", "--no-warn-script-location", "--quiet", "--target",
                        str(site_packages(new)), str(scratch / "bundle")], check=True, cwd=scratch)
        # pip wrote the new folder's paths into nothing but RECORD; the venv's own files name `env`
        for cfg in (new / "pyvenv.cfg", *(new / "bin").glob("activate*")):
            cfg.write_text(cfg.read_text().replace(str(new), str(env)))
        (new / ".built").write_text(stamp)
        for folder, dirs, files in os.walk(new):   # readable by all, writable by its owner (root) only
            for name in dirs + files:
                path = os.path.join(folder, name)
                if not os.path.islink(path):
                    mode = os.stat(path).st_mode
                    os.chmod(path, (mode | 0o444 | (0o111 if mode & 0o100 or name in dirs else 0)) & ~0o022)
        os.chmod(new, 0o755)
        if env.exists():
            shutil.rmtree(env)
        os.replace(new, env)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    sync_answers(env, released)
    return Path(python(env))


def _link_tree_file(a, b):
    try:
        os.link(a, b)
    except OSError:
        shutil.copy2(a, b)


def sync_answers(env: Path | str, released: list[str]) -> list[str]:
    """Make the environment's ``course_answers`` hold exactly the released assignments' modules (from the
    teacher's copy); returns the module files it now holds."""
    from .bundle import answers_for

    package = site_packages(env) / "course_answers"
    want = answers_for(None, list(released))
    for old in package.glob("*.py"):
        if old.name not in want:
            old.unlink()
    for name, text in want.items():
        path = package / name
        if not path.exists() or path.read_text() != text:
            tmp = path.with_suffix(".tmp")
            tmp.write_text(text)
            tmp.chmod(0o644)
            os.replace(tmp, path)
    shutil.rmtree(package / "__pycache__", ignore_errors=True)
    return sorted(want)
