"""course_lib's layout: five packages, each importing only those before it (core, models, metrics, chapters,
teaching), each with a one-sentence rule in its __init__; no module of course_lib imports the teacher's answers."""
from __future__ import annotations

import ast
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
