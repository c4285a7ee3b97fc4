"""The environment check of notebook 00: is everything a learner needs here?"""
from __future__ import annotations

import importlib.metadata
import platform
import re
import sys
from pathlib import Path

from ..core import config


def required() -> dict[str, str]:
    """pip name -> the oldest version the course is tested with: the course's own dependencies as its
    package metadata records them (``pyproject.toml``'s list, when it runs from a clone not installed).
    The extras (dev, grading) are not the learner's."""
    try:
        lines = importlib.metadata.requires("course-lib") or []
    except importlib.metadata.PackageNotFoundError:
        text = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text()
        lines = re.findall(r'^\s*"([^"]+)",', text.split("dependencies = [", 1)[1].split("]", 1)[0], flags=re.M)
    out = {}
    for line in lines:
        if ";" not in line:
            name, _, minimum = re.match(r"([A-Za-z0-9_.\-]+)\s*(>=\s*([\w.]+))?", line).groups()
            out[name] = minimum or "0"
    return out


def _version_tuple(text: str):
    parts = []
    for piece in text.split("+")[0].split("."):
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


def check_packages(packages: dict[str, str] | None = None):
    """One row per package (pip name -> oldest version; default ``required()``): (name, ok, what was
    found or what to do)."""
    rows = []
    for pip_name, minimum in (packages or required()).items():
        try:
            version = importlib.metadata.version(pip_name)
        except importlib.metadata.PackageNotFoundError:
            rows.append((pip_name, False, f"not installed: run `make lab` again, or `pip install '{pip_name}>={minimum}'`"))
            continue
        ok = _version_tuple(version) >= _version_tuple(minimum)
        rows.append((pip_name, ok, version if ok else f"{version} is older than {minimum}: "
                                                    f"`pip install -U '{pip_name}>={minimum}'`"))
    return rows


def check_data(name: str = "FashionMNIST"):
    """(ok, message): can the course load ``name``?"""
    from ..core import data
    try:
        images, _ = data.load(name, "test", n=16)
    except data.DataNotFoundError as err:
        return False, str(err)
    n, height, width = len(images), images.shape[-2], images.shape[-1]
    return True, f"{name} found under {config.data_root()} (a sample of {n} images of {height}x{width} pixels loaded)"


def report() -> bool:
    """Print the whole check; True when nothing needs fixing."""
    rows = [("python", sys.version_info >= (3, 11), platform.python_version())]
    rows += check_packages()
    data_ok, data_msg = check_data()
    rows.append(("Fashion-MNIST", data_ok, data_msg))
    rows.append(("device", True, f"{config.device()} (a GPU is optional: every notebook runs on a CPU)"))
    rows.append(("profile", True, f"{config.profile().name} (set COURSE_PROFILE=quick for a fast smoke run)"))
    width = max(len(name) for name, _, _ in rows)
    for name, ok, detail in rows:
        print(f"{'OK ' if ok else 'FIX'}  {name:<{width}}  {detail}")
    all_ok = all(ok for _, ok, _ in rows)
    print("\nAll set: go on to 01_autoencoders." if all_ok else "\nFix the lines marked FIX, then run this notebook again.")
    return all_ok
