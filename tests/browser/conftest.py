"""Real Chromium (Debian's, through Playwright's executable_path: Playwright's own browser
downloads are not used) against real JupyterLab and JupyterHub servers."""
import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM:
        pytest.fail("no chromium: apt-get install chromium (or set CHROMIUM=/path/to/chrome)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture(scope="session")
def shots(tmp_path_factory):
    """Screenshots land here (BROWSER_SHOTS to keep them)."""
    folder = os.environ.get("BROWSER_SHOTS")
    if folder:
        os.makedirs(folder, exist_ok=True)
        return folder
    return str(tmp_path_factory.mktemp("shots"))
