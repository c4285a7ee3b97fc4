"""The teacher's answers, generated from the solution cells: ``course_answers/aNN_<name>.py`` holds the code of
every nbgrader solution cell of ``solutions/NN_<name>/NN_<name>.ipynb``, in order, with the imports of the
notebook that this code uses. The notebook is the one source: to change an answer, edit its solution cell,
then run ``python -m grading answers`` (``make answers``); ``python -m grading answers --check`` (run by the
tests) fails while a module is not what its notebook gives.
"""
from __future__ import annotations

import ast
import builtins
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")
HEADER = ('"""The answers of {assignment}, generated from the solution cells of its notebook,\n'
          '{source},\nby `python -m grading answers`: edit the notebook, not this file."""\n')


def _code(cell) -> str:
    return "\n".join(line for line in cell.source.splitlines() if line.strip() not in MARKERS).strip("\n")


def _used(tree: ast.Module) -> set[str]:
    """The free names the code reads: those it never binds itself (as an argument, an assignment, a def)."""
    bound = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    bound |= {a.arg for n in ast.walk(tree) if isinstance(n, ast.arguments)
              for a in n.posonlyargs + n.args + n.kwonlyargs + [n.vararg, n.kwarg] if a is not None}
    bound |= {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef)}
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    return names - bound - set(dir(builtins))


def _imports(nb) -> dict[str, str]:
    """Each name the notebook's top-level imports bind -> the import statement that binds it."""
    bound = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse("\n".join(ln for ln in cell.source.splitlines() if not ln.lstrip().startswith(("%", "!"))))
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    bound[alias.asname or alias.name.split(".")[0]] = f"import {alias.name}" + (
                        f" as {alias.asname}" if alias.asname else "")
            elif isinstance(node, ast.ImportFrom) and node.module != "__future__":
                for alias in node.names:
                    bound[alias.asname or alias.name] = f"from {node.module} import {alias.name}" + (
                        f" as {alias.asname}" if alias.asname else "")
    return bound


def source_notebook(assignment: str) -> Path:
    return ROOT / "solutions" / assignment / f"{assignment}.ipynb"


def generate(assignment: str) -> str:
    """The text of ``course_answers/a<assignment>.py``."""
    import nbformat
    nb = nbformat.read(source_notebook(assignment), as_version=4)
    cells = [c for c in nb.cells if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")]
    if not cells:
        raise ValueError(f"{assignment} has no solution cells to build its answers from")
    body = "\n\n\n".join(_code(c) for c in cells)
    imports = _imports(nb)
    used = _used(ast.parse(body))
    missing = sorted(n for n in used if n not in imports)
    if missing:
        raise ValueError(f"{assignment}'s solution cells use {', '.join(missing)}, which no import of the notebook "
                         "binds: import it in the notebook's setup cell")
    plain, froms = set(), {}
    for name in used:
        statement = imports[name]
        if statement.startswith("import "):
            plain.add(statement)
        else:
            module, _, what = statement[len("from "):].partition(" import ")
            froms.setdefault(module, set()).add(what)
    def from_line(module):
        return f"from {module} import {', '.join(sorted(froms[module], key=str.lower))}"
    theirs = [from_line(m) for m in sorted(froms) if not m.startswith("course_")]
    groups = [sorted(plain) + theirs, [from_line(m) for m in sorted(froms) if m.startswith("course_lib")],
              [from_line(m) for m in sorted(froms) if m.startswith("course_answers")]]
    head = "\n\n".join("\n".join(g) for g in groups if g)
    source = source_notebook(assignment).relative_to(ROOT).as_posix()
    return (HEADER.format(assignment=assignment, source=source) + "from __future__ import annotations\n\n"
            + head + "\n\n\n" + body + "\n")


def target(assignment: str) -> Path:
    return ROOT / "course_answers" / f"a{assignment}.py"


def write_all(check: bool = False) -> list[str]:
    """Write every assignment's answers module (or, with ``check``, list the ones that differ)."""
    from course_answers import ASSIGNMENTS
    stale = []
    for assignment in ASSIGNMENTS:
        text, path = generate(assignment), target(assignment)
        if path.exists() and path.read_text() == text:
            continue
        stale.append(path.relative_to(ROOT).as_posix())
        if not check:
            path.write_text(text)
    return stale
