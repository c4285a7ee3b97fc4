"""Static checks of the code a student wrote (phase 1), so a passed test means the code is
right rather than that the judge was patched. Each finding flags the exercise for the teacher
(needs manual grade, reason in the gradebook and the report); it does not take points itself.

A determined student can hide anything from a static scan (that is why the kernel also runs
in a sandbox); the scan catches the direct forms, and ``exec``/``eval``/``__import__`` are
themselves flagged as code the scan cannot read."""
from __future__ import annotations

import ast

PROTECTED = {"course_lib", "course_answers", "torch", "numpy", "builtins", "IPython", "ipykernel", "nbgrader", "sys",
             "matplotlib", "sklearn", "torchvision", "unittest", "importlib", "__main__"}
DANGEROUS_MODULES = {"subprocess": "starts processes", "multiprocessing": "starts processes",
                     "socket": "opens network connections", "ctypes": "patches memory",
                     "sqlite3": "opens databases", "shutil": "copies or deletes files",
                     "signal": "handles signals", "gc": "reaches other objects", "inspect": "reads the grader's code"}
OS_CALLS = {"system", "popen", "fork", "kill", "killpg", "_exit", "remove", "unlink", "rmdir", "rename", "replace",
            "chdir", "execv", "execve", "execvp", "spawnv", "spawnl", "setsid", "posix_spawn", "removedirs"}
HOOKS = {"get_ipython", "__builtins__", "input_transformers_cleanup", "input_transformers_post", "showtraceback",
         "_showtraceback", "ast_transformers", "set_custom_exc", "excepthook", "__class__",
         "__subclasses__", "__globals__", "__code__", "__dict__"}
DYNAMIC = {"exec", "eval", "compile", "__import__", "setattr", "delattr", "globals", "vars", "breakpoint"}
LIARS = {"__torch_function__", "__torch_dispatch__", "__eq__", "__ne__", "__bool__", "__lt__", "__le__", "__gt__",
         "__ge__", "__abs__", "__sub__", "__array__", "__float__"}
# What a library the course relies on computes for an exercise: notebooks 05, 07 and 08 need FID and
# precision / recall before notebook 06 asks the learner to write them, so the course's metrics use
# torchmetrics and prdc. Calling them in the exercise is using a reference implementation.
EQUIVALENTS = {"frechet_distance": {"fid_from_features", "fid", "FrechetInceptionDistance", "frechet_distance"},
               "precision_recall": {"manifold_scores", "compute_prdc", "report"}}
PATH_WORDS = ("../", "..\\", "solutions", "source/", "gradebook", "submitted", "autograded", "/work", "/home", "/root")


def _parse(source: str):
    try:
        return ast.parse(source)
    except SyntaxError:
        from IPython.core.inputtransformer2 import TransformerManager  # %magics and !shell lines
        try:
            return ast.parse(TransformerManager().transform_cell(source))
        except SyntaxError:
            return None   # it fails when run, too


def _root(node):
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node


def _imports(node) -> list[tuple[str, str]]:
    """(name, what it is bound to) for an import statement: ``from torch import nn as n`` binds
    n to torch.nn, ``import torch.nn`` binds torch to torch."""
    if isinstance(node, ast.Import):
        return [(a.asname, a.name) if a.asname else (a.name.split(".")[0],) * 2 for a in node.names]
    if isinstance(node, ast.ImportFrom):
        return [(a.asname or a.name, f"{'.' * node.level}{node.module or ''}.{a.name}") for a in node.names
                if a.name != "*"]
    return []


def imported(sources, modules=None) -> dict[str, str]:
    """name -> what it is bound to, for every import in ``sources`` (only of ``modules``, top-level
    names, if given)."""
    names = {}
    for source in sources:
        tree = _parse(source)
        for node in ast.walk(tree) if tree else ():
            names |= {name: to for name, to in _imports(node) if modules is None or to.split(".")[0] in modules}
    return names


def names_read(sources) -> set[str]:
    """Every plain name that ``sources`` read (``check_close`` in ``check_close(...)``, ``torch`` in ``torch.ones``)."""
    return {node.id for source in sources for tree in [_parse(source)] if tree
            for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}


def aliases(sources) -> dict[str, str]:
    """name -> module, for every import of a protected module in the notebook (setup cells
    import ``torch``, ``course_lib.teaching.checks`` ...), plus the usual names."""
    names = {m: m for m in PROTECTED} | {"np": "numpy", "plt": "matplotlib", "nn": "torch", "F": "torch"}
    return names | imported(sources, PROTECTED)


def rebound(tree, used: dict[str, str]) -> list[str]:
    """Names of ``used`` (name -> what the teacher's import bound it to) that the code binds in
    the notebook's namespace to anything else: at its top level (assignment, ``def``, ``class``,
    ``for``, ``with``, ``:=``, ``del``, ``except ... as``, an import of something else), or in a
    function that declares the name ``global``."""
    scopes = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda,
                                                            ast.ClassDef))]
    local = {id(n) for f in scopes for part in (f.body if isinstance(f.body, list) else [f.body])
             for n in ast.walk(part)}
    local |= {id(n) for c in ast.walk(tree) if isinstance(c, ast.comprehension) for n in ast.walk(c.target)}
    declared = {name for n in ast.walk(tree) if isinstance(n, ast.Global) for name in n.names}
    found = []
    for node in ast.walk(tree):
        bound = _imports(node)
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            bound = [(node.id, None)]
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.ExceptHandler,
                               ast.MatchAs, ast.MatchStar)) and node.name:
            bound = [(node.name, None)]
        elif isinstance(node, ast.MatchMapping) and node.rest:
            bound = [(node.rest, None)]
        found += [name for name, to in bound if name in used and to != used[name]
                  and (id(node) not in local or name in declared)]
    return found


def scan(source: str, known: dict[str, str], reference_names: set[str] = frozenset(),
         used: dict[str, str] | None = None) -> list[str]:
    """Reasons to flag one cell of student code (empty: nothing found). ``known``: from
    ``aliases``; ``reference_names``: what this exercise asks the student to write (the names
    its solution defines), so using course_lib's copy of it is flagged; ``used``: the names the
    tests call (from ``imported``), so a stand-in for one is flagged."""
    tree = _parse(source)
    if tree is None:
        return []
    found = [f"rebinds {name}, which the tests use" for name in rebound(tree, used or {})]
    library = set().union(*(EQUIVALENTS.get(name, set()) for name in reference_names))
    for node in ast.walk(tree):
        name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
        if isinstance(node, ast.alias):
            name = node.name.split(".")[-1]
        if name in library and not (isinstance(node, ast.Name) and name in reference_names):
            found.append(f"uses {name}, a library's implementation (the reference implementation of this exercise)")
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, (ast.Assign, ast.Delete)):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        for target in targets:
            for t in ast.walk(target):
                if isinstance(t, (ast.Attribute, ast.Subscript)):
                    root = _root(t)
                    if isinstance(root, ast.Name) and (root.id in known or root.id in HOOKS):
                        found.append(f"changes {ast.unparse(t)} (part of {known.get(root.id, root.id)})")
                    elif isinstance(root, ast.Call) or (isinstance(t, ast.Attribute) and t.attr in HOOKS):
                        found.append(f"changes {ast.unparse(t)}")
        if isinstance(node, ast.ClassDef):   # a tensor that answers "close" to anything
            bases = [ast.unparse(b) for b in node.bases]
            methods = {f.name for f in node.body if isinstance(f, ast.FunctionDef)} & LIARS
            if any(b.endswith("Tensor") for b in bases) or methods:
                found.append(f"defines class {node.name} ({', '.join(bases + sorted(methods))}): "
                             "its objects may fool the tests")
        if isinstance(node, ast.Name) and node.id in HOOKS | DYNAMIC:
            found.append(f"uses {node.id}")
        elif isinstance(node, ast.Attribute) and (node.attr in HOOKS or ast.unparse(node) == "sys.modules"):
            found.append(f"uses {ast.unparse(node)[:60]}")
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            for m in modules:
                if m.split(".")[0] in DANGEROUS_MODULES:
                    found.append(f"imports {m} ({DANGEROUS_MODULES[m.split('.')[0]]})")
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(("course_lib", "course_answers")):
                found += [f"imports {node.module}.{a.name}, the reference implementation of this exercise"
                          for a in node.names if a.name in reference_names]
            if isinstance(node, ast.ImportFrom) and node.module == "unittest" or "mock" in modules:
                found.append("imports mock")
        if isinstance(node, ast.Attribute) and node.attr in reference_names:
            root = _root(node)
            if isinstance(root, ast.Name) and known.get(root.id, "").startswith(("course_lib", "course_answers")):
                found.append(f"uses {ast.unparse(node)}, the reference implementation of this exercise")
        if isinstance(node, ast.Attribute) and isinstance(_root(node), ast.Name) and \
                _root(node).id == "os" and node.attr in OS_CALLS:
            found.append(f"calls os.{node.attr}")
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and \
                (node.value == ".." or any(w in node.value for w in PATH_WORDS)):
            found.append(f"names the path {node.value[:60]!r} outside the notebook's folder")
        if isinstance(node, ast.Attribute) and node.attr in ("parent", "parents") and \
                not isinstance(_root(node), ast.Name):
            found.append(f"walks up folders: {ast.unparse(node)[:60]}")
    return sorted(set(found))


def defined_names(source: str) -> set[str]:
    """Top-level names a solution defines (``def reparameterize``, ``answer_mc01 = ...``)."""
    tree = _parse(source)
    out = set()
    for node in tree.body if tree else ():
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(node.name)
        elif isinstance(node, ast.Assign):
            out |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return out
