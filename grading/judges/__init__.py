"""The grader's half of each probe (``course_lib.teaching.probes``): the reference answers a probe is run on
here, and the comparisons that give a graded cell its verdict, with the hints the visible tests use. Runs in
the grading process, never in the learner's; imports the teacher's answers."""
from __future__ import annotations

import torch


def close(got, want, what: str, atol=1e-5, rtol=1e-4, hint: str = "") -> str | None:
    if not isinstance(got, torch.Tensor) or not isinstance(want, torch.Tensor):
        return f"{what}: expected a tensor"
    if got.shape != want.shape:
        return f"{what} has shape {tuple(got.shape)}, expected {tuple(want.shape)}" + (f": {hint}" if hint else "")
    if not torch.allclose(got.double(), want.double(), atol=atol, rtol=rtol, equal_nan=False):
        return f"{what} is not right" + (f": {hint}" if hint else "")
    return None


def first(*checks) -> list[str]:
    return [c for c in checks if c][:1]


def answers(notebook: str):
    """The reference namespace of a notebook's probes: its generated answers module (``course_answers``), whose
    names are the solution cells' own."""
    def namespace() -> dict:
        import importlib
        return dict(vars(importlib.import_module(f"course_answers.a{notebook}")))
    return namespace


JUDGES: dict = {}   # (notebook, cell) -> (reference namespace, compare, extra reference data or None)
_REFERENCE: dict = {}


def reference_data(notebook: str, cell: str) -> dict:
    """The probe run on the teacher's answers (once per grading process)."""
    from course_lib.teaching.probes import PROBES

    key = (notebook, cell)
    if key not in _REFERENCE:
        namespace, _, extra = JUDGES[key]
        state = torch.get_rng_state()
        try:
            data = PROBES[key](namespace())
        finally:
            torch.set_rng_state(state)
        _REFERENCE[key] = extra(data) if extra else data
    return _REFERENCE[key]


def judge(notebook: str, cell: str, got: dict) -> list[str]:
    """What is wrong with the learner's probe data (empty: full points)."""
    if "error" in got:
        return [f"your code raised {got['error']}"]
    ref = reference_data(notebook, cell)
    _, compare, _ = JUDGES[(notebook, cell)]
    try:
        return compare(got, ref)
    except Exception as error:  # noqa: BLE001 -- whatever the recorded data does to a comparison
        return [f"the recorded answer could not be checked ({type(error).__name__}: {error})"]


def _load_all() -> None:
    import importlib
    import pkgutil

    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")


_load_all()
