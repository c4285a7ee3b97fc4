"""nbgrader preprocessors for the trusted phases: repair before sanitizing (phase 1) and
load the sandbox's outputs in place of executing (phase 3). Everything else is nbgrader's own
code, so the gradebook, Formgrader, feedback and export work as before."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import jinja2
import nbformat
from nbconvert.preprocessors import Preprocessor
from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.utils import is_grade
from traitlets import Unicode

from course_lib.core import settings

from .course import nbgrader_meta as _meta
from .judge import for_the_sandbox
from .sandbox import NOT_RUN

# (student, notebook) -> what RepairCells changed, for the grading report
REPAIRS: dict[tuple[str, str], list[str]] = {}


class RepairCells(NbGraderPreprocessor):
    """Undo careless edits nbgrader would punish: a cell whose nbgrader metadata was edited gets
    the release's metadata back (matched by the cell's id), and a pasted copy of a graded cell
    becomes an ordinary cell (nbgrader would otherwise keep the *last* copy or stop). Deleted
    test cells come back through OverwriteCells.add_missing_cells."""

    release_dir = Unicode("", help="the course's release folder").tag(config=True)

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        path = Path(self.release_dir) / info["assignment"] / f"{info['notebook']}.ipynb"
        release = nbformat.read(path, as_version=4)
        by_id = {c.get("id"): c for c in release.cells if _meta(c)}
        changes, canonical = [], set()
        for cell in nb.cells:   # cells the release knows by id: their metadata is the release's
            source = by_id.get(cell.get("id"))
            if source is not None and _meta(source)["grade_id"] not in canonical:
                canonical.add(_meta(source)["grade_id"])
                cell.canonical = True
                if _meta(cell) != _meta(source):
                    changes.append(f"metadata of {_meta(source)['grade_id']} restored")
                    cell.metadata["nbgrader"] = copy.deepcopy(_meta(source))
        seen = set()
        for cell in nb.cells:   # any other copy of a known graded cell: an ordinary cell
            grade_id = _meta(cell).get("grade_id")
            if grade_id and not cell.pop("canonical", False):
                if grade_id in canonical or grade_id in seen:
                    changes.append(f"extra copy of {grade_id} made an ordinary cell")
                    cell.metadata.pop("nbgrader")
                seen.add(grade_id)
        REPAIRS[(info["student"], info["notebook"])] = changes
        return nb, resources


def take_outputs(cell, done) -> None:
    """``cell`` gets the outputs the sandbox recorded for it; in a grade cell a warning shows as output
    (nbgrader scores any stderr 0, and a warning is not a failed test)."""
    cell.outputs, cell.execution_count = done.outputs, done.execution_count
    if is_grade(cell):
        for out in cell.outputs:
            if out.output_type == "stream" and out.name == "stderr":
                out.name, out.text = "stdout", "[stderr] " + out.text


class LoadSandboxOutputs(NbGraderPreprocessor):
    """Stands where nbgrader's Execute stood: copies the outputs the sandbox computed for this
    very notebook, after checking that every code cell's source is the one that was run. Grade
    cells with nothing recorded get an error, so a cell that never ran never passes (a result with
    no notebook gives every code cell its reason: a file recorded as 0)."""

    results_dir = Unicode("", help="where phase 2 left {student}/{notebook}.json").tag(config=True)

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        path = Path(self.results_dir) / info["student"] / f"{info['notebook']}.json"
        result = json.loads(path.read_text()) if path.exists() else {"reason": "not graded: no result"}
        ran = nbformat.reads(result["notebook"], as_version=4) if "notebook" in result else None
        problem = "" if ran else result["reason"]
        if ran and [c.source for c in ran.cells if c.cell_type == "code"] != \
                [c.source for c in for_the_sandbox(nb).cells if c.cell_type == "code"]:
            problem = "not graded: the executed notebook does not match the sanitized one"
        own = result.get("own_outputs", {})   # the student's outputs of the cells not re-run
        for i, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            if problem:
                cell.outputs = [nbformat.v4.new_output("error", ename=NOT_RUN, evalue=problem,
                                                       traceback=[f"{NOT_RUN}: {problem}"])]
                continue
            done = ran.cells[i]
            if result.get("run_cells") is not None and i not in result["run_cells"]:
                cell.outputs = [nbformat.from_dict(o) for o in own.get(cell.get("id"), [])]
                continue
            take_outputs(cell, done)
        return nb, resources


class SandboxedExecute(NbGraderPreprocessor):
    """nbgrader's Execute, run in the sandbox instead (``nbgrader_config.py`` puts it in Execute's
    place): the Formgrader's Autograde button and plain ``nbgrader autograde`` then run student
    code as ``make grade`` does, one notebook at a time, with the same limits. (``make grade`` adds
    parallel workers, the flags and the report.)"""

    def preprocess(self, nb, resources):
        from .sandbox import Limits, execute

        folder = Path(resources.get("metadata", {}).get("path") or ".")
        name = f"{resources['nbgrader']['notebook']}.ipynb"
        files = {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*")
                 if p.is_file() and not p.is_symlink() and p.suffix != ".ipynb"}
        # COURSE_PROFILE, default quick here, as make grade: grades need no long training
        result = execute(nbformat.writes(nb), files, name, Limits(),
                         profile=settings.get("COURSE_PROFILE", reader=settings.GRADING))
        ran = nbformat.reads(result["notebook"], as_version=4)
        for cell, done in zip(nb.cells, ran.cells):
            if cell.cell_type == "code":
                take_outputs(cell, done)
        if result["status"] != "ok":
            self.log.warning("%s: %s", name, result["reason"])
        return nb, resources


class SanitizeSubmission(Preprocessor):
    """Every teacher view of a submission (the Formgrader, feedback) shows what a student wrote or printed as
    text, never as code, before nbconvert's templates turn it into a page (with ``safe_markdown2html``):

    * a markdown cell that is not a locked cell of the release, unchanged (nbgrader's own test of "locked",
      which a solution cell never is, and the checksum the release gave it): ``<`` and ``&`` become
      entities, so no tag can start, and the markdown itself (emphasis, lists, math) still renders;
    * an output keeps only what cannot run in a page (plain text, PNG, JPEG, GIF) and, of its metadata, only
      whole-number widths and heights; HTML, markdown, SVG, JavaScript, LaTeX and widget views become plain
      text when the output has none;
    * the notebook's widget state, which the page would embed in a script tag, is dropped.

    nbconvert's own ``sanitize_html`` is not used: its allowlist has no paragraphs or headings, so every
    page would show its markdown as tags, and the Formgrader's template skips it for markdown cells."""

    SAFE = ("text/plain", "image/png", "image/jpeg", "image/gif")

    def preprocess(self, nb, resources):
        nb.metadata.pop("widgets", None)
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        from nbgrader.utils import compute_checksum, is_locked

        release = is_locked(cell) and _meta(cell).get("checksum") == compute_checksum(cell)
        if cell.cell_type == "markdown" and not release:
            cell.source = cell.source.replace("&", "&amp;").replace("<", "&lt;")
        for output in cell.get("outputs", []):
            data = output.get("data")
            if data:
                unsafe = [key for key in data if key not in self.SAFE]
                if unsafe and "text/plain" not in data:
                    text = data[unsafe[0]]
                    data["text/plain"] = text if isinstance(text, str) else json.dumps(text)
                for key in unsafe:
                    del data[key]
            if "metadata" in output:
                output["metadata"] = _sizes(output["metadata"])
        return cell, resources


def _sizes(metadata: dict) -> dict:
    """Of an output's metadata, the whole-number widths and heights (the page writes them unquoted)."""
    keep = {k: v for k, v in metadata.items() if k in ("width", "height") and type(v) is int}
    for mime in SanitizeSubmission.SAFE:
        if isinstance(metadata.get(mime), dict):
            keep[mime] = _sizes(metadata[mime])
    return keep


@jinja2.pass_context
def safe_markdown2html(context, source):
    """nbconvert's markdown filter with links and images limited to harmless protocols (its own allows
    ``javascript:`` and ``data:text/html`` links): a teacher who clicks a student's link runs nothing."""
    from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

    renderer = IPythonRenderer(escape=False, allow_harmful_protocols=False,
                               attachments=context.get("cell", {}).get("attachments", {}),
                               path=context.get("resources", {}).get("metadata", {}).get("path", ""))
    return MarkdownWithMath(renderer=renderer).render(source)
