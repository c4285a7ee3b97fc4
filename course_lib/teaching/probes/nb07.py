"""Probes of 07 · StyleGAN (the grader's comparisons: grading/judges/nb07.py)."""
import torch

from . import probe

NB07 = "07_stylegan"


def _raw(value):
    """What a function returned, as data: a tensor (detached), a number, or the name of its type."""
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().clone()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return f"a {type(value).__name__}"


@probe(NB07, "ex1_hidden")
def _adain(ns):
    adain = ns["adain"]
    torch.manual_seed(71)
    x = torch.randn(3, 4, 4, 4) * torch.tensor([0.5, 1.0, 10.0, 3.0])[None, :, None, None] - 7
    scale, bias = torch.rand(3, 4) + 0.5, torch.randn(3, 4)
    return {"scale": scale, "bias": bias,
            "out": _raw(adain(x, scale, bias)),
            "one": _raw(adain(x[:1], scale[:1], bias[:1])),          # the first image alone
            "rescaled": _raw(adain(x * 3 + 1, scale, bias))}         # the input rescaled and shifted


@probe(NB07, "ex2_hidden")
def _add_noise(ns):
    add_noise = ns["add_noise"]
    torch.manual_seed(72)
    x, strength = torch.randn(5, 4, 6, 6), torch.tensor([0.5, -1.0, 2.0, 3.0])
    noise = torch.randn(5, 1, 6, 6)
    out = {"x": x, "strength": strength, "noise": noise,
           "given": _raw(add_noise(x, strength, noise)),
           "fresh_a": _raw(add_noise(x, strength)),
           "fresh_b": _raw(add_noise(x, strength))}
    many = add_noise(torch.zeros(32, 2, 16, 16), torch.ones(2))   # 8,192 draws of the fresh noise (channel 0)
    out["many"] = _raw(many[:, 0] if isinstance(many, torch.Tensor) and many.dim() == 4 else many)
    return out


@probe(NB07, "ex3_hidden")
def _truncate(ns):
    truncate = ns["truncate"]
    torch.manual_seed(73)
    w, w_avg = torch.randn(6, 5), torch.randn(5)
    out = {"w": w, "w_avg": w_avg}
    for psi in (0.25, 0.5, 0.7, 1.5):
        out[f"psi={psi}"] = _raw(truncate(w, w_avg, psi))
    return out


@probe(NB07, "ex4_hidden")
def _mix_styles(ns):
    mix_styles = ns["mix_styles"]
    torch.manual_seed(74)
    w1, w2 = torch.randn(4, 6), torch.randn(4, 6)
    out = {"w1": w1, "w2": w2}
    for k in (0, 1, 3, 7):
        out[f"crossover={k}"] = _raw(mix_styles(w1, w2, k, 7))
    return out
