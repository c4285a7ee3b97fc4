"""What a student wrote reaches every teacher view as text, never as code: the Formgrader's page and the
feedback page are nbconvert's HTMLExporter with nbgrader's templates and the course's settings
(nbgrader_config.py). The class-week browser test opens both in Chromium."""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbconvert.exporters import HTMLExporter
from nbgrader.server_extensions.formgrader import handlers
from nbgrader.utils import compute_checksum
from traitlets.config import Config

from grading.steps import SanitizeSubmission, safe_markdown2html

ATTACK = ('My reflection. <img src="x" onerror="window.pwned = 1"> <script>window.pwned = 2</script> '
          '<a href="javascript:window.pwned = 3">link</a>')


def course_config(template: str) -> Config:
    c = Config()
    c.HTMLExporter.preprocessors = [SanitizeSubmission]   # as nbgrader_config.py sets them
    c.HTMLExporter.filters = {"markdown2html": safe_markdown2html}
    c.HTMLExporter.template_name = template        # as the Formgrader sets it
    c.HTMLExporter.extra_template_basedirs = [handlers.template_path]
    c.HTMLExporter.extra_template_paths = [str(Path(handlers.__file__).parent / "static/node_modules/bootstrap/dist/css")]
    return c


def submission() -> nbformat.NotebookNode:
    answer = nbformat.v4.new_markdown_cell(ATTACK, metadata={"nbgrader": {
        "grade": True, "solution": True, "locked": False, "grade_id": "reflection", "points": 1, "schema_version": 3}})
    teacher = nbformat.v4.new_markdown_cell("<details><summary>Hint</summary>a locked cell of the release</details>",
                                            metadata={"nbgrader": {"locked": True, "solution": False, "grade": False,
                                                                   "grade_id": "intro", "schema_version": 3}})
    teacher.metadata.nbgrader["checksum"] = compute_checksum(teacher)   # as the release and autograde leave it
    added = nbformat.v4.new_markdown_cell(
        '<iframe src="javascript:window.pwned = 4"></iframe> a cell the student added\n\n'
        '[a link](javascript:window.pwned=7) and [another][r]\n\n[r]: javascript:window.pwned=8')
    # a solution cell claiming to be locked (nbgrader ignores "locked" on solution cells and keeps it)
    forged = nbformat.v4.new_markdown_cell('<img src="x" onerror="window.pwned = 9"> forged lock', metadata={"nbgrader": {
        "grade": True, "solution": True, "locked": True, "grade_id": "essay", "points": 1, "schema_version": 3}})
    code = nbformat.v4.new_code_cell("display(HTML(...))", outputs=[nbformat.v4.new_output(
        "display_data", data={"text/html": "<b>bold</b><script>window.pwned = 5</script>",
                              "application/javascript": "window.pwned = 6"}),
        nbformat.v4.new_output("display_data", data={"image/png": "x"},   # sizes are written unquoted
                               metadata={"image/png": {"width": "1 onerror=window.pwned=10"}, "height": "1 onload=pwned"})])
    return nbformat.v4.new_notebook(cells=[teacher, answer, added, forged, code])


class Executable(HTMLParser):
    """What a browser would run: scripts, event handlers, javascript: links, frames."""

    def __init__(self):
        super().__init__()
        self.found, self._in_script = [], False

    def handle_starttag(self, tag, attrs):
        self._in_script = tag == "script"
        if tag in ("iframe", "object", "embed"):
            self.found.append(tag)
        for name, value in attrs:   # the student's code (the templates have handlers of their own)
            if "pwned" in (value or "") and (name.startswith("on") or value.strip().lower().startswith("javascript:")):
                self.found.append(f"{tag} {name}={value}")

    def handle_data(self, data):
        if self._in_script and "pwned" in data:
            self.found.append(f"script {data.strip()[:40]}")

    def handle_endtag(self, tag):
        self._in_script = False


# The feedback page's template (nbgrader's "feedback") keeps classic's cells and adds the scores around them:
# classic stands for it here; the class-week browser test opens a real feedback page.
@pytest.mark.parametrize("template", ["formgrade", "classic"])
def test_student_text_is_rendered_as_text(template):
    resources = {"assignment_id": "01", "notebook_id": "01", "submission_id": "x", "index": 0, "total": 1,
                 "base_url": "", "student": "alice", "last_name": "", "first_name": "", "notebook_path": "x"}
    html, _ = HTMLExporter(config=course_config(template)).from_notebook_node(submission(), resources=resources)
    parser = Executable()
    parser.feed(html)
    assert parser.found == [], (template, parser.found)
    assert "<p>My reflection. &lt;img" in html and "a cell the student added" in html   # text, paragraphs intact
    assert "&lt;script&gt;window.pwned = 2" in html   # shown as the text the student typed
    assert "&lt;b&gt;bold&lt;/b&gt;" in html          # an HTML output: its text
    assert "<details>" in html   # the release's own locked cells keep their HTML


def test_without_the_course_settings_the_script_would_run():
    """The attacks are real: without the course's settings each reaches the page."""
    parser = Executable()
    parser.feed(HTMLExporter(template_name="classic").from_notebook_node(submission())[0])
    for attack in ("pwned = 1", "pwned = 2", "pwned=7", "pwned=8", "pwned = 9", "pwned=10"):
        assert any(attack in found for found in parser.found), (attack, parser.found)
