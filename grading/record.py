"""The record of the course's numbers: what a full-profile run of each solution notebook printed, kept in
``records/<notebook>.json`` with a hash of the notebook's code, so that every number the text quotes can be
checked against a run (tests/test_numbers.py).

    python -m grading record 05_dcgan ...   run those notebooks in the full profile and write their records
    python -m grading record --check         say which records are stale (their notebook's code changed)

A number is *quoted* when it is written in plain text with a decimal point or a percent sign (0.693, 12%, 1.2e-3):
it must then appear among the printed outputs of a record, or in the notebook's code (a setting such as the
ring's std 0.02). Mathematics, between dollar signs, derives numbers rather than measuring them and is not read.
"""
from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import time
from pathlib import Path

from .course import is_grade, is_solution

PROBE_MARK = "[probe data for grading] "   # course_lib.teaching.probes.MARK (not imported: it pulls in torch)

ROOT = Path(__file__).resolve().parents[1]
RECORDS = ROOT / "records"
NUMBER = re.compile(r"(?<![\w.$\\/])(\d+(?:,\d{3})*\.\d+(?:e-?\d+)?%?|\d+(?:\.\d+)?%)(?![\w])")
MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]*\$", re.S)
CODE_SPAN = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"\]\([^)]*\)|https?://\S+")
REFERENCE = re.compile(r"\b(theorems?|propositions?|lemmas?|sections?|tables?|figures?|eqs?\.?|equations?|algorithm|"
                       r"python|torch|version)\s+\d[\d.]*(\s*(,|and|–|-)\s*\d[\d.]*)*", re.I)


def solution_path(notebook: str) -> Path:
    return ROOT / "solutions" / notebook / f"{notebook}.ipynb"


def code_hash(notebook: str) -> str:
    """The hash of a solution notebook's code cells, in order: outputs, markdown, metadata and the autograded test
    cells left out (they print verdicts, not the numbers a text quotes; a test can change without a new run)."""
    import nbformat
    nb = nbformat.read(solution_path(notebook), as_version=4)
    code = "\n# ---- cell ----\n".join(c.source for c in nb.cells if c.cell_type == "code"
                               and not (is_grade(c) and not is_solution(c)))
    return hashlib.sha256(code.encode()).hexdigest()


def record_path(notebook: str) -> Path:
    return RECORDS / f"{notebook}.json"


def load(notebook: str) -> dict | None:
    path = record_path(notebook)
    return json.loads(path.read_text()) if path.exists() else None


def stale(notebook: str) -> str | None:
    """Why the record of ``notebook`` cannot be trusted (missing, or its code changed since), or None."""
    record = load(notebook)
    if record is None:
        return f"{notebook} has no record: run `python -m grading record {notebook}` (a full-profile run)"
    if record["code_sha256"] != code_hash(notebook):
        return (f"the record of {notebook} is stale, its code changed since the run: "
                f"run `python -m grading record {notebook}` (a full-profile run) and update the text")
    return None


def _printed(cell) -> str:
    texts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            texts.append(out.get("text", ""))
        elif "data" in out and "text/plain" in out["data"]:
            texts.append(out["data"]["text/plain"])
        elif out.get("output_type") == "error":
            texts.append(f"ERROR {out.get('ename')}: {out.get('evalue')}")
    text = "".join(texts)
    lines = (line.rsplit("\r", 1)[-1] for line in text.split("\n"))   # progress bars: the last state
    return "\n".join(line for line in lines if not line.startswith(PROBE_MARK))   # a probe's data: for the judge


def run(notebook: str, timeout: int = 1800) -> tuple[dict, dict]:
    """Execute a solution notebook in the full profile (its own folder, COURSE_DATA as set); return its record and
    the executed notebook."""
    import nbformat
    import torch
    from nbclient import NotebookClient

    path = solution_path(notebook)
    nb = nbformat.read(path, as_version=4)
    digest = code_hash(notebook)
    env = dict(os.environ, COURSE_PROFILE="full")   # the kernel's environment; this process's is left alone
    start = time.time()
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute(env=env)
    cells = [{"cell": i, "printed": _printed(c)} for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    record = {"notebook": notebook, "profile": "full", "code_sha256": digest, "wall_s": round(time.time() - start),
              "machine": f"{platform.machine()}, {os.cpu_count()} CPUs", "torch": torch.__version__,
              "recorded": time.strftime("%Y-%m-%d"), "cells": cells}
    return record, nb


def executed_path(notebook: str) -> Path:
    """Where the recorded run's whole notebook (figures too) is kept on this machine, for the website: a full-profile
    `make site` shows it instead of running the notebook again. Not committed (_build/)."""
    return ROOT / "_build" / "records" / f"{notebook}.ipynb"


def executed(notebook: str):
    """The recorded run's executed notebook, if this machine made it and it is the current record's run; else None."""
    import nbformat
    path = executed_path(notebook)
    if stale(notebook) or not path.exists():   # stale: no record, or not of the current code
        return None
    nb = nbformat.read(path, as_version=4)
    return nb if nb.metadata.get("course_record", {}).get("code_sha256") == code_hash(notebook) else None


def write(notebook: str) -> Path:
    import nbformat
    record, nb = run(notebook)
    RECORDS.mkdir(exist_ok=True)
    path = record_path(notebook)
    path.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n")
    nb.metadata["course_record"] = {k: v for k, v in record.items() if k != "cells"}
    executed_path(notebook).parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, executed_path(notebook))
    return path


# ---- the numbers a text quotes

def prose(markdown: str) -> str:
    """A markdown text without its mathematics, code spans, links and references (Theorem 2.6, Python 3.11): the
    words a reader takes as claims."""
    return REFERENCE.sub(" ", LINK.sub("]", CODE_SPAN.sub(" ", MATH.sub(" ", markdown))))


def quoted_numbers(markdown: str) -> list[str]:
    """The measured-looking numbers of a text: with a decimal point or a percent sign, outside maths and code."""
    return NUMBER.findall(prose(markdown))


def _forms(number: str) -> set[str]:
    bare = number.rstrip("%").replace(",", "")
    return {number, bare, number.replace(",", "")}


def printed_numbers(text: str) -> set[str]:
    """Every number a printed output shows: as written, without thousands separators, and rounded to fewer
    decimals (a text may quote 1.63 as 1.6)."""
    found = set()
    for token in re.findall(r"\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+)?%?", text):
        found |= _forms(token)
        bare = token.rstrip("%").replace(",", "")
        if "e" in bare:   # 1.2e-01 as 0.12
            found.add(f"{float(bare):g}")
        elif "." in bare:
            decimals = len(bare.split(".")[1])
            found |= {f"{float(bare):.{d}f}" for d in range(1, decimals)}
            if token.endswith("%"):   # 61.9% quoted as 62%
                found |= {f"{float(bare):.{d}f}%" for d in range(decimals)}
    return found


def unsupported(markdown: str, printed: set[str], code: str) -> list[str]:
    """The quoted numbers of ``markdown`` that no record printed and the code does not set."""
    in_code = printed_numbers(code)
    return [n for n in quoted_numbers(markdown) if not (_forms(n) & (printed | in_code))]
