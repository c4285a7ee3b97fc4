"""Verdicts computed outside the student's process: a *probe* runs in the sandbox and only reports data; the
*judge* (this trusted process, which never runs student code) compares that data with what it keeps secret.

A graded cell is judged when its hidden tests only compare answers with values
(``assert answer_mc01 == "d", "not the right option"``: the quiz). In every copy of the notebook that a kernel
runs, the hidden block is replaced by a probe that prints the answers it names (``repr``, one line each); the
expected values never enter the sandbox. Afterwards the judge gives the cell its outputs: the cell's own
(visible checks, prints) less the probe's lines, and, if an answer is missing, malformed or wrong, the hidden
test's own error (its message is the hint). nbgrader scores the cell from those outputs as ever.

Forging a probe's report means printing the right answer, which is answering. Clearing the cell's outputs
loses the points. Cells whose hidden tests call the student's code still run them in the sandbox."""
from __future__ import annotations

import ast
import re

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.utils import is_grade

from .course import HIDDEN_RE

CHECK = re.compile(r"""^assert\s+(\w+)\s*==\s*("[^"\n]*"|'[^'\n]*'|-?\d+(?:\.\d+)?)\s*(?:,\s*("[^"\n]*"|'[^'\n]*'))?\s*$""")
MARK = "[answer recorded for grading] "


def checks(source: str) -> list[tuple[str, object, str]] | None:
    """(name, expected value, message) of each line of the cell's hidden block, if every line is such a
    comparison; None otherwise (not a judged cell)."""
    blocks = HIDDEN_RE.findall(source)
    if len(blocks) != 1:
        return None
    lines = [line.strip() for line in blocks[0].splitlines() if line.strip() and not line.strip().startswith("#")]
    found = [CHECK.match(line) for line in lines]
    if not lines or not all(found):
        return None
    return [(m.group(1), ast.literal_eval(m.group(2)), ast.literal_eval(m.group(3)) if m.group(3) else "wrong answer")
            for m in found]


def probe(source: str) -> str:
    """The cell as kernels run it: the hidden block replaced by lines that print the answers it names."""
    names = [name for name, _, _ in checks(source)]
    report = "".join(f"print({MARK!r} + repr({name})[:200])\n" for name in names)
    return HIDDEN_RE.sub(lambda m: report, source, count=1)


def judged(cell) -> bool:
    return cell.cell_type == "code" and is_grade(cell) and checks(cell.source) is not None


def verdict(source: str, outputs: list) -> list:
    """The outputs the cell is scored from: its own, less the probe's lines, plus the hidden test's error
    when an answer was not recorded, recorded more than once, or differs from the key."""
    recorded, kept = [], []
    for out in outputs:
        if out.get("output_type") == "stream":
            lines = out.get("text", "").splitlines(keepends=True)
            recorded += [line[len(MARK):].rstrip("\n") for line in lines if line.startswith(MARK)]
            text = "".join(line for line in lines if not line.startswith(MARK))
            if text:
                kept.append(nbformat.from_dict({**out, "text": text}))
        else:
            kept.append(out)
    if any(out.get("output_type") == "error" for out in kept):
        return kept   # the cell's visible checks failed: their error is the feedback
    expected = checks(source)
    problem = None
    if len(recorded) != len(expected):
        problem = "the answer was not recorded: run the cell as it was given, after setting the answer"
    else:
        for (_, value, message), got in zip(expected, recorded):
            try:
                answer = ast.literal_eval(got)
            except (ValueError, SyntaxError):
                answer = object()
            if type(answer) is not type(value) or answer != value:
                problem = message
                break
    if problem:
        kept.append(nbformat.v4.new_output("error", ename="AssertionError", evalue=problem,
                                           traceback=[f"AssertionError: {problem}"]))
    return kept


PROBE = re.compile(r'^from course_lib\.teaching\.probes import report\s*\nreport\("(\w+)", "(\w+)", globals\(\)\)\s*$')
PROBE_BYTES = 4 * 1024 ** 2   # the most a probe's report may hold


def probe_of(source: str) -> tuple[str, str] | None:
    """(notebook, cell) of a graded cell whose hidden block is a probe's report; None otherwise."""
    blocks = HIDDEN_RE.findall(source)
    match = PROBE.match(blocks[0].strip()) if len(blocks) == 1 else None
    return (match.group(1), match.group(2)) if match else None


def _plain(value, depth: int = 0) -> bool:
    """Only what a probe records, and no more of it than the bytes that carried it: dense tensors (a view that
    repeats one number a billion times would fill the grader's memory), numbers, strings, short containers."""
    import torch

    if depth > 4:
        return False
    if isinstance(value, torch.Tensor):
        dense = value.untyped_storage().nbytes() >= value.numel() * value.element_size()
        return dense and value.numel() <= 2_000_000 and not value.is_sparse
    if isinstance(value, dict):
        return len(value) <= 1000 and all(isinstance(k, str) and _plain(v, depth + 1) for k, v in value.items())
    if isinstance(value, list | tuple):
        return len(value) <= 10_000 and all(_plain(v, depth + 1) for v in value)
    return value is None or isinstance(value, bool | int | float | str) and len(str(value)) <= 10_000


def probe_verdict(source: str, outputs: list) -> list:
    """A probe cell's outputs: its own less the data line, plus the judge's first problem as the error."""
    import base64
    import io

    import torch

    from course_lib.teaching.probes import MARK as DATA

    from .judges import judge

    notebook, cell = probe_of(source)
    lines, kept = [], []
    for out in outputs:
        if out.get("output_type") == "stream":
            text = out.get("text", "").splitlines(keepends=True)
            lines += [line[len(DATA):].strip() for line in text if line.startswith(DATA)]
            rest = "".join(line for line in text if not line.startswith(DATA))
            if rest:
                kept.append(nbformat.from_dict({**out, "text": rest}))
        else:
            kept.append(out)
    if any(out.get("output_type") == "error" for out in kept):
        return kept
    problems = ["your answer's outputs were not recorded: run the cell as it was given"] if len(lines) != 1 else []
    if not problems:
        try:
            raw = base64.b64decode(lines[0][:PROBE_BYTES * 2], validate=True)
            data = torch.load(io.BytesIO(raw), weights_only=True) if len(raw) <= PROBE_BYTES else None
        except Exception:  # noqa: BLE001 -- anything the student printed
            data = None
        problems = judge(notebook, cell, data) if isinstance(data, dict) and _plain(data) else \
            ["your answer's recorded outputs could not be read: run the cell as it was given"]
    for problem in problems[:1]:
        kept.append(nbformat.v4.new_output("error", ename="AssertionError", evalue=problem,
                                           traceback=[f"AssertionError: {problem}"]))
    return kept


class StripSecrets(NbGraderPreprocessor):
    """Before a kernel runs the notebook: each judged cell's hidden block becomes its probe (the full
    source is kept in ``resources``, never in the notebook)."""

    def preprocess(self, nb, resources):
        kept = resources.setdefault("judged_sources", {})
        for i, cell in enumerate(nb.cells):
            if judged(cell):
                kept[i] = cell.source
                cell.source = probe(cell.source)
        return nb, resources


def exercise_of(grade_id: str) -> str:
    """The exercise a test cell belongs to, from its grade id (``ex1_visible``, ``ex1_hidden`` -> ``ex1``), never
    from where the student put it."""
    return grade_id.split("_")[0]


class Judge(NbGraderPreprocessor):
    """After the kernel: each judged cell gets its full source back and the judge's outputs; the other test
    cells of an exercise whose judged cell failed fail with it."""

    def preprocess(self, nb, resources):
        kept = resources.get("judged_sources", {})
        judged_here, others = {}, {}
        for i, cell in enumerate(nb.cells):
            source = kept.get(i, cell.source)
            if cell.cell_type != "code" or not is_grade(cell):
                continue
            exercise = exercise_of(cell.metadata["nbgrader"]["grade_id"])   # by name: a moved cell stays in it
            if checks(source) is not None:
                cell.source = source
                cell.outputs = verdict(source, cell.get("outputs", []))
            elif probe_of(source):
                cell.outputs = probe_verdict(source, cell.get("outputs", []))
            else:
                others.setdefault(exercise, []).append(cell)
                continue
            judged_here.setdefault(exercise, []).append(cell)
        # A visible test's point needs the judge's yes too: outputs the student's code cleared or wrote prove nothing.
        for name, cells in judged_here.items():
            failed = [o for c in cells for o in c.outputs if o.get("output_type") == "error"]
            for cell in others.get(name, []) if failed else []:
                if not any(o.get("output_type") == "error" for o in cell.outputs):
                    problem = f"this exercise did not pass its graded checks: {failed[0].get('evalue', '')}"
                    cell.outputs.append(nbformat.v4.new_output("error", ename="AssertionError", evalue=problem,
                                                               traceback=[f"AssertionError: {problem}"]))
        return nb, resources


def for_the_sandbox(nb):
    """A copy of ``nb`` as the sandbox may see it (judged cells as probes)."""
    nb = nbformat.from_dict(nb)
    for cell in nb.cells:
        if judged(cell):
            cell.source = probe(cell.source)
    return nb


def autograde_preprocessors(execute) -> list:
    """nbgrader's autograde steps, with ``execute`` (its Execute or the sandbox's) between the probe and the judge."""
    from nbgrader.converters.autograde import Autograde
    from nbgrader.preprocessors import Execute

    steps = Autograde.class_traits()["autograde_preprocessors"].default()
    at = steps.index(Execute)
    return steps[:at] + [StripSecrets, execute, Judge] + steps[at + 1:]
