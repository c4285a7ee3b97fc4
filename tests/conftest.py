import os
import sys
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")
sys.path.insert(0, str(Path(__file__).parent))  # tests/nbgrading.py, tests/mutants.py

# One CPU thread per pytest-xdist worker (and so per kernel a grading test starts: they inherit
# it), unless OMP_NUM_THREADS is set already. With `-n auto` there is a worker per core; torch's
# default of a thread per core each would ask for cores x cores threads, and on 2 cores that
# made a small model's step over 100 times slower (docs/gpu.md).
_workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
if _workers > 1 and "OMP_NUM_THREADS" not in os.environ:
    os.environ["OMP_NUM_THREADS"] = str(max(1, (os.cpu_count() or 1) // _workers))


def pytest_collection_modifyitems(items):
    """The slow tests first (a stable sort: the rest keep their order). pytest-xdist hands out work in
    this order after the notebooks (each a group of many cells, which it sends first), so a long test
    does not end the run alone on one worker while the other idles."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
