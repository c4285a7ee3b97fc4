"""The judge of 06's probes (course_lib/teaching/probes/nb06.py): the teacher's answers they are run on, and
the comparisons, with the hidden tests' hints."""
import math

import torch

from course_lib.teaching.probes.nb06 import NB06

from . import JUDGES, answers, first


def _number(value, what: str) -> tuple[float | None, str | None]:
    """The recorded return value as a float (a Python number or a one-element tensor, as check_scalar takes)."""
    if isinstance(value, torch.Tensor):
        if value.numel() != 1:
            return None, (f"`{what}` should be one number but is a tensor of shape {tuple(value.shape)}: "
                          "reduce it with .mean() or .sum().")
        value = value.item()
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return None, f"`{what}` should be a number but is {value if isinstance(value, str) else type(value).__name__}."
    if not math.isfinite(value):
        return None, f"`{what}` is {value}."
    return float(value), None


def _near(got, want: float, what: str, atol: float = 1e-5, rtol: float = 1e-4, hint: str = "") -> str | None:
    value, problem = _number(got, what)
    if problem:
        return problem
    if abs(value - want) > atol + rtol * abs(want):
        return f"`{what}` is not right: got {value:.6g}, expected {want:.6g}." + (f" Hint: {hint}" if hint else "")
    return None


def _judge06_ex1(got: dict, ref: dict) -> list[str]:
    checks = [_near(got["diagonal"], ref["diagonal"], "the Frechet distance of two diagonal Gaussians", rtol=2e-3,
                    hint="tr(S_r + S_g - 2 (S_r S_g)^(1/2)) = sum_j (s_rj - s_gj)^2 for diagonal covariances."),
              _near(got["xy"], ref["xy"], "frechet_distance on 12 features", rtol=2e-3)]
    mine, _ = _number(got["xy"], "frechet_distance(x, y)")
    if mine is not None:
        checks.append(_near(got["yx"], mine, "frechet_distance(y, x)", rtol=1e-4))
    checks.append(_near(got["x_2x"], ref["x_2x"], "frechet_distance(x, 2x)", rtol=5e-3))  # 1/N or 1/(N - 1) covariances
    x_after = got["x_after"]
    if not isinstance(x_after, torch.Tensor) or x_after.shape != ref["x_after"].shape or \
            not torch.allclose(x_after.double(), ref["x_after"].double(), atol=1e-5, rtol=1e-5):
        checks.append("frechet_distance should not change its inputs")
    return first(*checks)


def _judge06_ex2(got: dict, ref: dict) -> list[str]:
    checks = []
    for case, want, what in (("same", 1.0, "of a set against itself"), ("far", 0.0, "of far-away samples")):
        for key in ("precision", "recall"):
            checks.append(_near(got[f"{case}:{key}"], want, f"{key} {what}"))
    precision, p_problem = _number(got["collapsed:precision"], "precision of collapsed samples")
    recall, r_problem = _number(got["collapsed:recall"], "recall of collapsed samples")
    checks += [p_problem, r_problem]
    if precision is not None and recall is not None and not (precision > 0.9 and recall < 0.1):
        checks.append(f"collapsed samples: precision high, recall low, got "
                      f"{{'precision': {precision}, 'recall': {recall}}}")
    for k in (1, 5):
        for key in ("precision", "recall"):
            value, problem = _number(got[f"k{k}:{key}"], f"precision_recall(...)['{key}'] with k = {k}")
            if problem:
                checks.append(problem)
                continue
            if not 0.0 <= value <= 1.0:
                checks.append(f"{key} is a share of points: it lies in [0, 1], not {value}")
            checks.append(_near(value, ref[f"k{k}:{key}"], f"{key} with k = {k}", atol=1e-6, rtol=0.0,
                                hint=f"with k = {k}, each radius is the distance to the {k}-th nearest *other* point "
                                     "of the same set."))
    return first(*checks)


JUDGES.update({
    (NB06, "ex1_hidden"): (answers(NB06), _judge06_ex1, None),
    (NB06, "ex2_hidden"): (answers(NB06), _judge06_ex2, None),
})
