"""What every notebook tells a learner at the top (objectives, prerequisites, study time, Colab and
Binder links), its first cell that installs the course where it is missing, alt text on every
figure, headings in order, and the website's pages (website/build.py). The built website itself
is checked in a browser: tests/browser/test_site.py."""
from __future__ import annotations

import ast
import copy
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from envs import bare_venv

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "website"))
import build as site  # noqa: E402  (website/build.py)

NAMES = site.notebook_names()
REPO = site.repository()
BOOTSTRAP = nbformat.read(ROOT / "solutions" / "01_autoencoders" / "01_autoencoders.ipynb", as_version=4).cells[2].source
PLOTTING = {"show_images", "show_reconstructions", "show_strip", "plot_history", "plot_curves", "plot_latent_scatter",
            "latent_grid", "latent_traversal", "scatter_2d", "discriminator_map", "trajectories"}


def notebook(name: str, folder: str = "solutions"):
    return nbformat.read(ROOT / folder / name / f"{name}.ipynb", as_version=4)


def course_map_rows(file: str = "README.md") -> dict[str, list[str]]:
    """The course map's rows (README.md's, or the full one of docs/course-map.md): name -> the cells after the
    notebook's name and its Colab and Binder links (topics, exercises, study, quick, full)."""
    rows = re.findall(r"^\| `(\d\d_\w+)` \(\[Colab\]\([^)]+\), \[Binder\]\([^)]+\)\) \|(.*)$",
                      (ROOT / file).read_text(), flags=re.M)
    return {name: [cell.strip() for cell in row.rstrip(" |").split(" | ")] for name, row in rows}


def readme_study_times(file: str = "README.md") -> dict[str, str]:
    return {name: cells[-3] for name, cells in course_map_rows(file).items()}


@pytest.mark.parametrize("name", NAMES)
def test_each_notebook_opens_with_objectives_prerequisites_study_time_and_hosted_runs(name):
    header = notebook(name).cells[1].source
    objectives = re.findall(r"^\d\. (\w+)", header.split("**Before you start:**")[0], flags=re.M)
    assert header.startswith("**What you will be able to do**") and 3 <= len(objectives) <= 5, header
    assert re.search(r"^\*\*Before you start:\*\* \S", header, flags=re.M)
    study = re.search(r"^\*\*Study time:\*\* about ((\d+ h)( \d+ min)?|\d+ min) of reading", header, flags=re.M)
    for file in ("README.md", "docs/course-map.md"):
        assert study and study.group(1) == readme_study_times(file)[name], f"{file}'s course map says another study time"
        assert len(readme_study_times(file)) == len(NAMES)   # every notebook's row links to Colab and Binder
    path = f"notebooks/{name}/{name}.ipynb"
    slug = REPO.removeprefix("https://github.com/")
    assert f"(https://colab.research.google.com/github/{slug}/blob/main/{path})" in header
    assert f"(https://mybinder.org/v2/gh/{slug}/main?labpath={path.replace('/', '%2F')})" in header


@pytest.mark.parametrize("name", [n for n in NAMES if n != "09_quiz"])   # the graded quiz imports nothing
def test_the_first_code_cell_installs_the_course_where_it_is_missing(name):
    first = next(c for c in notebook(name).cells if c.cell_type == "code")
    assert first.source == BOOTSTRAP and f'REPO = "git+{REPO}"' in BOOTSTRAP


@pytest.mark.parametrize("name", NAMES)
def test_every_figure_has_alt_text_and_the_headings_are_in_order(name):
    nb = notebook(name)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        tree = ast.parse(re.sub(r"^\s*[%!].*$", "", cell.source, flags=re.M))
        for call in [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)]:
            owner = call.func.value.id if isinstance(call.func.value, ast.Name) else ""
            if (owner, call.func.attr) in {("molecules", "draw")} or (owner == "plots" and call.func.attr in PLOTTING):
                assert any(k.arg == "alt" for k in call.keywords), f"{name}: {ast.unparse(call)[:80]} has no alt="
    levels = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            text = re.sub(r"```.*?```", "", cell.source, flags=re.S)
            levels += [len(h) for h in re.findall(r"^(#{1,6}) ", text, flags=re.M)]
    assert levels[0] == 1 and levels.count(1) == 1, f"{name}: one title (#) first"
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), f"{name}: a heading skips a level: {levels}"


def test_the_readme_map_is_the_full_map_with_the_topics_in_short():
    """README's course map and docs/course-map.md (the website's) give the same exercises and times."""
    short, full = course_map_rows(), course_map_rows("docs/course-map.md")
    assert list(short) == list(full) == NAMES
    assert {name: cells[1:] for name, cells in short.items()} == {name: cells[1:] for name, cells in full.items()}


def test_the_reference_pages_come_from_docs_with_their_links_resolved():
    """The website's course map and instructor pages are docs/ files: a link to another of those pages stays a
    page link, any other relative link points into the repository (resolved from docs/), and each target exists."""
    pages = site.doc_pages(REPO)
    assert sorted(pages) == ["grading.md", "hub.md", "instructors.md"]
    assert pages["instructors.md"].startswith("# For instructors")
    links = [link for text in [*pages.values(), site.course_map(NAMES, REPO)]
             for link in re.findall(r"\]\(([^)]+)\)", text)]
    blob = f"{REPO}/blob/main/"
    assert f"{blob}docs/benchmarks.md#grading" in links and "grading.md" in links and "00_setup.ipynb" in links
    for link in links:
        if link.startswith(blob):
            assert (ROOT / link.removeprefix(blob).split("#")[0]).exists(), link
        elif not link.startswith(("https:", "http:")):
            assert link.split("#")[0] in pages or link.removesuffix(".ipynb") in NAMES, link


def test_a_page_shows_the_release_and_runs_the_reference_hidden():
    source, release = notebook("02_variational_autoencoders"), notebook("02_variational_autoencoders", "notebooks")
    page = site.page_notebook(source, release)
    hidden = [c for c in page["cells"] if "remove-cell" in c["metadata"].get("tags", [])]
    shown = [c for c in page["cells"] if "remove-cell" not in c["metadata"].get("tags", [])]
    assert len(hidden) == sum(bool(c.metadata.get("nbgrader", {}).get("solution")) for c in source.cells
                              if c.cell_type == "code") > 0
    assert all("### BEGIN SOLUTION" in "".join(c["source"]) for c in hidden)
    assert not any("BEGIN SOLUTION" in "".join(c["source"]) for c in shown)
    assert [c["id"] for c in shown if "-note" not in c["id"]] == [c.id for c in release.cells]
    assert all("skip-execution" in c["metadata"]["tags"] for c in shown if "raise NotImplementedError" in "".join(c["source"]))
    assert len({c["id"] for c in page["cells"]}) == len(page["cells"])


@pytest.mark.slow
def test_the_first_cell_installs_the_course_from_a_wheel_into_a_bare_environment(tmp_path):
    """As on Colab: an environment with the course's dependencies but not the course. The first cell
    installs course_lib (here from a local wheel, offline), then 00_setup runs top to bottom."""
    wheel_dir, source = tmp_path / "wheel", tmp_path / "source"   # built from a copy: setuptools writes build/ beside it
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    for part in ("course_lib", "course_answers"):
        shutil.copytree(ROOT / part, source / part, ignore=ignore)
    for part in ("pyproject.toml", "README.md", "LICENSE", "LICENSE-CONTENT.md"):
        shutil.copy(ROOT / part, source / part)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheel_dir),
                    str(source)], check=True, capture_output=True)
    wheel = next(wheel_dir.glob("course_lib-*.whl"))
    venv = tmp_path / "venv"
    python = bare_venv(venv)
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    env = {**os.environ, "COURSE_LIB": str(wheel), "PIP_NO_INDEX": "1", "PYTHONPATH": "", "COURSE_PROFILE": "quick"}
    check = [str(python), "-c", "import importlib.util; print(importlib.util.find_spec('course_lib'))"]
    assert subprocess.run(check, cwd=run_dir, env=env, capture_output=True, text=True).stdout.strip() == "None"
    code = f"""
import nbformat
from nbclient import NotebookClient
nb = nbformat.read({str(ROOT / 'notebooks' / '00_setup' / '00_setup.ipynb')!r}, as_version=4)
NotebookClient(nb, timeout=300, kernel_name="python3", resources={{"metadata": {{"path": {str(run_dir)!r}}}}}).execute()
import course_lib
print("installed at", course_lib.__file__)
"""
    result = subprocess.run([str(python), "-c", code], cwd=run_dir, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert str(venv) in result.stdout, result.stdout


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.slow
def test_a_failed_build_names_the_notebook_and_its_error(tmp_path, jobs):
    """Sphinx with myst-nb as the website runs it (execution cache made first; read in parallel or not):
    a notebook that raises fails the build, and the build's last line names it and the error."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["myst_nb"]\nnb_execution_mode = "cache"\n'
                                 f'nb_execution_cache_path = {str(tmp_path / "cache")!r}\n'
                                 'nb_execution_raise_on_error = True\nnb_execution_show_tb = True\n')
    (src / "index.md").write_text("# Index\n\n```{toctree}\nbroken\nfine\n```\n")
    for name, code in ("broken", "x = 1\nraise ValueError('the data folder is empty')"), ("fine", "print(1)"):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(f"# {name}"),
                                             nbformat.v4.new_code_cell(code)])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, src / f"{name}.ipynb")
    site.make_execution_cache(tmp_path / "cache")
    with pytest.raises(SystemExit) as failed:
        site.sphinx([sys.executable, "-m", "sphinx", "-b", "html", "-j", jobs, "-E", "--keep-going", "-q",
                     str(src), str(tmp_path / "html")], dict(os.environ))
    assert str(failed.value) == "website: the build failed: broken.ipynb did not run (ValueError: the data folder is empty)"


def test_failure_summary_without_a_notebook():
    assert site.failure_summary(["Running Sphinx", "", "Extension error: no theme"], 2) == \
        "website: Sphinx failed (exit 2): Extension error: no theme"


def test_a_page_of_the_recorded_run_shows_its_outputs_and_does_not_run_again():
    """`make record` keeps the executed notebook; a full-profile site shows that run: each cell the release shows as
    it ran gets the run's outputs, a test cell whose hidden part the release left out gets none, nor does a blank
    exercise, and no probe data line reaches a page."""
    from course_lib.teaching.probes import MARK
    name = "05_dcgan"
    source, release = notebook(name), notebook(name, "notebooks")
    ran = copy.deepcopy(source)
    for i, cell in enumerate(ran.cells):
        if cell.cell_type == "code":
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=f"ran cell {i}\n"),
                            nbformat.v4.new_output("stream", name="stdout", text=f"{MARK}abc\n")]
    page = site.page_notebook(source, release, ran)
    assert page["metadata"]["mystnb"] == {"execution_mode": "off"}
    shown = {c["id"]: c for c in page["cells"] if c["cell_type"] == "code"}
    same = hidden = 0
    for i, (ref, out) in enumerate(zip(source.cells, release.cells)):
        if out.cell_type != "code":
            continue
        texts = [o["text"] for o in shown[out.id]["outputs"]]
        if ref.source == out.source:
            assert texts == [f"ran cell {i}\n"], (i, texts)
            same += 1
        else:   # a blank exercise, or a test cell without its hidden part
            assert texts == [], (i, texts)
            hidden += 1
    assert same > 5 and hidden > 2
    assert MARK not in json.dumps(page)
    with pytest.raises(SystemExit, match="make record"):
        site.page_notebook(source, release, {**ran, "cells": ran.cells[1:]})


def test_each_page_says_which_run_its_numbers_come_from():
    shown = site.record_note("05_dcgan", REPO, shows_it=True)["source"]
    own = site.record_note("05_dcgan", REPO, shows_it=False)["source"]
    assert f"{REPO}/blob/main/records/05_dcgan.json" in shown and "full profile" in shown
    assert "are that run's" in shown and "website's own run" in own
