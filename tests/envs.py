"""A bare virtual environment: the course's dependencies visible (from this environment, through a .pth
file), but not the course itself, as on Colab or in a fresh container."""
from __future__ import annotations

import subprocess
import sys
import sysconfig
from pathlib import Path


def bare_venv(folder: Path) -> Path:
    """Create it in ``folder``; returns its python."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    python = folder / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    # a plain path in a .pth file: its packages, not the editable course_lib its own .pth files would add
    Path(purelib, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python
