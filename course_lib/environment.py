"""The environment check of notebook 00: is everything a learner needs here?"""
from __future__ import annotations

import importlib
import platform
import sys

from . import config

# import name -> (pip name, oldest version the course is tested with)
REQUIRED = {
    "torch": ("torch", "2.2"), "torchvision": ("torchvision", "0.17"), "numpy": ("numpy", "1.24"),
    "matplotlib": ("matplotlib", "3.7"), "tqdm": ("tqdm", "4.66"), "sklearn": ("scikit-learn", "1.3"),
    "torchmetrics": ("torchmetrics", "1.3"), "prdc": ("prdc", "0.2"), "ipywidgets": ("ipywidgets", "8.1"),
    "nbgrader": ("nbgrader", "0.9.6"), "yaml": ("pyyaml", "6.0"),
}


def _version_tuple(text: str):
    parts = []
    for piece in text.split("+")[0].split("."):
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


def check_packages(required=REQUIRED):
    """One row per package: (name, ok, what was found or what to do)."""
    rows = []
    for module, (pip_name, minimum) in required.items():
        try:
            version = getattr(importlib.import_module(module), "__version__", "?")
        except Exception as err:  # noqa: BLE001 (not installed, or broken)
            rows.append((pip_name, False, f"cannot import ({type(err).__name__}): run `make lab` again, "
                                          f"or `pip install '{pip_name}>={minimum}'`"))
            continue
        ok = version == "?" or _version_tuple(version) >= _version_tuple(minimum)
        rows.append((pip_name, ok, version if ok else f"{version} is older than {minimum}: "
                                                    f"`pip install -U '{pip_name}>={minimum}'`"))
    return rows


def check_data(name: str = "FashionMNIST"):
    """(ok, message): can the course load ``name``?"""
    from . import data
    try:
        images, _ = data.load(name, "test", n=16)
    except data.DataNotFoundError as err:
        return False, str(err)
    n, height, width = len(images), images.shape[-2], images.shape[-1]
    return True, f"{name} found under {config.data_root()} (a sample of {n} images of {height}x{width} pixels loaded)"


def report() -> bool:
    """Print the whole check; True when nothing needs fixing."""
    rows = [("python", sys.version_info >= (3, 10), platform.python_version())]
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
