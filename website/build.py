"""Build the course website: `make site` (full profile, the published one) or
`make site COURSE_PROFILE=quick` (CI). Output: _build/site-<profile>/html/.

Every notebook page is the student release (blank exercises with their hints and visible
tests) with the outputs of a complete run: each exercise's reference cell runs hidden just
before the blank cell, which is shown but not run. Pages never contain a reference answer
(tests/test_site.py checks the HTML). Execution is cached by jupyter-cache, one cache per
profile, so a rebuild re-runs only the notebooks whose code changed.
"""
from __future__ import annotations

import contextlib
import copy
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "website"
sys.path.insert(0, str(ROOT))
from course_lib.core import settings  # noqa: E402
from course_lib.teaching import quiz  # noqa: E402

WIDGET_CALLS = ("widgets.", "quiz.interactive(")
WIDGET_NOTE = ("*On the website no kernel runs, so the interactive explorer of this cell is left out; "
               "the figures above show what it draws. Run the notebook (JupyterLab, Colab or Binder) to use it.*")


def repository() -> str:
    """pyproject.toml's project.urls.Repository (course_lib/core/settings.py reads it)."""
    return settings.repository()


def notebook_names() -> list[str]:
    return sorted(p.name for p in (ROOT / "solutions").iterdir() if re.match(r"\d\d_", p.name))


def _tagged(cell: dict, tag: str) -> dict:
    cell = copy.deepcopy(cell)
    cell["metadata"]["tags"] = [*cell["metadata"].get("tags", []), tag]
    return cell


def page_notebook(source: dict, release: dict, ran: dict | None = None) -> dict:
    """The release's cells, each exercise cell preceded by its reference, run but not shown. With ``ran`` (the
    recorded run of the solution notebook, executed: grading/record.py) the page is not run again: each cell the
    release shows as the solution notebook has it gets that run's outputs, and the page is marked not to execute."""
    if len(source["cells"]) != len(release["cells"]):
        raise SystemExit("notebooks/ is out of date with solutions/: run `make release` first")
    if ran is not None and [_text(c["source"]) for c in ran["cells"]] != [_text(c["source"]) for c in source["cells"]]:
        raise SystemExit("the recorded run is not of solutions/' notebook: run `make record` again")
    cells = []
    for i, (ref, shown) in enumerate(zip(source["cells"], release["cells"])):
        answer = ref["metadata"].get("nbgrader", {}).get("solution") and ref["cell_type"] == "code"
        if ran is not None and shown["cell_type"] == "code":
            shown = {**copy.deepcopy(shown), "outputs": recorded_outputs(ran["cells"][i], shown)}
        if answer:
            ref = {**_tagged(ref, "remove-cell"), "id": ref["id"] + "-ref"}
            cells += [ref, _tagged(shown, "skip-execution")]
        elif shown["cell_type"] == "code" and any(call in "".join(shown["source"]) for call in WIDGET_CALLS):
            cells += [_tagged(shown, "remove-output"),
                      {"cell_type": "markdown", "id": shown["id"] + "-note", "metadata": {}, "source": WIDGET_NOTE}]
        else:
            cells.append(copy.deepcopy(shown))
    for cell in cells:
        cell["metadata"].pop("nbgrader", None)
    metadata = copy.deepcopy(release["metadata"])
    if ran is not None:
        metadata["mystnb"] = {"execution_mode": "off"}
    return {**release, "metadata": metadata, "cells": cells}


def _text(source) -> str:
    return source if isinstance(source, str) else "".join(source)   # a notebook file's lines, or nbformat's string


def recorded_outputs(ran_cell: dict, shown: dict) -> list:
    """The recorded run's outputs for a cell the page shows, only where the page shows the very code that ran (a test
    cell whose hidden part the release left out gets none) and never a probe's data line (it is for the grader)."""
    from grading.record import PROBE_MARK
    if _text(ran_cell["source"]) != _text(shown["source"]):
        return []
    return [o for o in ran_cell.get("outputs", []) if PROBE_MARK not in json.dumps(o)]


def record_note(name: str, repo: str, shows_it: bool) -> dict | None:
    """The page's last cell: which run the numbers of its text come from, and whether the outputs above are that run."""
    from grading import record
    rec = record.load(name)
    if rec is None:
        return None
    link = f"[records/{name}.json]({repo}/blob/main/records/{name}.json)"
    ran = (f"a run of the {rec['profile']} profile on {rec['recorded']} ({rec['machine']}, "
           f"{rec['wall_s'] / 60:.0f} min), kept in {link}")
    outputs = ("The outputs on this page are that run's." if shows_it else
               f"The outputs on this page come from the website's own run in the {settings.get('COURSE_PROFILE')} "
               "profile: where a model trains for a fixed CPU time, or the quick profile trains less, they differ "
               "from the text's numbers.")
    return {"cell_type": "markdown", "id": "recorded-run", "metadata": {},
            "source": f"---\n\n*The numbers this page's text quotes were printed by {ran}. {outputs}*"}


DOC_PAGES = ("instructors", "grading", "hub")   # docs/<page>.md, each a page of the website's Reference


def _absolute_links(markdown: str, repo: str, base: str = "", pages: tuple[str, ...] = ()) -> str:
    """Relative links of a file in the folder `base` (e.g. "docs/") point into the repository on the website;
    a link to one of `pages` (docs/<page>.md, each also a page of the website) stays a link to that page."""
    def target(m: re.Match) -> str:
        link = posixpath.normpath(base + m.group(1))
        if link.split("#")[0] in {f"docs/{page}.md" for page in pages}:
            return f"]({link.removeprefix('docs/')})"
        return f"]({repo}/blob/main/{link})"

    return re.sub(r"\]\((?!https?:|#|mailto:)([^)]+)\)", target, markdown)


def course_map(names: list[str], repo: str) -> str:
    """docs/course-map.md's notes and table (without its title and first paragraph), each notebook linked to its page."""
    section = _absolute_links((ROOT / "docs" / "course-map.md").read_text().split("\n\n", 2)[2], repo, "docs/")
    for name in names:   # after the links are made absolute: the notebooks' pages are the website's own
        section = section.replace(f"| `{name}` (", f"| [{name}]({name}.ipynb) (")
    return section


def doc_pages(repo: str) -> dict[str, str]:
    """The Reference pages taken from docs/: the instructor guide, grading and the class hub."""
    return {f"{page}.md": _absolute_links((ROOT / "docs" / f"{page}.md").read_text(), repo, "docs/", DOC_PAGES)
            for page in DOC_PAGES}


def pages(out: Path) -> None:
    names, repo, bank = notebook_names(), repository(), quiz.load()
    generated = {}
    from grading import record
    full = settings.get("COURSE_PROFILE") == "full"
    for name in names:
        source = json.loads((ROOT / "solutions" / name / f"{name}.ipynb").read_text())
        release = json.loads((ROOT / "notebooks" / name / f"{name}.ipynb").read_text())
        ran = record.executed(name) if full else None   # the recorded run, where this machine made it
        page = page_notebook(source, release, ran)
        note = record_note(name, repo, shows_it=ran is not None)
        if note:
            page["cells"].append(note)
        generated[f"{name}.ipynb"] = json.dumps(page, indent=1, ensure_ascii=False)
    index = (HERE / "index.md").read_text()
    index = index.replace("{{course_map}}", course_map(names, repo)).replace("{{repository}}", repo)
    generated["index.md"] = index.replace("{{notebooks}}", "\n".join(names))
    glossary = quiz.glossary_markdown(bank).replace("## Glossary", "# Glossary", 1)
    for name in names:
        glossary = glossary.replace(f"({name})", f"([{name}]({name}.ipynb))")
    generated["glossary.md"] = glossary + "\n"
    generated["essays.md"] = ("# Essay prompts\n\nEach essay is graded in class with a rubric your teacher holds (notebook "
                              "[09_quiz](09_quiz.ipynb)); plan your answer around the measurements you made in the "
                              "notebooks named.\n\n" + quiz.essays_markdown(bank) + "\n")
    generated.update(doc_pages(repo))
    for file, text in generated.items():   # Sphinx re-reads every page (-E); jupyter-cache keys on the code
        (out / file).write_text(text)


def main() -> None:
    profile = settings.get("COURSE_PROFILE")   # default full
    build = ROOT / "_build" / f"site-{profile}"
    src = build / "src"
    src.mkdir(parents=True, exist_ok=True)
    pages(src)
    env = {**os.environ, "COURSE_PROFILE": profile, "COURSE_REPOSITORY": repository(),
           "COURSE_SITE_CACHE": str(build / "jupyter_cache"), "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1")}
    env.pop("MPLBACKEND", None)   # the kernels draw inline
    html = build / "html"
    if html.exists() and not (build / "doctrees").exists():
        shutil.rmtree(html)
    make_execution_cache(env["COURSE_SITE_CACHE"])
    sphinx([sys.executable, "-m", "sphinx", "-b", "html", "-c", str(HERE), "-d", str(build / "doctrees"),
            "-j", "auto", "-E", "--keep-going", "-q", str(src), str(html)], env)
    print(f"website ({profile} profile): {html / 'index.html'}")


def make_execution_cache(path: str | Path) -> None:
    """Create jupyter-cache's database before Sphinx starts: its parallel readers would each create it
    when it is missing, and two at once fail ("table settings already exists")."""
    from jupyter_cache import get_cache

    get_cache(path).db.dispose()


def sphinx(command: list[str], env: dict) -> None:
    """Run Sphinx, showing its output as it comes; if it fails, the last line says why."""
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    for line in proc.stdout:
        sys.stdout.write(line)
        lines.append(line.rstrip("\n"))
    if proc.wait():
        raise SystemExit(failure_summary(lines, proc.returncode))


ERROR_LINE = re.compile(r"[\w.]*(Error|Exception|Interrupt|Exit): ")
WRAPPERS = ("ExecutionError", "ParallelError")   # myst-nb's and Sphinx's wrappers around the real error


def failure_summary(lines: list[str], code: int) -> str:
    """One line from a failed Sphinx run's output: each notebook that failed to execute with the error
    its cell raised, else Sphinx's own last words. A parallel build reports a notebook's failure as an
    ExecutionError whose traceback Sphinx saves in a log file; a serial one as a warning with the
    traceback after it: both are read."""
    saved = [m.group(0) for line in lines for m in [re.search(r"/\S*sphinx-err-\S+\.log", line)] if m]
    for log in saved:
        with contextlib.suppress(OSError):
            lines = lines + Path(log).read_text(errors="replace").splitlines()
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", line).strip() for line in lines]   # tracebacks come in colour

    def real_error(candidates) -> str:
        found = [t for t in candidates if ERROR_LINE.match(t) and not t.split(":")[0].endswith(WRAPPERS)]
        return found[-1][:300] if found else "see its traceback above"

    failed: dict[str, str] = {}
    for i, line in enumerate(lines):
        name = re.search(r"([\w.-]+\.ipynb)", line)
        if "Executing notebook failed" in line:   # serial: the traceback follows, up to the next message
            after = []
            for later in lines[i + 1:]:
                if "WARNING:" in later or "ERROR:" in later:
                    break
                after.append(later)
            failed.setdefault(name.group(1) if name else "a notebook", real_error(after))
        elif name and re.match(r"[\w.]*ExecutionError: ", line):   # parallel: the traceback came before
            before = list(reversed([t for t in reversed(lines[:i]) if "ExecutionError: " not in t][:200]))
            failed.setdefault(name.group(1), real_error(before))
    if failed:
        return "website: the build failed: " + "; ".join(f"{nb} did not run ({why})" for nb, why in failed.items())
    last = next((t for t in reversed(lines) if t), "no output")
    return f"website: Sphinx failed (exit {code}): {last[:300]}"


if __name__ == "__main__":
    main()
