"""pytest settings for the notebooks run under nbval (`make test` runs them with the tests, in one run).

* nbval waits only 5 seconds for a cell's outputs once the kernel has said the cell is done; on a busy
  machine a long cell's last messages can take longer than that, and nbval then failed the cell
  ("Timeout of 5 seconds exceeded waiting for output") and skipped the rest of the notebook. The wait
  is a fixed attribute of each cell item, so it is set here.
* A notebook's cells share one kernel and run in order: with `--dist loadgroup` pytest-xdist hands each
  notebook to one worker whole (and first: the largest units go first) and each test alone, so the tests
  in tests/ fill the other worker meanwhile. (xdist's own groups need an `xdist_group` mark that pytest 9
  no longer lets it write into the test's id: the scheduler is made here.)
* A notebook's kernel starts as a learner's would: without the tests' MPLBACKEND=Agg (tests/conftest.py),
  so its figures are drawn inline."""
import os

import pytest

OUTPUT_WAIT_S = 300


def pytest_collection_modifyitems(items):
    for item in items:
        if hasattr(item, "output_timeout"):   # nbval's IPyNbCell
            item.output_timeout = OUTPUT_WAIT_S


def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class NotebooksWhole(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return path if path.endswith(".ipynb") else nodeid

    return NotebooksWhole(config, log)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    """nbval starts a notebook's kernel in the setup of its first cell."""
    if not hasattr(item, "output_timeout"):
        return (yield)
    backend = os.environ.pop("MPLBACKEND", None)
    try:
        return (yield)
    finally:
        if backend is not None:
            os.environ["MPLBACKEND"] = backend
