"""Run-time settings shared by every notebook: device, seeds, run profile, data root.

Two environment variables steer a whole course run without editing a notebook:

* ``COURSE_PROFILE`` = ``quick`` (CI, a smoke run: small data, few steps) or
  ``full`` (the default: what a learner runs, real results).
* ``COURSE_DATA``: the folder that holds the data sets in torchvision's layout
  (``<root>/FashionMNIST/raw/...``). Default: a per-user cache folder.

Both are declared, with every other ``COURSE_*`` variable, in ``course_lib.core.settings`` (docs/settings.md).
"""
from __future__ import annotations

import os
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from course_lib.core import settings

PROFILES = settings.PROFILES   # ("quick", "full")


@dataclass(frozen=True)
class Profile:
    """The run profile. Notebooks size their work with ``pick(quick=..., full=...)``."""

    name: str

    @property
    def quick(self) -> bool:
        return self.name == "quick"

    def pick(self, quick, full):
        """Return the value for this profile: ``EPOCHS = profile().pick(quick=1, full=10)``."""
        return quick if self.quick else full


def profile() -> Profile:
    """The run profile named by ``COURSE_PROFILE`` (``quick`` or ``full``; default ``full``)."""
    return Profile(settings.get("COURSE_PROFILE"))   # a ValueError names what is allowed


def device() -> torch.device:
    """The fastest device here: a CUDA GPU, else Apple's MPS, else the CPU."""
    if torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def seed_everything(seed: int = 0) -> torch.Generator:
    """Seed Python, NumPy and PyTorch so a run can be repeated; returns a seeded CPU generator."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device
    return torch.Generator().manual_seed(seed)


def cache_dir() -> Path:
    """A writable per-user folder for downloads and unpacked files."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    path = Path(base) / "course_lib"
    path.mkdir(parents=True, exist_ok=True)
    return path


def data_root() -> Path:
    """Where the data sets live: ``COURSE_DATA`` if set, else ``<cache>/data``."""
    return settings.get("COURSE_DATA") or cache_dir() / "data"


def describe() -> str:
    """One line for the top of a notebook: profile, device, data root, versions."""
    return (f"profile={profile().name}  device={device()}  data={data_root()}  "
            f"torch={torch.__version__}  threads={torch.get_num_threads()}")
