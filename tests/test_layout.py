"""course_lib's layout: five packages, each importing only those before it (core, models, metrics, chapters,
teaching), each with a one-sentence rule in its __init__; no module of course_lib imports the teacher's answers."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

LIB = Path(__file__).resolve().parents[1] / "course_lib"
ORDER = ["core", "models", "metrics", "chapters", "teaching"]


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module) for every import in ``path``, at any depth (lazy imports count too)."""
    package = ".".join(path.relative_to(LIB.parent).with_suffix("").parts[:-1])
    if path.name == "__init__.py":
        package = ".".join(path.relative_to(LIB.parent).parts[:-1])
    out = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
                names = [f"{module}.{a.name}" for a in node.names] if not node.module else [module]
                out += [(node.lineno, m) for m in names]
            else:
                out.append((node.lineno, node.module or ""))
    return out


def rank(module: str) -> int | None:
    parts = module.split(".")
    return ORDER.index(parts[1]) if len(parts) > 1 and parts[0] == "course_lib" and parts[1] in ORDER else None


def test_no_back_arrows():
    back = []
    for path in sorted(LIB.rglob("*.py")):
        here = rank(".".join(path.relative_to(LIB.parent).with_suffix("").parts))
        for line, module in imports(path):
            assert not module.startswith("course_answers"), f"{path}:{line} imports the answers"
            there = rank(module)
            if here is not None and there is not None and there > here:
                back.append(f"{path.relative_to(LIB.parent)}:{line} ({ORDER[here]}) imports {module} ({ORDER[there]})")
    assert not back, "imports against the layout:\n" + "\n".join(back)


def test_every_module_lives_in_a_package():
    loose = [p.name for p in LIB.glob("*.py") if p.name != "__init__.py"]
    assert not loose, f"modules outside the five packages: {loose}"
    assert sorted(p.name for p in LIB.iterdir() if p.is_dir() and (p / "__init__.py").exists()) == sorted(ORDER)


@pytest.mark.parametrize("package", ORDER)
def test_each_package_says_what_belongs_there(package):
    doc = ast.get_docstring(ast.parse((LIB / package / "__init__.py").read_text()))
    assert doc and doc.startswith(f"{package}:"), f"course_lib/{package}/__init__.py: start with '{package}: ...'"


# ---- where three kinds of code go: training recipes, losses, measurements (each package's __init__ says so)

def _top_level_functions():
    """(module path relative to course_lib, function name, calls fit?) for every top-level def of course_lib, but
    the probes (``@probe``: each is named after the exercise it runs)."""
    for path in sorted(LIB.rglob("*.py")):
        tree = ast.parse(path.read_text())
        for node in tree.body:
            probes = any(isinstance(d, ast.Call) and getattr(d.func, "id", "") == "probe" for d in node.decorator_list) \
                if isinstance(node, ast.FunctionDef) else False
            if isinstance(node, ast.FunctionDef) and not probes:
                calls = {n.func.id for n in ast.walk(node) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
                yield path.relative_to(LIB).as_posix(), node.name, "fit" in calls


def test_training_recipes_live_in_core_train_or_chapters():
    """A recipe (a ``train_*`` function, or one that runs ``fit``) is a chapter's (``chapters/``), on the one loop
    of ``core/train.py``; a model module may define its paper's update step, never a loop over data."""
    wrong = [f"{module}: {name}" for module, name, runs_fit in _top_level_functions()
             if (name.startswith("train_") or runs_fit) and not module.startswith("chapters/")
             and module != "core/train.py"]
    assert not wrong, "training recipes outside chapters/ (move them there):\n" + "\n".join(wrong)


LOSS = re.compile(r"(^|_)(loss|nll|elbo|penalty)($|_)")
MEASURE = re.compile(r"(^|_)(fid|frechet|precision|recall|accuracy|coverage|divergence|score|scores|gap|iou|"
                     r"likelihood|novelty|validity|diversity|sharpness|contrast|extent|distance|spread)($|_)")


def test_losses_live_with_their_models():
    """A training loss is a model's (``models/``, beside the network it trains) or the learner's (an exercise, in
    ``course_answers``); ``metrics/`` may *estimate* a likelihood or an ELBO; nothing else defines one."""
    wrong = [f"{module}: {name}" for module, name, _ in _top_level_functions()
             if LOSS.search(name) and not module.startswith(("models/", "metrics/"))]
    assert not wrong, "losses outside models/ (move them beside their model):\n" + "\n".join(wrong)


def test_measurements_live_in_metrics():
    """A score of samples, codes, paths or models is a metric (``metrics/<kind>.py``), whatever notebook uses it."""
    wrong = [f"{module}: {name}" for module, name, _ in _top_level_functions()
             if MEASURE.search(name) and not LOSS.search(name) and not module.startswith(("metrics/", "teaching/"))]
    assert not wrong, "measurements outside metrics/ (move them there):\n" + "\n".join(wrong)


def test_no_notebook_test_cell_is_longer_than_40_lines():
    """A visible test reads as a few calls with hints; harnesses go to course_lib.teaching (unit-tested there)."""
    import nbformat
    long = []
    for path in sorted((LIB.parent / "solutions").glob("*/*.ipynb")):
        for i, cell in enumerate(nbformat.read(path, as_version=4).cells):
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
                lines = [ln for ln in cell.source.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
                if len(lines) > 40:
                    long.append(f"{path.name} cell {i} ({meta.get('grade_id')}): {len(lines)} lines")
    assert not long, "test cells over 40 lines of code:\n" + "\n".join(long)
