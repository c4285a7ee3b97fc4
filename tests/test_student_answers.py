"""What students hold of the answers, and when: the student bundle at several points of the term holds
no reference of an assignment whose answers are not released (no function of its name, no line of its
body), and a graded kernel cannot reach the graded assignment's answers by any route."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest
from nbgrading import nbgrader_meta, source_notebook

from grading import bundle
from grading.sandbox import Limits, bwrap_available, execute

from course_answers import ASSIGNMENTS, module_name

pytestmark = pytest.mark.slow   # starts kernels, nbgrader or a sandbox: `make test` runs it, `make test-fast` does not

ROOT = Path(__file__).resolve().parents[1]


def _functions(source: str) -> dict[str, list[str]]:
    """Top-level functions of ``source``: name -> the lines of its body that say something (docstrings,
    comments, nbgrader markers and lines under 20 characters left out)."""
    out = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef):
            body = node.body[1:] if ast.get_docstring(node) else node.body
            lines = "\n".join(ast.unparse(b) for b in body).splitlines()
            out[node.name] = [ln.strip() for ln in lines if len(ln.strip()) >= 20 and not ln.strip().startswith("#")]
    return out


def references(assignment: str) -> dict[str, list[str]]:
    """Every reference of the assignment's graded exercises: its answers module's functions and the
    functions its solution cells define."""
    refs = _functions((ROOT / "course_answers" / f"{module_name(assignment)}.py").read_text())
    nb = nbformat.read(source_notebook(assignment), as_version=4)
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if cell.cell_type == "code" and meta.get("solution") and meta.get("grade_id", "").startswith("ex"):
            code = re.sub(r"^\s*### (BEGIN|END) SOLUTION\s*$", "", cell.source, flags=re.M)
            for name, lines in _functions(code).items():
                refs.setdefault(name, []).extend(lines)
    return refs


def _normalised(text: str) -> str:
    return "\n".join(ln.strip() for ln in text.splitlines())


def _bundle_code(folder: Path) -> tuple[set[str], str, str]:
    """(top-level function names and code of the bundle's Python files, code of its notebooks), normalised."""
    names, texts = set(), []
    for path in folder.rglob("*.py"):
        tree = ast.parse(path.read_text())
        names |= {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
        texts.append(ast.unparse(tree))   # the same spelling as the references' lines
    cells = [c.source for path in folder.rglob("*.ipynb") for c in nbformat.read(path, as_version=4).cells
             if c.cell_type == "code"]
    return names, _normalised("\n".join(texts)), _normalised("\n".join(cells))


def solution_blocks(assignment: str) -> list[str]:
    nb = nbformat.read(source_notebook(assignment), as_version=4)
    return [_normalised(block).strip() for c in nb.cells if c.cell_type == "code"
            for block in re.findall(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", c.source, flags=re.S)]


@pytest.mark.parametrize("term", ["start", "01-03 released", "all released", "self-study"])
def test_the_bundle_holds_only_released_answers(tmp_path, term):
    released = {"start": [], "01-03 released": ["01", "2", "03_vae_applications"], "all released": list(ASSIGNMENTS),
                "self-study": []}[term]
    course = tmp_path / "course"
    course.mkdir()
    if released:
        bundle.release_answers(released, course)
    bundle.build(tmp_path / "bundle", self_study=term == "self-study", root=course)
    held = set(ASSIGNMENTS) if term in ("self-study", "all released") else set(bundle.released(course))
    assert held == {"start": set(), "01-03 released": set(ASSIGNMENTS[:3])}.get(term, held)
    modules = {p.name for p in (tmp_path / "bundle" / "course_answers").iterdir()}
    assert modules == {"__init__.py"} | {f"{module_name(a)}.py" for a in held}
    names, code, notebooks = _bundle_code(tmp_path / "bundle")
    for assignment in ASSIGNMENTS:
        for block in solution_blocks(assignment):   # nbgrader's release: no solution, in any notebook
            assert block not in notebooks, f"{term}: a solution of {assignment} is in the released notebooks"
        if assignment in held:
            answers = _functions((ROOT / "course_answers" / f"{module_name(assignment)}.py").read_text())
            assert set(answers) <= names, f"{term}: {assignment}'s answers should be in the bundle"
            continue
        for name, lines in references(assignment).items():
            assert name not in names, f"{term}: a function {name} (a reference of {assignment}) is in the bundle"
            # a long line, or two lines in a row (short generic lines such as `return images` alone are no answer)
            for fragment in [ln for ln in lines if len(ln) >= 40] + ["\n".join(p) for p in zip(lines, lines[1:])]:
                assert fragment not in code, f"{term}: {assignment}'s {name} is in the bundle: {fragment}"


def test_release_answers_records_in_course_order_and_refuses_unknown_names(tmp_path):
    assert bundle.release_answers(["03", "1"], tmp_path) == ["01_autoencoders", "03_vae_applications"]
    assert bundle.release_answers(["02_variational_autoencoders"], tmp_path)[:3] == list(ASSIGNMENTS[:3])
    assert "answers_released" in (tmp_path / "course.yml").read_text()
    (tmp_path / "course.yml").write_text("# my class\ndue:\n  01_autoencoders: 2027-01-15 23:59\nanswers_released:\n- 01\n")
    assert bundle.release_answers(["4"], tmp_path) == ["01_autoencoders", "04_gan_basics"]
    text = (tmp_path / "course.yml").read_text()
    assert text.startswith("# my class\ndue:\n  01_autoencoders: 2027-01-15 23:59\n")   # the teacher's lines stay
    with pytest.raises(ValueError, match="no graded assignment"):
        bundle.release_answers(["11"], tmp_path)


def test_the_sandbox_shows_the_answers_before_the_graded_assignment_only():
    files = bundle.answers_for("05_dcgan")
    assert set(files) == {"__init__.py"} | {f"{module_name(a)}.py" for a in ASSIGNMENTS[:4]}
    assert set(bundle.answers_for("ps1")) == {"__init__.py"}   # not a course assignment: none


ROUTES = {   # ways a dishonest student might reach notebook 05's answers from inside the graded kernel
    "import": "from course_answers.a05_dcgan import up_block",
    "__import__": "__import__('course_answers.a05_dcgan', fromlist=['up_block']).up_block",
    "importlib": "importlib.import_module('course_answers.' + 'a05_dcgan').up_block",
    "getattr on the package": "getattr(importlib.import_module('course_answers'), 'a05_dcgan').up_block",
    "getattr on course_lib": "getattr(importlib.import_module('course_lib.models.gan'), 'up_' + 'block')",
    "sys.modules": "sys.modules['course_answers.a05_dcgan'].up_block",
    "spec from the repository": "importlib.util.spec_from_file_location('x', ROOT + '/course_answers/a05_dcgan.py')"
                                ".loader.load_module()",
    "reading the file": "open(ROOT + '/course_answers/a05_dcgan.py').read()",
    "reading solutions": "open(ROOT + '/solutions/05_dcgan/05_dcgan.ipynb').read()",
    "searching the environment": "[p for p in glob.glob(sys.prefix + '/**/a05_dcgan.py', recursive=True)][0]",
    "searching the course_lib folder": "[p for p in glob.glob(os.path.dirname(os.path.dirname(course_lib.__file__))"
                                       " + '/**/a05*', recursive=True)][0]",
}


@pytest.mark.skipif(not bwrap_available(), reason="needs bubblewrap (apt-get install bubblewrap)")
def test_no_route_reaches_the_graded_assignments_answers_in_the_sandbox():
    probe = "\n".join([
        "import glob, importlib, importlib.util, os, sys", "import course_lib", f"ROOT = {str(ROOT)!r}",
        "from course_answers.a04_gan_basics import gan_step  # the earlier answers are there", "reached = {}",
        *[f"try:\n    {code}\n    reached[{route!r}] = True\nexcept Exception:\n    reached[{route!r}] = False"
          for route, code in ROUTES.items()],
        "print(reached)"])
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(probe)])
    result = execute(nbformat.writes(nb), {}, "05_dcgan.ipynb", Limits(cell_timeout=120, threads=1))
    assert result["status"] == "ok", result["reason"]
    out = nbformat.reads(result["notebook"], as_version=4).cells[0].outputs
    assert [o.get("ename") for o in out if o.output_type == "error"] == [], out
    reached = ast.literal_eval(out[0]["text"])
    assert set(reached) == set(ROUTES) and not any(reached.values()), reached


@pytest.mark.skipif(not bwrap_available(), reason="needs bubblewrap (apt-get install bubblewrap)")
def test_at_the_start_of_term_a_missing_answer_is_one_sentence_not_a_traceback():
    """In a kernel whose course_answers holds no released module (a student's copy before any due date, as
    the sandbox gives 01's submission), 02's setup line that imports 01's answer says what is missing and
    when it comes, in one line."""
    cell = "from course_answers.a01_autoencoders import reconstruction_loss  # notebook 01's answer"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell)])
    result = execute(nbformat.writes(nb), {}, "01_autoencoders.ipynb", Limits(cell_timeout=120, threads=1))
    assert result["status"] == "ok", result["reason"]
    [error] = [o for o in nbformat.reads(result["notebook"], as_version=4).cells[0].outputs if o.output_type == "error"]
    assert error.ename == "AnswersNotReleasedError" and "01_autoencoders" in error.evalue and "due date" in error.evalue
    assert error.traceback == [f"AnswersNotReleasedError: {error.evalue}"]   # no traceback: the sentence alone
