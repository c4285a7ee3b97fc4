"""Probes of 06 · VAE vs GAN (the grader's comparisons: grading/judges/nb06.py)."""
import torch

from . import probe

NB06 = "06_vae_vs_gan"


def _raw(value):
    """What a function returned, as data: a tensor (detached), a number, or the name of its type."""
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().clone()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return f"a {type(value).__name__}"


@probe(NB06, "ex1_hidden")
def _frechet(ns):
    frechet_distance = ns["frechet_distance"]
    torch.manual_seed(61)
    # two diagonal Gaussians (standard deviations s_r, s_g), the second shifted by 1 along one axis
    s_r, s_g = torch.tensor([1.0, 2.0, 0.5]), torch.tensor([3.0, 1.0, 0.5])
    a = torch.randn(200_000, 3) * s_r
    b = torch.randn(200_000, 3) * s_g + torch.tensor([0.0, 1.0, 0.0])
    out = {"diagonal": _raw(frechet_distance(a, b))}
    # other sizes, float64 and float32 inputs, both orders, every feature scaled by 2
    x = (torch.randn(700, 12) @ torch.randn(12, 12)).double()
    y = (torch.randn(900, 12) @ torch.randn(12, 12) + 0.3).float()
    out["xy"] = _raw(frechet_distance(x, y))
    out["yx"] = _raw(frechet_distance(y, x))
    out["x_2x"] = _raw(frechet_distance(x, 2 * x))
    out["x_after"] = x.clone()   # the float64 input after the calls
    return out


@probe(NB06, "ex2_hidden")
def _precision_recall(ns):
    precision_recall = ns["precision_recall"]
    torch.manual_seed(63)
    r = torch.randn(400, 6)
    out = {}
    for case, fake in (("same", r.clone()), ("far", r + 100.0)):
        got = precision_recall(r, fake)
        out[f"{case}:precision"], out[f"{case}:recall"] = _raw(got["precision"]), _raw(got["recall"])
    collapsed = r[:1] + 0.01 * torch.randn(300, 6)   # a collapsed generator: every sample near one real point
    got = precision_recall(r, collapsed)
    out["collapsed:precision"], out["collapsed:recall"] = _raw(got["precision"]), _raw(got["recall"])
    for k in (1, 5):
        g = torch.randn(350, 6) * 1.3 + 0.2
        got = precision_recall(r, g, k=k)
        out[f"k{k}:precision"], out[f"k{k}:recall"] = _raw(got["precision"]), _raw(got["recall"])
    return out
