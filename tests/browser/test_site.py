"""The course website (make site) in Chromium: every page loads with no console error and no
failed request (the browser is offline: anything fetched from elsewhere fails), every image
loads and has alt text, every internal link resolves, search finds "reparameterization",
axe-core finds no serious or critical accessibility violation on any page, and no page holds a
reference answer. make test-browser builds the site first (quick profile, cached)."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

import nbformat
import pytest
from test_student_answers import solution_blocks

from course_answers import ASSIGNMENTS

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / f"site-{os.environ.get('COURSE_PROFILE', 'full')}" / "html"
PAGES = sorted(p.name for p in SITE.glob("*.html")) if SITE.exists() else []


@pytest.fixture(scope="module")
def server():
    if not (SITE / "index.html").exists():
        pytest.fail(f"no website in {SITE}: run make site COURSE_PROFILE={os.environ.get('COURSE_PROFILE', 'full')}")
    sys.path.insert(0, str(Path(__file__).parent))
    from servers import free_port, stop, wait_for
    port = free_port()
    log = SITE.parent / "http.log"
    proc = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"], cwd=SITE,
                            stdout=log.open("w"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    wait_for(url + "index.html", 30, proc, log)
    yield url
    stop(proc)


@pytest.fixture(scope="module")
def page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route(re.compile(r"^(?!http://127\.0\.0\.1).*"), lambda route: route.abort())   # offline, like a learner's cache
    p = context.new_page()
    yield p
    context.close()




def test_every_page_loads_with_its_images_links_and_no_serious_accessibility_violation(page, server, shots):
    from axe_playwright_python.sync_playwright import Axe
    assert {f"{a}.html" for a in ASSIGNMENTS} | {"index.html", "glossary.html", "essays.html", "instructors.html",
                                                  "00_setup.html", "09_quiz.html", "10_self_quiz.html"} <= set(PAGES)
    axe, report, failures, problems = Axe(), {}, [], []
    page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    for name in PAGES:
        problems.clear()
        page.goto(server + name, wait_until="networkidle")
        page.wait_for_timeout(500)   # MathJax typesets after load
        images = page.eval_on_selector_all("img", "els => els.map(e => [e.getAttribute('src'), e.naturalWidth, e.alt])")
        problems += [f"broken image {src}" for src, width, _ in images if not width]
        problems += [f"image without alt text {src}" for src, _, alt in images if not (alt or "").strip()]
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
            target = urlparse(href)
            if target.scheme or href.startswith("mailto:"):
                continue
            path = SITE / unquote(target.path) if target.path else SITE / name
            if not path.exists():
                problems.append(f"link to a missing page: {href}")
            elif target.fragment and path.suffix == ".html" and f'id="{target.fragment}"' not in path.read_text():
                problems.append(f"link to a missing anchor: {href}")
        failures += [f"{name}: {p}" for p in problems]
        violations = axe.run(page).response["violations"]
        counts = {impact: sum(len(v["nodes"]) for v in violations if v["impact"] == impact)
                  for impact in ("critical", "serious", "moderate", "minor")}
        report[name] = {"images": len(images), "axe": counts,
                        "rules": sorted({f"{v['id']} ({v['impact']})" for v in violations})}
        failures += [f"{name}: axe {v['impact']}: {v['id']} ({len(v['nodes'])}x) {v['help']}" for v in violations
                     if v["impact"] in ("serious", "critical")]   # (axe fetches the style sheets again, by rules of its own)
    Path(shots, "site_report.json").write_text(json.dumps(report, indent=1))
    assert not failures, "\n".join(failures[:40])


def test_search_finds_reparameterization(page, server):
    page.goto(server + "search.html?q=reparameterization", wait_until="networkidle")
    page.wait_for_selector("#search-results li a", timeout=15_000)
    found = page.eval_on_selector_all("#search-results li a", "els => els.map(e => e.getAttribute('href'))")
    assert any(href.startswith("02_variational_autoencoders.html") for href in found), found


def test_a_notebook_page_shows_figures_and_blank_exercises_never_an_answer(page, server, shots):
    page.goto(server + "02_variational_autoencoders.html", wait_until="networkidle")
    page.wait_for_timeout(1000)
    page.screenshot(path=str(Path(shots, "site_02_variational_autoencoders.png")), full_page=False)
    text = page.inner_text("main")
    assert "raise NotImplementedError" in text and "Open in Colab" in text
    for assignment in [*ASSIGNMENTS, "09_quiz"]:
        html = (SITE / f"{assignment}.html").read_text()
        release = "\n".join(c.source for c in nbformat.read(ROOT / "notebooks" / assignment / f"{assignment}.ipynb",
                                                              as_version=4).cells)
        shown = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)).replace("&quot;", '"').replace("&#39;", "'")
        for block in solution_blocks(assignment):
            for line in block.splitlines():
                line = line.strip()
                if len(line) >= 12 and not line.startswith("#") and line not in release:
                    assert re.sub(r"\s+", " ", line) not in shown, f"{assignment}'s page shows an answer: {line}"
