"""Probes of 08 · The virtual wardrobe (the grader's comparisons: grading/judges/nb08.py)."""
import torch
from torch import nn

from . import probe

NB08 = "08_virtual_wardrobe"


def _out(value):
    """A returned tensor as data (anything else as its type's name: the judge says what was expected)."""
    return value.detach().clone() if isinstance(value, torch.Tensor) else type(value).__name__


@probe(NB08, "ex1_hidden")
def _conditioned_input(ns):
    join, g, out = ns["conditioned_input"], torch.Generator().manual_seed(81), {}
    for n, d, k, s in [(7, 4, 5, 2), (1, 1, 3, 0), (5, 8, 10, 3)]:
        z, labels, sizes = torch.randn(n, d, generator=g), torch.randint(k, (n,), generator=g), torch.rand(n, s, generator=g)
        out[f"h:{n},{d},{k},{s}"] = _out(join(z, labels, sizes, k))
    z = torch.randn(3, 2, dtype=torch.float64, generator=g)
    h = join(z, torch.tensor([2, 1, 0]), torch.rand(3, 1, dtype=torch.float64, generator=g), 3)
    out["float64"] = _out(h)
    out["float64_dtype"] = str(h.dtype) if isinstance(h, torch.Tensor) else type(h).__name__
    z, labels, sizes = torch.randn(3, 2, generator=g), torch.tensor([2, 1, 0]), torch.rand(3, 2, generator=g)
    join(z, labels, sizes, 4)
    out.update({"z_after": z.clone(), "labels_after": labels.clone(), "sizes_after": sizes.clone()})
    return out


def _heads(f: int, k: int, g: torch.Generator, zero_psi: bool = False):
    psi, embed = nn.Linear(f, 1), nn.Embedding(k, f)
    with torch.no_grad():
        psi.weight.copy_(torch.zeros(1, f) if zero_psi else torch.randn(1, f, generator=g) / f ** 0.5)
        psi.bias.copy_(torch.zeros(1) if zero_psi else torch.randn(1, generator=g))
        embed.weight.copy_(torch.randn(k, f, generator=g))
    return psi, embed


@probe(NB08, "ex2_hidden")
def _projection_logit(ns):
    head, g, out = ns["projection_logit"], torch.Generator().manual_seed(82), {}
    for n, f, k in [(5, 8, 10), (1, 4, 3), (9, 16, 5)]:
        psi, embed = _heads(f, k, g)
        phi, labels = torch.randn(n, f, generator=g), torch.randint(k, (n,), generator=g)
        out[f"logit:{n},{f},{k}"] = _out(head(phi, labels, psi, embed))
    # the label term alone: with psi = 0, d(x, y) = embed(y) . phi
    psi, embed = _heads(4, 3, g, zero_psi=True)
    phi = torch.randn(6, 4, generator=g)
    out["label_term"] = _out(head(phi, torch.tensor([0, 1, 2, 2, 1, 0]), psi, embed))
    return out


@probe(NB08, "ex3_hidden")
def _adain_transfer(ns):
    transfer, g, out = ns["adain_transfer"], torch.Generator().manual_seed(84), {}
    for shape_c, shape_s in [((4, 2, 3, 3), (4, 2, 7, 2)), ((1, 5, 6, 6), (1, 5, 6, 6))]:
        c, s = torch.randn(shape_c, generator=g) * 3 - 1, torch.rand(shape_s, generator=g) * 4
        out[f"out:{shape_c}"] = _out(transfer(c, s))
    # a content that is already in the style's statistics passes (almost) unchanged
    s = torch.randn(2, 3, 4, 4, generator=g)
    out["same"] = _out(transfer(s, s.clone()))
    c, style = torch.randn(2, 3, 4, 4, generator=g), torch.randn(2, 3, 4, 4, generator=g)
    transfer(c, style)
    out.update({"content_after": c.clone(), "style_after": style.clone()})
    return out
