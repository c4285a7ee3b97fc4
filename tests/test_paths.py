"""Every repository path the documentation names exists: in README.md, CONTRIBUTING.md and docs/*.md (in
backticks, in links, in code blocks and in prose), in the docstrings of course_lib/, grading/, hub/, website/
and scripts/, in the notebooks' text (solutions/, markdown cells) and the quiz bank (quiz/*.yaml), and in
pyproject.toml; and where a text says "`name` in `path.py`", that file defines the name. And README.md stays a
README: at most 15,000 bytes.

What counts as a path: a word that starts with one of the repository's top-level names followed by "/"
(`course_lib/core/train.py`, `grading/judges/`, `.ci/run`, `./packaging/molsets`), or the name of a
top-level file (`Makefile`, `course.yml`, `pyproject.toml`, `CONTRIBUTING.md`, ...); and the target of every
relative link, resolved from the file that links (with its #anchor, a heading of the target). Skipped: globs
and placeholders (`*`, `<`, `{`, `NN`, `...`), and what git ignores (the run-time state the course creates,
such as `hub/state/exchange`)."""
from __future__ import annotations

import ast
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README_LIMIT = 15_000
DOCSTRING_FOLDERS = ("course_lib", "grading", "hub", "website", "scripts")
TOP_FILES = (r"Makefile|course\.yml|pyproject\.toml|environment\.yml|nbgrader_config\.py|LICENSE(?:-CONTENT\.md)?"
             r"|[A-Z][A-Z_-]+\.md")   # the top-level files, named without a folder
PLACEHOLDERS = ("*", "<", ">", "{", "}", "NN", "...", "…")
LINK = re.compile(r"\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```", flags=re.M | re.S)


def top_level_folders() -> list[str]:
    """The repository's top-level folders: those git tracks a file in (not .venv, _build, exchange/...)."""
    if not shutil.which("git") or not (ROOT / ".git").exists():
        pytest.skip("needs the git repository (its tracked files say what the top-level names are)")
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    return sorted({f.split("/")[0] for f in files if "/" in f})


def path_pattern() -> re.Pattern:
    folders = "|".join(re.escape(name) for name in top_level_folders())
    return re.compile(rf"(?<![\w./~$%-])(?:\./)?((?:{folders})/[\w./<>{{}}*+@…-]*|(?:{TOP_FILES})(?![\w/-]))")


def ignored(paths: set[str]) -> set[str]:
    """The paths git ignores (as files, or as folders: `hub/state` is ignored as `hub/state/`)."""
    queries = sorted(paths | {p.rstrip("/") + "/" for p in paths})
    out = subprocess.run(["git", "check-ignore", "--no-index", "--stdin"], cwd=ROOT, input="\n".join(queries),
                         capture_output=True, text=True).stdout.split()
    hits = set(out)
    return {p for p in paths if p in hits or p.rstrip("/") + "/" in hits}


def words(text: str, pattern: re.Pattern, first_line: int = 1):
    """(line, path) for each path-like word of `text`, `first_line` being the line `text` starts on."""
    for m in pattern.finditer(text):
        word = m.group(1).rstrip(".,:;")
        if any(p in word for p in PLACEHOLDERS):
            continue
        yield first_line + text.count("\n", 0, m.start()), word


def slugs(markdown: str) -> set[str]:
    """The #anchors GitHub gives a Markdown file's headings."""
    found = set()
    for heading in re.findall(r"^#{1,6} +(.+?) *$", FENCE.sub("", markdown), flags=re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
        n, base = 0, slug
        while slug in found:
            n += 1
            slug = f"{base}-{n}"
        found.add(slug)
    return found


def markdown_files() -> list[Path]:
    files = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    return files + [ROOT / "CONTRIBUTING.md"] * (ROOT / "CONTRIBUTING.md").exists()


def named_paths() -> tuple[list[tuple[str, int, str]], list[str]]:
    """(file, line, path) for every path named (paths from the repository root), and the broken links."""
    pattern, named, broken = path_pattern(), [], []
    for file in markdown_files():
        text, rel = file.read_text(), file.relative_to(ROOT).as_posix()
        named += [(rel, line, word) for line, word in words(text, pattern)]
        prose = FENCE.sub(lambda m: "\n" * m.group(0).count("\n"), text)
        for m in LINK.finditer(prose):
            target = m.group(1)
            if re.match(r"[a-z]+:", target):
                continue
            line = 1 + prose.count("\n", 0, m.start())
            path, _, anchor = target.partition("#")
            resolved = (file.parent / path).resolve() if path else file
            if path and ROOT not in resolved.parents and resolved != ROOT:
                broken.append(f"{rel}:{line}: {target} (outside the repository)")
                continue
            if path:
                named.append((rel, line, resolved.relative_to(ROOT).as_posix() + "/" * path.endswith("/")))
            if anchor and resolved.suffix == ".md" and resolved.exists() and anchor not in slugs(resolved.read_text()):
                broken.append(f"{rel}:{line}: {target} (no heading of {resolved.relative_to(ROOT)} has that anchor)")
    for folder in DOCSTRING_FOLDERS:
        for source in sorted((ROOT / folder).rglob("*.py")):
            rel = source.relative_to(ROOT).as_posix()
            tree = ast.parse(source.read_text())
            for node in ast.walk(tree):
                if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
                    first = node.body[0]
                    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                            and isinstance(first.value.value, str):
                        named += [(rel, line, word) for line, word in words(first.value.value, pattern, first.lineno)]
    named += [("pyproject.toml", line, word) for line, word in words((ROOT / "pyproject.toml").read_text(), pattern)]
    for rel, first, text in course_texts():
        named += [(rel, line, word) for line, word in words(text, pattern, first)]
    return sorted(set(named)), broken


def course_texts():
    """(where, first line, text) of each notebook markdown cell ("<notebook> cell <index>", lines counted in the
    cell) and each quiz file."""
    import nbformat
    for path in sorted((ROOT / "solutions").glob("*/*.ipynb")):
        for i, cell in enumerate(nbformat.read(path, as_version=4).cells):
            if cell.cell_type == "markdown":
                yield f"{path.relative_to(ROOT).as_posix()} cell {i}, line", 1, cell.source
    for path in sorted((ROOT / "quiz").glob("*.yaml")):
        yield path.relative_to(ROOT).as_posix(), 1, path.read_text()


NAME_IN = re.compile(r"`(?:\w+\.)*(\w+)(?:\(\))?` in `((?:course_lib|grading|scripts|hub|website)/[\w/]+\.py)`")


def test_a_name_said_to_be_in_a_file_is_defined_there():
    """"`amortisation_gap` in `course_lib/metrics/likelihood.py`": the file defines (or imports) that name."""
    texts = [(f.relative_to(ROOT).as_posix(), 1, f.read_text()) for f in markdown_files()] + list(course_texts())
    wrong = []
    for rel, line, text in texts:
        for m in NAME_IN.finditer(text):
            name, path = m.groups()
            target = ROOT / path
            if not target.exists():
                continue   # the path test reports it
            tree = ast.parse(target.read_text())
            defined = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef)}
            defined |= {t.id for n in ast.walk(tree) if isinstance(n, ast.Assign) for t in n.targets
                        if isinstance(t, ast.Name)}
            defined |= {a.asname or a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
            if name not in defined:
                wrong.append(f"{rel}:{line + text.count(chr(10), 0, m.start())}: `{name}` is not in {path}")
    assert not wrong, "a name said to be in a file that does not define it:\n" + "\n".join(wrong)


def test_every_path_the_docs_and_docstrings_name_exists():
    named, broken = named_paths()
    assert len(named) > 100 and any(f == "README.md" for f, _, _ in named)   # the scan finds what it should
    skip = ignored({path for _, _, path in named})
    missing = [f"{file}:{line}: {path}" for file, line, path in named
               if path not in skip and not (ROOT / path.removeprefix("./")).exists()]
    assert not missing + broken, "named but not in the repository:\n" + "\n".join(missing + broken)


def test_the_readme_is_short():
    size = len((ROOT / "README.md").read_bytes())
    assert size <= README_LIMIT, (f"README.md is {size:,} bytes, over {README_LIMIT:,}: move the detail into docs/ "
                                  "and link to it")


def test_the_path_rule():
    """What counts as a path, on examples."""
    pattern = path_pattern()
    text = ("see `course_lib/core/train.py`, grading/judges/ and `./packaging/molsets`; Makefile, course.yml.\n"
            "not: probes/nbNN.py, `course_answers/a<NN>_<name>.py`, tests/*.py, mycourse_lib/x, "
            "https://example.org/docs/x.md, course_lib.core.train, `vae/main.py`, docs")
    assert [w for _, w in words(text, pattern)] == ["course_lib/core/train.py", "grading/judges/", "packaging/molsets",
                                                     "Makefile", "course.yml"]
    assert ignored({"hub/state/exchange", "hub/state", "hub/class_config.py"}) == {"hub/state/exchange", "hub/state"}
    assert "the-website-make-site" in slugs("## The website: `make site`\n")
