"""The judge decides, not the student's process: a class of dishonest 02 submissions graded through `make grade`
and through nbgrader's own autograde (the Formgrader's button), both in the sandbox. Each hands in a wrong
reparameterization (exercise 1: 3 points) with the rest right (7 points), plus an attack on the grading:
none gets more than its honest 7; the honest student gets 10, the blank one 0."""
from __future__ import annotations

import shutil

import nbformat
import pytest
from nbgrading import ROOT, make_course, solutions_of, submit

from grading.sandbox import GIB, Limits, bwrap_available

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not bwrap_available(), reason="needs bubblewrap")]
A = "02_variational_autoencoders"
WRONG = "def reparameterize(mu, logvar):\n    return mu + torch.exp(logvar) * torch.randn_like(mu)\n"
# Attacks that leave the rest of the notebook alone: the honest part (exercises 2 and 3) keeps its 7 points.
# The others cost more: 400 processes leave the kernel no thread to send its results with (recorded as a
# failed sandbox: 0, flagged, the class goes on); a probe that reports nothing costs every judged point.
HARMLESS_TO_THE_REST = ("walks_frames", "display_flood", "reads_files")
ATTACKS = {
    # clears every cell's outputs after it ran (nbgrader scores a test cell from its outputs)
    "clears_outputs": "from IPython import get_ipython\nfrom IPython.display import clear_output\n"
                      "get_ipython().events.register('post_run_cell', lambda result: clear_output())\n",
    # every check helper made a no-op through an alias
    "patches_checks": "import course_lib.teaching.checks as C\nfor _n in dir(C):\n    if _n.startswith('check'):\n"
                      "        setattr(C, _n, lambda *a, **k: None)\n"
                      "check_close = check_shape = check_grad_flow = C.check_close\n",
    # an input transformer that deletes every line of a test cell that could fail
    "input_transformer": "from IPython import get_ipython\n"
                         "get_ipython().input_transformers_post.append(lambda lines: [l for l in lines "
                         "if not l.lstrip().startswith(('assert', 'check', 'report'))])\n",
    # the probe replaced: it reports nothing, or the module swapped in sys.modules for one printing made-up data
    "replaces_the_probe": "import course_lib.teaching.probes as P\nP.PROBES = {k: (lambda ns: {}) for k in P.PROBES}\n",
    "swaps_the_module": "import sys, types, torch\nfrom course_lib.teaching import probes as real\n"
                        "fake = types.ModuleType('probes')\n"
                        "fake.report = lambda nb, cell, ns: print(real.MARK + real.encode({'z': torch.zeros(3)}))\n"
                        "sys.modules['course_lib.teaching.probes'] = fake\n",
    # made-up data for every probe: one number seen three billion times (a view), to fill the grader's memory
    "huge_view": "import sys, types, torch\nfrom course_lib.teaching import probes as real\n"
                 "fake = types.ModuleType('probes')\nfake.report = lambda nb, cell, ns: print(real.MARK + "
                 "real.encode({k: torch.zeros(1).expand(3 * 10**9) for k in ('z', 'wide', 'batch', 'rec@0.0')}))\n"
                 "sys.modules['course_lib.teaching.probes'] = fake\n",
    # a tracer that turns every exception raised in a test cell into a normal return
    "settrace": "import sys\ndef _t(frame, event, arg):\n    return _t\nsys.settrace(_t)\n"
                "from IPython import get_ipython\nget_ipython().set_custom_exc((Exception,), lambda *a, **k: None)\n",
    # torch's own comparisons patched through an alias, so any check that compares says "equal"
    "patches_torch": "import torch as _t\n_t.allclose = lambda *a, **k: True\n_t.equal = lambda *a, **k: True\n"
                     "_t.Tensor.__eq__ = lambda self, other: _t.ones_like(self, dtype=_t.bool)\n",
    # walks up the call stack from inside the answer, looking for what it is compared with
    "walks_frames": "import sys\n_seen = []\ndef _look():\n    f = sys._getframe(2)\n    while f is not None:\n"
                    "        _seen.extend(k for k in f.f_locals if 'ref' in k or 'expect' in k or 'want' in k)\n"
                    "        f = f.f_back\n",
    # hundreds of processes, then 100 MB of updates to one display
    "forks": "import subprocess\n_kids = []\ntry:\n    for _ in range(400):\n"
             "        _kids.append(subprocess.Popen(['sleep', '20']))\nexcept OSError as e:\n    print('refused:', e)\n",
    "display_flood": "from IPython.display import display, update_display\n"
                     "display({'text/plain': 'start'}, raw=True, display_id='flood')\n"
                     "for _ in range(20):\n    update_display({'text/plain': 'y' * 5_000_000}, raw=True, display_id='flood')\n",
    # looks for the teacher's answers in every file it can read
    "reads_files": "import os\nfor _d, _s, _f in os.walk('/'):\n    if _d.startswith(('/proc', '/sys', '/usr', '/dev')):\n"
                   "        _s[:] = []\n    for _n in _f:\n        if _n.startswith('a02'):\n"
                   "            exec(open(os.path.join(_d, _n)).read())\n",
}

# code after the wrong answer: it wraps the answer, so the frame walk runs each time the answer is called
AFTER = {"walks_frames": "_wrong = reparameterize\n\ndef reparameterize(mu, logvar):\n    _look()\n"
                         "    return _wrong(mu, logvar)\n"}


def hand_in(course, student, fill, above_setup=None, first_cells=()):
    submit(course, A, student, fill)
    path = course / "submitted" / student / A / f"{A}.ipynb"
    nb = nbformat.read(path, as_version=4)
    if above_setup:   # a cell of the student's own, before the setup cell
        nb.cells.insert(0, nbformat.v4.new_code_cell(above_setup))
    for grade_id in first_cells:   # test cells moved to the top, away from their exercise
        cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
        nb.cells.remove(cell)
        nb.cells.insert(1, cell)
    nbformat.write(nb, path)


@pytest.mark.parametrize("engine", ["make grade", "nbgrader autograde"])
def test_no_attack_earns_more_than_its_honest_part(tmp_path, engine):
    course = make_course(tmp_path, A)
    solved = solutions_of(A)
    hand_in(course, "honest", solved)
    hand_in(course, "blank", {})
    for name, attack in ATTACKS.items():
        hand_in(course, name, {**solved, "ex1_reparameterize": attack + WRONG + AFTER.get(name, "")})
    hand_in(course, "above_setup", {**solved, "ex1_reparameterize": WRONG},
            above_setup="import sys, types\nsys.modules['course_lib.teaching.checks'] = types.ModuleType('x')\n"
                        + ATTACKS["clears_outputs"])
    # the visible test moved above every exercise, after a cell with a right answer made for it alone
    right = solved["ex1_reparameterize"]
    hand_in(course, "moves_the_visible_test", {**solved, "ex1_reparameterize": WRONG},
            above_setup="import math, torch\nfrom course_lib.teaching.checks import *\n" + right,
            first_cells=["ex1_visible"])
    if engine == "make grade":
        from grading.run import autograde
        subs = autograde(course, A, Limits(cell_timeout=120, notebook_timeout=400, memory_bytes=3 * GIB), workers=2,
                         log=lambda *a: None)
        got = {s.student: s.tests_gave for s in subs}
    else:
        from nbgrading import autograde
        shutil.copytree(ROOT / "grading", course / "grading", ignore=shutil.ignore_patterns("__pycache__"))
        got = {s: sum(score for score, _ in cells.values()) for s, cells in autograde(course, A).items()}
    assert got["honest"] == 10 and got["blank"] == 0, got
    cheated = {name: score for name, score in got.items() if name not in ("honest", "blank") and score > 7}
    assert not cheated, f"{engine}: {got}"
    assert {name: got[name] for name in HARMLESS_TO_THE_REST} == dict.fromkeys(HARMLESS_TO_THE_REST, 7), sorted(got.items())
