"""Grading a class you can trust (grading/): a tiny synthetic assignment graded for an honest
and a blank student and a set of hostile or careless submissions, in one run, in sandboxes.
Each attack scores what it earned or is flagged for the teacher, the honest students keep full
marks, nothing outside the sandboxes changes. Plus one real course notebook and a Dask cluster
of separate processes on 127.0.0.1."""
from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from nbgrading import ROOT, make_course, run_nbgrader, solutions_of, submit

from grading.run import autograde
from grading.sandbox import GIB, Limits, bwrap_available

pytestmark = pytest.mark.slow   # starts kernels, nbgrader or a sandbox: `make test` runs it, `make test-fast` does not

needs_bwrap = pytest.mark.skipif(not bwrap_available(), reason="bubblewrap (bwrap) is not installed: "
                                 "apt-get install bubblewrap (the grader refuses to run without it)")
A = "syn"
# A cell gets 30 s: the setup cell imports torch, which took over 8 s (the old limit) on a loaded 2-core
# machine and scored an honest student 0; the looping student costs those 30 s once.
LIMITS = Limits(cell_timeout=30, notebook_timeout=120, memory_bytes=3 * GIB, output_bytes=100_000)
MARK = "sandbox-escape-marker-7f3a"   # a background process would show this in `ps`


def _cell(source, grade_id=None, solution=False, grade=False, points=None, tags=None):
    cell = new_code_cell(source)
    if grade_id:
        cell.metadata["nbgrader"] = {"grade": grade, "grade_id": grade_id, "locked": not solution,
                                     "schema_version": 3, "solution": solution, "task": False,
                                     **({"points": points} if points else {})}
    if tags:
        cell.metadata["tags"] = tags
    return cell


def synthetic_course(tmp: Path) -> Path:
    """Two exercises, 5 points each: ex1 doubles a tensor, ex2 is course_lib's kl_divergence."""
    (tmp / "solutions" / A).mkdir(parents=True)
    (tmp / "nbgrader_config.py").write_text((ROOT / "nbgrader_config.py").read_text())
    (tmp / "jupyter").mkdir()
    (tmp / "jupyter" / "nbgrader_config.py").write_text((ROOT / "jupyter" / "nbgrader_config.py").read_text())
    nb = new_notebook(cells=[
        new_markdown_cell("# A tiny assignment"),
        _cell("import torch", tags=["setup"]),
        _cell("def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION", "ex1", solution=True),
        _cell("assert torch.allclose(double(torch.ones(3)), 2 * torch.ones(3))", "ex1_visible", grade=True, points=2),
        _cell("### BEGIN HIDDEN TESTS\nassert torch.allclose(double(torch.arange(5.)), 2 * torch.arange(5.))\n"
              "### END HIDDEN TESTS", "ex1_hidden", grade=True, points=3),
        _cell("print('a long training the grade does not depend on')"),
        _cell("def kl_divergence(mu, logvar):\n    ### BEGIN SOLUTION\n"
              "    return 0.5 * (mu**2 + logvar.exp() - 1 - logvar).sum(dim=1)\n    ### END SOLUTION", "ex2",
              solution=True),
        _cell("assert kl_divergence(torch.zeros(2, 3), torch.zeros(2, 3)).shape == (2,)", "ex2_visible", grade=True,
              points=2),
        _cell("### BEGIN HIDDEN TESTS\nmu = torch.tensor([[1., 2.]]); lv = torch.tensor([[0.5, -1.]])\n"
              "want = 0.5 * (1 + 4 + lv.exp().sum() - 2 - lv.sum())\nassert torch.allclose(kl_divergence(mu, lv), want)\n"
              "### END HIDDEN TESTS", "ex2_hidden", grade=True, points=3),
    ], metadata={"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}})
    nbformat.write(nb, tmp / "solutions" / A / f"{A}.ipynb")
    run_nbgrader("generate_assignment", A, "--force", cwd=tmp)
    return tmp


EX1 = "def double(x):\n    return 2 * x\n"
EX2 = "def kl_divergence(mu, logvar):\n    return 0.5 * (mu**2 + logvar.exp() - 1 - logvar).sum(dim=1)\n"


def attacks(course: Path, port: int) -> dict[str, tuple[dict, float, bool]]:
    """student -> (solution cells, points deserved, must be flagged)."""
    c = str(course)
    guard = lambda code: f"try:\n    {code}\nexcept Exception as e:\n    print('blocked:', e)\n"  # noqa: E731
    return {
        "aa_honest": ({"ex1": EX1, "ex2": EX2}, 10, False),
        "blank": ({}, 0, False),
        "warning": ({"ex1": "import warnings\ndef double(x):\n    warnings.warn('careful')\n    return 2 * x\n",
                     "ex2": EX2}, 10, False),
        "loop": ({"ex1": EX1, "ex2": "while True:\n    pass\n" + EX2}, 5, False),
        "memory_hog": ({"ex1": EX1, "ex2": "x = torch.ones(6 * 1024**3, dtype=torch.uint8)\n" + EX2}, 5, False),
        "os_exit": ({"ex1": EX1, "ex2": "import os\nos._exit(0)\n" + EX2}, 5, True),
        "sys_exit": ({"ex1": EX1, "ex2": "import sys\nsys.exit(1)\n" + EX2}, 5, False),
        "keyboard_interrupt": ({"ex1": EX1, "ex2": "raise KeyboardInterrupt\n" + EX2}, 5, False),
        "spawn_loop": ({"ex1": EX1, "ex2": "import subprocess\nkids = []\n" + guard(
            "for _ in range(300): kids.append(subprocess.Popen(['sleep', '60']))") + EX2}, 10, True),
        "background": ({"ex1": EX1, "ex2": "import subprocess, sys\n" + guard(
            f"subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)  # {MARK}'], "
            "start_new_session=True)") + EX2}, 10, True),
        "huge_output": ({"ex1": EX1, "ex2": "print('x' * 50_000_000)\n" + EX2}, 10, False),
        # one small display, then 100 MB of updates to it (update_display_data): capped like any output
        "display_flood": ({"ex1": EX1, "ex2": "from IPython.display import display, update_display\n"
                           "display({'text/plain': 'start'}, raw=True, display_id='flood')\n"
                           "for _ in range(20):\n    update_display({'text/plain': 'y' * 5_000_000}, raw=True, "
                           "display_id='flood')\n" + EX2}, 10, False),
        "reads_solutions": ({"ex1": guard(f"exec(open('{c}/solutions/{A}/{A}.ipynb').read())") + guard(
            f"exec(open('../../../solutions/{A}/{A}.ipynb').read())"), "ex2": EX2}, 5, True),
        "deletes_others": ({"ex1": EX1, "ex2": "import shutil\n" + guard(
            f"shutil.rmtree('{c}/submitted/aa_honest')") + guard(f"shutil.rmtree('{c}/autograded')") + EX2}, 10, True),
        "writes_gradebook": ({"ex1": EX1, "ex2": "import sqlite3\n" + guard(
            f"sqlite3.connect('{c}/gradebook.db').execute('update grade set manual_score = 99')") + EX2}, 10, True),
        "socket": ({"ex1": EX1, "ex2": "import socket\n" + guard(
            f"socket.create_connection(('127.0.0.1', {port}), timeout=2).sendall(b'stolen')") + EX2}, 10, True),
        "patches_checks": ({"ex1": "torch.allclose = lambda *a, **k: True\ndef double(x):\n    return x\n",
                            "ex2": EX2}, 5, True),
        "tensor_subclass": ({"ex1": "class Liar(torch.Tensor):\n    @classmethod\n"
                                    "    def __torch_function__(cls, func, types, args=(), kwargs=None):\n"
                                    "        if func is torch.allclose:\n            return True\n"
                                    "        return super().__torch_function__(func, types, args, kwargs or {})\n"
                                    "def double(x):\n    return x.as_subclass(Liar)\n", "ex2": EX2}, 5, True),
        "reference_call": ({"ex1": EX1,
                            "ex2": "from course_answers.a02_variational_autoencoders import kl_divergence\n"}, 5, True),
        "rebinds_torch": ({"ex1": "real = torch\nclass torch:\n    allclose = staticmethod(lambda *a, **k: True)\n"
                                  "    ones, arange, zeros, tensor = real.ones, real.arange, real.zeros, real.tensor\n"
                                  "def double(x):\n    return x\n", "ex2": EX2}, 5, True),
        "input_transformer": ({"ex1": "get_ipython().input_transformers_cleanup.append(lambda lines: [])\n"}, 0, True),
        "knows_it_is_graded": ({"ex1": "import os\nassert 'NBGRADER_EXECUTION' not in os.environ\n" + EX1,
                                "ex2": EX2}, 10, False),
        "zz_honest": ({"ex1": EX1, "ex2": EX2}, 10, False),
    }


def _hashes(course: Path) -> dict[str, str]:
    """Every file the grader does not own (its outputs: autograded/, gradebook, backups, reports)."""
    skip = ("autograded", "gradebook.db", "gradebook_backups", "grading_report")
    return {str(p.relative_to(course)): hashlib.sha256(p.read_bytes()).hexdigest() for p in course.rglob("*")
            if p.is_file() and not str(p.relative_to(course)).startswith(skip)}


def _edit(course: Path, student: str, change) -> None:
    path = course / "submitted" / student / A / f"{A}.ipynb"
    nb = nbformat.read(path, as_version=4)
    change(nb)
    nbformat.write(nb, path)


def _careless(course: Path) -> dict[str, tuple[float, bool]]:
    """Honest answers, carelessly handed in: each must keep full marks."""
    full = {"ex1": EX1, "ex2": EX2}
    for name in ("edited_metadata", "deleted_test", "duplicated_test", "edited_test"):
        submit(course, A, name, full)
    by = lambda nb, gid: next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == gid)  # noqa

    def meta(nb):
        by(nb, "ex1_visible").metadata["nbgrader"].update(locked=False, points=100, checksum="0")
        del by(nb, "ex2").metadata["nbgrader"]

    def dup(nb):
        copy = nbformat.from_dict(dict(by(nb, "ex1_visible")))
        copy["id"] = "pastedcopy"
        nb.cells.append(copy)

    _edit(course, "edited_metadata", meta)
    _edit(course, "deleted_test", lambda nb: nb.cells.remove(by(nb, "ex2_hidden")))
    _edit(course, "duplicated_test", dup)
    _edit(course, "edited_test", lambda nb: setattr(by(nb, "ex1_visible"), "source", "assert False"))
    return {name: (10, False) for name in ("edited_metadata", "deleted_test", "duplicated_test", "edited_test")}


def _listener():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.5)
    got = []

    def serve():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
                got.append(conn.recv(100))
            except OSError:
                pass

    stop = threading.Event()
    threading.Thread(target=serve, daemon=True).start()
    return server, got, stop


def scores(subs) -> dict[str, tuple[float, bool]]:
    return {s.student: (s.score, bool(s.flags)) for s in subs}


def got_flags(subs, student) -> list[str]:
    return [r for s in subs if s.student == student for reasons in s.flags.values() for r in reasons]


@needs_bwrap
def test_hostile_class_graded_in_one_run(tmp_path):
    course = synthetic_course(tmp_path)
    server, received, stop = _listener()
    expected = attacks(course, server.getsockname()[1])
    for student, (fill, _, _) in expected.items():
        submit(course, A, student, fill)
    careless = _careless(course)
    submit(course, A, "broken_file", {})
    (course / "submitted" / "broken_file" / A / f"{A}.ipynb").write_text("{ not a notebook")
    (course / "gradebook.db").touch(exist_ok=True)
    before = _hashes(course)

    start = time.monotonic()
    subs = autograde(course, A, LIMITS, workers=2)
    took = time.monotonic() - start
    stop.set()

    got = scores(subs)
    table = "\n".join(f"{s.student:20} {s.score:4g}/{s.max_score:g} (tests gave {s.tests_gave:g}) {s.status:8} "
                      f"{s.reason[:40]:40} {[r for rs in s.flags.values() for r in rs][:2]}" for s in subs)
    print(f"\n{table}\ngraded {len(subs)} submissions in {took:.0f} s")
    for student, (_, deserved, flagged) in expected.items():
        score, was_flagged = got[student]
        assert was_flagged == flagged, f"{student}: flagged={was_flagged}, expected {flagged}\n{table}"
        assert score <= deserved, f"{student}: {score} points, deserved {deserved}\n{table}"
        if not flagged:
            assert score == deserved, f"{student}: {score} points, deserved {deserved}\n{table}"
    for student, (deserved, _) in careless.items():
        assert got[student] == (deserved, False), f"{student}: {got[student]}\n{table}"
    assert [s.student for s in subs if s.status != "ok" and s.student not in expected] == ["broken_file"], table
    broken = next(s for s in subs if s.student == "broken_file")
    assert (broken.status, broken.score, broken.max_score) == ("recorded as 0", 0, 10), table
    assert "sanitize: NotJSONError" in broken.reason, table
    assert "rebinds torch, which the tests use" in got_flags(subs, "rebinds_torch"), table
    assert _hashes(course) == before, "a file outside the sandboxes changed"
    assert received == [], f"a submission reached 127.0.0.1: {received}"
    ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    assert MARK not in ps, "a background process outlived grading"
    for student in ("huge_output", "display_flood"):
        autograded = course / "autograded" / student / A / f"{A}.ipynb"
        assert autograded.stat().st_size < 500_000, student
    assert (course / f"grading_report_{A}.md").exists() and list((course / "gradebook_backups").glob("*.db"))


@needs_bwrap
def test_unreadable_submissions_are_recorded_as_zero_with_the_reason(tmp_path, monkeypatch):
    """Files nbgrader cannot sanitize (a cell copying a test cell's metadata under a grade id of its
    own, a file that is not JSON, a renamed notebook) end in the gradebook with 0 on every graded
    cell and the reason in the report, the comments and the feedback notebook; `python -m grading`
    exits 0 and the other students are graded as usual."""
    import json

    from nbgrader.api import Gradebook

    from grading.__main__ import main

    course = synthetic_course(tmp_path)
    for student in ("honest", "metadata_copy", "not_json", "renamed"):
        submit(course, A, student, {"ex1": EX1, "ex2": EX2})

    def copy_test_cell(nb):
        test = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "ex1_visible")
        nb.cells.append(_cell("assert True", "my_test", grade=True, points=2))
        nb.cells[-1].metadata["nbgrader"] = {**test.metadata["nbgrader"], "grade_id": "my_test"}

    _edit(course, "metadata_copy", copy_test_cell)
    (course / "submitted" / "not_json" / A / f"{A}.ipynb").write_text("{ not a notebook")
    (course / "submitted" / "renamed" / A / f"{A}.ipynb").rename(course / "submitted" / "renamed" / A / f"{A} (1).ipynb")
    handed_in = {p: p.read_bytes() for p in (course / "submitted").rglob("*") if p.is_file()}

    monkeypatch.chdir(course)
    assert main(["autograde", A, "--workers", "1", "--cell-timeout", "30", "--notebook-timeout", "120"]) == 0
    report = {s["student"]: s for s in json.loads((course / f"grading_report_{A}.json").read_text())["submissions"]}
    assert (report["honest"]["status"], report["honest"]["score"]) == ("ok", 10), report["honest"]
    reasons = {"metadata_copy": "Cell 'my_test' does not exist", "not_json": "NotJSONError", "renamed": "unknown notebook"}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student, why in reasons.items():
            got = report[student]
            assert (got["status"], got["score"], got["max_score"]) == ("recorded as 0", 0, 10), got
            assert got["reason"].startswith("sanitize: ") and why in got["reason"], got
            subnb = gb.find_submission_notebook(A, A, student)
            assert [g.auto_score for g in subnb.grades] == [0] * 4
            assert all(got["reason"] in c.comment for c in subnb.comments) and subnb.comments
            nb = nbformat.read(course / "autograded" / student / A / f"{A}.ipynb", as_version=4)
            assert got["reason"] in nb.cells[0].source
            assert all(got["reason"] in c.outputs[0]["evalue"] for c in nb.cells if c.cell_type == "code")
    assert f"| not_json | {A} | 0/10 (0) | recorded as 0 | sanitize: NotJSONError" in \
        (course / f"grading_report_{A}.md").read_text()
    assert {p: p.read_bytes() for p in (course / "submitted").rglob("*") if p.is_file()} == handed_in


@needs_bwrap
def test_real_course_notebook_honest_blank_and_patched(tmp_path):
    """A real notebook (02, reduced as in the grading tests) through the sandboxed grader."""
    assignment = "02_variational_autoencoders"
    course = make_course(tmp_path, assignment)
    solved = solutions_of(assignment)
    submit(course, assignment, "solution", solved)
    submit(course, assignment, "blank", {})
    submit(course, assignment, "reference", {**solved, "ex2_kl_divergence":
                                             "from course_answers.a02_variational_autoencoders import kl_divergence\n"})
    answers = "course_answers.a02_variational_autoencoders"
    train_step = solved["ex3_elbo_step"][solved["ex3_elbo_step"].index("def train_step"):]
    submit(course, assignment, "routes", {   # the reference reached at run time, a different way in each exercise
        "ex1_reparameterize": f"import importlib\nreparameterize = importlib.import_module('{answers}').reparameterize\n",
        "ex2_kl_divergence": "import course_lib.models.vae as V\nkl_divergence = getattr(V, 'kl_' + 'divergence')\n",
        "ex3_elbo_step": f"import sys\nnegative_elbo = sys.modules['{answers}'].negative_elbo\n\n{train_step}"})
    submit(course, assignment, "rebinds", {   # wrong answers, and the helper the hidden tests call made harmless
        "ex1_reparameterize": "def reparameterize(mu, logvar):\n    return mu\n",
        "ex2_kl_divergence": "check_close = lambda *a, **k: None\n\ndef kl_divergence(mu, logvar):\n    return mu.sum(1)\n"})
    subs = {s.student: s for s in autograde(course, assignment, workers=2)}
    assert subs["solution"].score == subs["solution"].auto_max > 0 and not subs["solution"].flags
    assert subs["blank"].score == 0
    assert "ex2_kl_divergence" in subs["reference"].flags
    assert subs["reference"].score < subs["solution"].score
    assert subs["routes"].score == 0, subs["routes"]   # nothing to reach in the sandbox: every route fails
    assert subs["rebinds"].score == 0 and any("rebinds check_close" in r for r in subs["rebinds"].flags["notebook"])


@needs_bwrap
def test_dask_cluster_of_separate_processes_agrees_with_local_run(tmp_path):
    course = synthetic_course(tmp_path)
    batch = {k: v for k, v in attacks(course, 9).items() if k in ("aa_honest", "blank", "os_exit", "patches_checks")}
    for student, (fill, _, _) in batch.items():
        submit(course, A, student, fill)
    local = scores(autograde(course, A, LIMITS, workers=1))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    bin_ = Path(sys.executable).parent
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    procs = [subprocess.Popen([bin_ / "dask", "scheduler", "--host", "127.0.0.1", "--port", str(port),
                               "--no-dashboard"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        procs += [subprocess.Popen([bin_ / "dask", "worker", f"tcp://127.0.0.1:{port}", "--nthreads", "1",
                                    "--no-dashboard", "--name", f"w{i}"], env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL) for i in range(2)]
        from dask.distributed import Client
        with Client(f"tcp://127.0.0.1:{port}", timeout=60) as client:
            client.wait_for_workers(2, timeout=60)
            workers = client.scheduler_info()["workers"]
        cluster = scores(autograde(course, A, LIMITS, scheduler=f"tcp://127.0.0.1:{port}"))
    finally:
        for p in procs[::-1]:
            p.terminate()
            p.wait(timeout=30)
    assert len(workers) == 2
    assert cluster == local, (cluster, local)
    assert local["aa_honest"] == (10, False) and local["blank"] == (0, False)


def test_no_flags_on_the_course_solutions_and_correct_variants():
    """The scan must not cost honest students a review: every reference solution and every
    correct variant (tests/variants.py) of every notebook, quiz included, passes it."""
    from nbgrading import apply_variant, assignments, source_notebook
    from variants import VARIANTS

    from grading.run import _scan

    for assignment in assignments():
        source = nbformat.read(source_notebook(assignment), as_version=4)
        release = nbformat.read(ROOT / "notebooks" / assignment / f"{assignment}.ipynb", as_version=4)
        solved = solutions_of(assignment)
        for fill in [solved] + [apply_variant(solved, v) for v in VARIANTS.get(assignment, [])]:
            nb = nbformat.from_dict(release)
            for cell in nb.cells:
                if cell.metadata.get("nbgrader", {}).get("grade_id") in fill:
                    cell.source = fill[cell.metadata["nbgrader"]["grade_id"]]
            assert _scan(nb, source, release) == {}, assignment


# Stand-ins for names 01's tests call that its setup cell imports (torch, nn, check_close, passed, ...)
# or its tests import from course_lib (minimize): each form of binding one anew, and what it says.
# A setup name no test reads (data, plots, fit) is the student's to reuse.
REBINDINGS = {
    "assignment": ("check_close = lambda *a, **k: None", "rebinds check_close"),
    "augmented": ("check_close += 0", "rebinds check_close"),
    "annotated": ("passed: object = print", "rebinds passed"),
    "def": ("def check_shape(*a, **k):\n    pass", "rebinds check_shape"),
    "class": ("class Autoencoder:\n    pass", "rebinds Autoencoder"),
    "import as": ("import numpy as torch", "rebinds torch"),
    "from import as": ("from course_lib.teaching.checks import passed as check_close", "rebinds check_close"),
    "for": ("for check_shape in [print]:\n    pass", "rebinds check_shape"),
    "with": ("import contextlib\nwith contextlib.nullcontext() as check_close:\n    pass", "rebinds check_close"),
    "walrus": ("(check_range := print)", "rebinds check_range"),
    "walrus in a comprehension": ("[(check_scalar := x) for x in range(3)]", "rebinds check_scalar"),
    "del": ("del nn", "rebinds nn"),
    "unpacking": ("a, (check_close, b) = 1, (print, 3)", "rebinds check_close"),
    "starred": ("first, *passed = range(3)", "rebinds passed"),
    "global": ("def cheat():\n    global check_close\n    check_close = print\ncheat()", "rebinds check_close"),
    "except as": ("try:\n    pass\nexcept Exception as passed:\n    pass", "rebinds passed"),
    "match": ("match 1:\n    case check_range:\n        pass", "rebinds check_range"),
    "inside if": ("if True:\n    check_scalar = None", "rebinds check_scalar"),
    "globals()": ("globals()['check_close'] = print", "uses globals"),
    "__main__": ("import __main__\n__main__.check_close = print", "changes __main__.check_close"),
}


def _scan_01(code: str) -> dict[str, list[str]]:
    """Flags for 01 solved, ``code`` written above the first exercise's answer."""
    from nbgrading import source_notebook

    from grading.run import _scan

    assignment = "01_autoencoders"
    release = nbformat.read(ROOT / "notebooks" / assignment / f"{assignment}.ipynb", as_version=4)
    nb, solved = nbformat.from_dict(release), solutions_of(assignment)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in solved:
            cell.source = (code + "\n" if grade_id == "ex1_encoder_decoder" else "") + solved[grade_id]
    return _scan(nb, nbformat.read(source_notebook(assignment), as_version=4), release)


@pytest.mark.parametrize("code, reason", REBINDINGS.values(), ids=REBINDINGS.keys())
def test_rebinding_a_name_the_tests_call_flags_the_notebook(code, reason):
    found = _scan_01(code)
    assert list(found) == ["notebook"] and any(r.startswith(reason) for r in found["notebook"]), found
    if reason.startswith("rebinds"):
        assert f"{reason}, which the tests use" in found["notebook"]


def test_reimports_and_local_names_are_not_flagged():
    """The same name from the same module again, and a parameter, local, class attribute or
    comprehension variable that only shares a name, are not stand-ins."""
    for code in ["from course_lib.teaching.checks import check_close\nimport torch\nfrom torch import nn\n"
                 "import torch.nn as nn\nimport torch.nn\nfrom course_lib.core.train import minimize",
                 "def helper(check_close, data):\n    passed = data\n    for fit in []:\n        pass\n"
                 "    return check_close, passed",
                 "class Box:\n    data = 1\n    def fit(self):\n        return self.data",
                 "squares = [data ** 2 for data in range(3)]\nf = lambda plots: plots",
                 "check_close(torch.ones(2), torch.ones(2))",
                 "data = [1, 2]\nplots = None\nfor fit in range(2):\n    pass"]:   # setup names no test reads
        assert _scan_01(code) == {}, code


def test_student_bundle_is_exactly_what_students_get(tmp_path):
    """notebooks/ and an installable course_lib; no solutions, tests, graded answers."""
    import zipfile

    from course_lib.teaching import quiz
    from grading.bundle import build

    archive = build(tmp_path / "bundle")
    bundle = tmp_path / "bundle"
    assert archive.exists()
    assert sorted(p.name for p in bundle.iterdir()) == ["LICENSE", "LICENSE-CONTENT.md", "README.md", "course_answers",
                                                        "course_lib", "environment.yml", "notebooks", "packaging",
                                                        "pyproject.toml"]
    assert [p.name for p in (bundle / "course_answers").iterdir()] == ["__init__.py"]   # course.yml: none released
    text = "\n".join(p.read_text(errors="ignore") for p in bundle.rglob("*") if p.is_file()
                     and p.suffix in (".ipynb", ".py", ".yaml", ".md", ".toml"))
    released = "\n".join(p.read_text() for p in (bundle / "notebooks").rglob("*.ipynb"))
    assert "BEGIN SOLUTION" not in released and "BEGIN HIDDEN TESTS" not in released
    bank = quiz.load()
    assert not [q["id"] for q in quiz.graded(bank) if q["explanation"] in text]
    assert not [q["id"] for q in bank["short_answer"] if q["model_answer"].strip() in text]
    wheel = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                            "-w", str(tmp_path / "wheel"), str(bundle)], capture_output=True, text=True)
    assert wheel.returncode == 0, wheel.stderr[-2000:]
    names = zipfile.ZipFile(next((tmp_path / "wheel").glob("*.whl"))).namelist()
    assert "course_lib/assets/self_quiz.yaml" in names and not [n for n in names if n.startswith(("grading", "tests"))]
    # an installed course_lib (no quiz/ beside it) offers the self-study pool only
    zipfile.ZipFile(next((tmp_path / "wheel").glob("*.whl"))).extractall(tmp_path / "site")
    shown = subprocess.run([sys.executable, "-c", "from course_lib.teaching import quiz; b = quiz.load(); "
                            "print(len(b['multiple_choice']), len(b['short_answer']))"],
                           cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(tmp_path / "site")},
                           capture_output=True, text=True)
    assert shown.stdout.split() == [str(len(quiz.self_study(bank))), "0"], shown.stderr[-2000:]


@needs_bwrap
def test_plain_nbgrader_autograde_runs_in_the_sandbox(tmp_path):
    """The Formgrader's Autograde button and `nbgrader autograde` go through the course's
    nbgrader_config.py, which puts grading.steps.SandboxedExecute in place of nbgrader's Execute."""
    import shutil

    from nbgrading import autograde as nbgrader_autograde

    course = synthetic_course(tmp_path)
    shutil.copytree(ROOT / "grading", course / "grading", ignore=shutil.ignore_patterns("__pycache__"))
    c = str(course)
    guard = lambda code: f"try:\n    {code}\nexcept Exception as e:\n    print('blocked:', e)\n"  # noqa: E731
    submit(course, A, "honest", {"ex1": EX1, "ex2": EX2})
    submit(course, A, "warning", {"ex1": "import warnings\ndef double(x):\n    warnings.warn('careful')\n    return 2 * x\n",
                                  "ex2": EX2})
    submit(course, A, "writer", {"ex1": EX1, "ex2": guard(f"open('{c}/pwned', 'w').write('x')") + guard(
        f"open('{c}/solutions/{A}/{A}.ipynb').read()") + "import os\nassert 'NBGRADER_EXECUTION' not in os.environ\n" + EX2})
    submit(course, A, "blank", {})
    scores = nbgrader_autograde(course, A)
    total = {student: sum(s for s, _ in cells.values()) for student, cells in scores.items()}
    assert total == {"honest": 10, "warning": 10, "writer": 10, "blank": 0}, total
    assert not (course / "pwned").exists(), "student code wrote into the course folder"
    out = nbformat.read(course / "autograded" / "writer" / A / f"{A}.ipynb", as_version=4)
    text = "".join(o.get("text", "") for cell in out.cells for o in cell.get("outputs", []))
    assert text.count("blocked:") == 2, text


@needs_bwrap
def test_a_sandbox_started_by_root_runs_its_kernel_as_a_plain_user_with_a_process_cap(tmp_path, monkeypatch):
    """Run as root (a class server), the kernel is a uid of its own, so RLIMIT_NPROC binds: 600 processes
    are refused after the cap; the rest of the notebook runs. As another user, bwrap's own user namespace.
    What the kernel reads may lie under folders only root may enter (pytest's 0700 folder in /tmp, as a
    clone in CI's): the sandbox's own copies of those folders let the kernel's uid through."""
    from grading.sandbox import execute

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "note.txt").write_text("readable")
    monkeypatch.setenv("COURSE_DATA", str(tmp_path / "data"))
    cells = ["import os; print(os.getuid())",
             "import subprocess\nps = []\ntry:\n    for _ in range(600):\n        ps.append(subprocess.Popen(['sleep', '30']))\n"
             "except OSError as e:\n    print('refused:', type(e).__name__)\nprint('started', len(ps))\n"
             "for p in ps:\n    p.kill()\n    p.wait()",
             "open('mine.txt', 'w').write('ok'); print(open('mine.txt').read())",
             "import os; print(open(os.path.join(os.environ['COURSE_DATA'], 'note.txt')).read())"]
    nb = new_notebook(cells=[new_code_cell(c) for c in cells])
    out = execute(nbformat.writes(nb), {}, "procs.ipynb", Limits(cell_timeout=60, notebook_timeout=120, processes=256))
    ran = nbformat.reads(out["notebook"], as_version=4).cells
    text = ["".join(o.get("text", "") for o in c.outputs) for c in ran]
    assert out["status"] == "ok", out["reason"]
    if os.geteuid() == 0:
        assert int(text[0]) != 0, text
    started = int(text[1].split("started")[1])
    assert "refused: BlockingIOError" in text[1] and started < 256, text[1]
    assert text[2].strip() == "ok", text
    assert text[3].strip() == "readable", ran[3].outputs

