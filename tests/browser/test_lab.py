"""A learner and a teacher in a real browser, against the course's own JupyterLab (a copy of
the course, served from its root as `make teach` does, started without the environment's bin/
on PATH: nbgrader must find `alembic` all the same)."""
import io
import os
import re
import sys
import time
import urllib.request

import pytest
from PIL import Image, ImageChops
from servers import copy_course, free_port, kernel_env, serve

TOKEN = "browser-test"
RUN_ALL_S = 180  # the quick profile's budget for a notebook


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("lab")
    course = copy_course(tmp / "course")
    port, log = free_port(), tmp / "lab.log"
    env = kernel_env(JUPYTER_CONFIG_PATH=str(course / "jupyter"), JUPYTERLAB_SETTINGS_DIR=str(tmp / "settings"),
                     JUPYTERLAB_WORKSPACES_DIR=str(tmp / "workspaces"))
    url = f"http://127.0.0.1:{port}"
    with serve([sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
                f"--IdentityProvider.token={TOKEN}", "--allow-root", f"--ServerApp.root_dir={course}"],
               f"{url}/api/status?token={TOKEN}", log, "JupyterLab", cwd=course, env=env):
        yield {"url": url, "course": course, "log": log}


@pytest.fixture(scope="module")
def page(browser, lab):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    p = context.new_page()
    p.goto(f"{lab['url']}/lab?token={TOKEN}")
    yield p
    context.close()


def open_notebook(page, lab, path):
    """The notebook alone in a workspace of its own (a fresh server's first view of it)."""
    workspace = path.split("/")[-1].split(".")[0]
    page.goto(f"{lab['url']}/lab/workspaces/{workspace}/tree/{path}?token={TOKEN}")
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=60_000)
    # the kernel started by itself (no "Select Kernel" dialog) and is ready
    page.wait_for_function("() => /ipykernel\\) \\| Idle/.test(document.querySelector('#jp-main-statusbar')?.innerText)",
                           timeout=90_000)
    assert page.locator(".jp-Dialog").count() == 0, "a dialog (e.g. Select Kernel) opened with the notebook"
    assert page.locator(".jp-NotebookPanel").count() == 1
    return page.locator(".jp-NotebookPanel").first


def run_all(page, notebook):
    """Run ▸ Run All Cells; waits until every code cell has its execution count. Returns seconds."""
    start = time.monotonic()
    started = "() => [...document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell .jp-InputArea-prompt')]" \
              ".some(e => /\\[(\\*|\\d+)\\]/.test(e.textContent))"
    for attempt in range(2):  # a click that lands while the menu bar is still settling is lost: once more
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).first.click()
        try:
            page.wait_for_function(started, timeout=30_000)
            break
        except Exception:
            page.keyboard.press("Escape")
            if attempt:
                page.screenshot(path=os.path.join(os.environ.get("BROWSER_SHOTS", "."), "run_all_did_not_start.png"))
                raise
    code = notebook.locator(".jp-CodeCell .jp-InputArea-prompt")
    page.wait_for_function(
        """() => { const p = [...document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell .jp-InputArea-prompt')];
                   return p.length > 0 && p.every(e => /\\[\\d+\\]/.test(e.textContent)); }""", timeout=RUN_ALL_S * 1000)
    assert code.count() > 0
    assert page.locator(".jp-Dialog").count() == 0, "a dialog (e.g. Select Kernel) blocked Run All"
    return time.monotonic() - start


def test_file_browser_lists_the_course(page, lab, shots):
    page.wait_for_selector(".jp-DirListing-item", timeout=60_000)
    names = [t.split("\n")[0] for t in page.locator(".jp-DirListing-item").all_inner_texts()]
    assert {"notebooks", "solutions", "nbgrader_config.py"} <= set(names), names
    page.screenshot(path=f"{shots}/lab_file_browser.png")


def test_setup_notebook_runs_all_and_its_slider_redraws(page, lab, shots):
    nb = open_notebook(page, lab, "notebooks/00_setup/00_setup.ipynb")
    seconds = run_all(page, nb)
    print(f"\n00_setup: Run All took {seconds:.1f} s")
    page.wait_for_selector(".jp-NotebookPanel .widget-slider", timeout=30_000)
    text = nb.inner_text()
    assert "Traceback" not in text and "Error displaying widget" not in text
    assert "All set" in text and "a progress bar: 100%" in text
    assert page.locator(".jp-NotebookPanel .jp-RenderedText[data-mime-type='application/vnd.jupyter.stderr']",
                        has_text="Error").count() == 0
    # The slider: press → three times; the garment drawn below it must change.
    interact = nb.locator(".widget-interact").first
    interact.scroll_into_view_if_needed()
    image = interact.locator(".jp-OutputArea-output img").first
    before = Image.open(io.BytesIO(image.screenshot())).convert("L")
    handle = interact.locator(".widget-slider .noUi-handle, .widget-slider [role='slider']").first
    handle.focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.wait_for_function("() => [...document.querySelectorAll('.widget-interact .widget-readout')]"
                           ".some(e => e.textContent.trim().startsWith('0.6'))", timeout=30_000)
    page.wait_for_timeout(1500)  # the kernel redraws the figure
    after = Image.open(io.BytesIO(interact.locator(".jp-OutputArea-output img").first.screenshot())).convert("L")
    page.screenshot(path=f"{shots}/lab_00_setup_after_slider.png")
    changed = sum(1 for v in ImageChops.difference(before.resize(after.size), after).getdata() if v > 32)
    assert changed > 50, f"the slider moved but only {changed} pixels of the garment changed"


def test_self_quiz_check_gives_feedback(page, lab, shots):
    nb = open_notebook(page, lab, "notebooks/10_self_quiz/10_self_quiz.ipynb")
    run_all(page, nb)
    first = nb.locator(".widget-radio-box").first
    first.locator("input[type='radio']").first.check()
    nb.locator("button", has_text="Check").first.click()
    page.wait_for_function("() => /Right\\.|Not quite/.test(document.querySelector('.jp-NotebookPanel').innerText)",
                           timeout=30_000)
    # the graded quiz's short answers (and their model answers) are not part of the self-quiz
    assert nb.locator("button", has_text="Show model answer").count() == 0
    page.screenshot(path=f"{shots}/lab_self_quiz.png")


def test_validate_on_a_blank_assignment_reports_failures(page, lab, shots):
    open_notebook(page, lab, "notebooks/01_autoencoders/01_autoencoders.ipynb")
    page.locator(".jp-NotebookPanel .jp-Toolbar").get_by_text("Validate").click()
    dialog = page.locator(".jp-Dialog")
    dialog.wait_for(timeout=RUN_ALL_S * 1000)
    page.wait_for_function("() => !/Validating/.test(document.querySelector('.jp-Dialog').innerText)",
                           timeout=RUN_ALL_S * 1000)
    text = dialog.inner_text()
    page.screenshot(path=f"{shots}/lab_validate_blank_01.png")
    assert "failed" in text.lower() and "NotImplementedError" in text, text[:2000]
    dialog.locator("button").last.click()


def test_formgrader_lists_assignments_and_opens_a_source(page, lab, shots):
    page.goto(f"{lab['url']}/formgrader?token={TOKEN}")
    page.wait_for_selector("text=01_autoencoders", timeout=60_000)
    assert "Error" not in page.inner_text("body")[:500]
    for name in ("00_setup", "01_autoencoders", "07_stylegan"):
        assert page.locator(f"text={name}").count() > 0
    page.screenshot(path=f"{shots}/formgrader_assignments.png")
    link = page.locator("a", has_text="01_autoencoders").first
    href = link.get_attribute("href")
    with urllib.request.urlopen(f"{lab['url']}/api/contents/solutions/01_autoencoders?token={TOKEN}") as r:
        assert r.status == 200
    link.click()
    page.wait_for_timeout(500)
    pages = page.context.pages
    target = pages[-1]
    target.wait_for_selector(".jp-DirListing-item", timeout=60_000)
    target.wait_for_function("() => [...document.querySelectorAll('.jp-DirListing-item')]"
                             ".some(e => e.textContent.includes('01_autoencoders.ipynb'))", timeout=30_000)
    target.screenshot(path=f"{shots}/formgrader_opens_source.png")
    assert "solutions" in target.url or "solutions" in href
    assert "alembic" not in lab["log"].read_text()
