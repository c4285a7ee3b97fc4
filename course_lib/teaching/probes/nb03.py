"""Probes of 03 · VAE applications (the grader's comparisons: grading/judges/nb03.py)."""
import math

import torch

from . import probe

NB03 = "03_vae_applications"
FPRS = (0.01, 0.05, 0.3)


def _rand03(seed: int, *shape, normal: bool = False) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=g) if normal else torch.rand(*shape, generator=g)


def _tensor(value):
    return value.detach().clone() if isinstance(value, torch.Tensor) else None


def vae03(seed: int, hidden: int):
    """A small MLP VAE with weights drawn from ``seed`` (latent dimension 3)."""
    from course_lib.models.vae import VAE

    torch.manual_seed(seed)
    return VAE(latent_dim=3, arch="mlp", hidden=hidden)


def ex1_inputs() -> dict:
    """ex1's images: for the point-cloud VAE, and for the random VAE."""
    return {"pinned": _rand03(311, 7, 1, 28, 28), "mc": _rand03(321, 4, 1, 28, 28)}


@probe(NB03, "ex1_hidden")
def _anomaly_score(ns):
    from course_lib.teaching.checks import PointVAE  # clouds that are points (z = mu), with a known KL

    score, inputs, out = ns["anomaly_score"], ex1_inputs(), {}
    pinned = PointVAE(seed=31)
    for k in (1, 5):
        torch.manual_seed(30 + k)
        out[f"pinned@{k}"] = _tensor(score(pinned, inputs["pinned"], k=k))
    model = vae03(32, hidden=16)
    torch.manual_seed(34)
    out["mc@300"] = _tensor(score(model, inputs["mc"], k=300))
    return out


def ex2_scores() -> torch.Tensor:
    return _rand03(35, 20_000, normal=True) * 3 + 50


@probe(NB03, "ex2_hidden")
def _threshold(ns):
    out = {"types": [], "thresholds": []}
    for scores, fpr in [(ex2_scores(), fpr) for fpr in FPRS] + [(torch.tensor([1.0, 2.0, 3.0, 4.0, 5.0]), 0.25)]:
        t = ns["threshold_at_fpr"](scores, fpr)
        out["types"].append(type(t).__name__ if not isinstance(t, float) else "float")
        try:
            out["thresholds"].append(float(t))
        except (TypeError, ValueError, RuntimeError):
            out["thresholds"].append(math.nan)
    out["thresholds"] = torch.tensor(out["thresholds"], dtype=torch.float64)
    return out


def ex3_inputs() -> dict:
    return {"x": _rand03(371, 4, 1, 28, 28), "observed": _rand03(372, 4, 1, 28, 28) > 0.3}


@probe(NB03, "ex3_hidden")
def _impute(ns):
    model, inputs = vae03(37, hidden=32), ex3_inputs()
    return {f"steps={steps}": _tensor(ns["impute"](model, inputs["x"], inputs["observed"], steps=steps))
            for steps in range(6)}


def ex4_start() -> torch.Tensor:
    return _rand03(38, 6, 3, normal=True)


CENTER = (1.0, 2.0, -1.0)


@probe(NB03, "ex4_hidden")
def _latent_ascent(ns):
    center = torch.tensor(CENTER)
    path = ns["latent_ascent"](ex4_start(), lambda z: -((z - center) ** 2).sum(dim=1), lr=0.1, steps=10)
    return {"path": _tensor(path), "requires_grad": bool(getattr(path, "requires_grad", False))}
