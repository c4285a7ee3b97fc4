"""Probes of 04 · GAN basics (the grader's comparisons: grading/judges/nb04.py)."""
import torch

from ..harnesses import PointGenerator
from . import grad_of, probe

NB04 = "04_gan_basics"


def _number(value) -> torch.Tensor:
    """What a loss function returned, as a tensor (a Python number too), without its graph."""
    return value.detach().clone() if isinstance(value, torch.Tensor) else torch.tensor(float(value))


def _returned(got) -> dict:
    """The dictionary gan_step returned: its keys, each value as a float."""
    return {str(key): float(value) for key, value in dict(got).items()}


@probe(NB04, "ex1_hidden")
def _discriminator_loss(ns):
    loss = ns["discriminator_loss"]
    sure = torch.full((4, 1), 20.0)
    g = torch.Generator().manual_seed(20)
    a, b = torch.randn(7, 1, generator=g).requires_grad_(), torch.randn(9, 1, generator=g)
    got = loss(a, b)
    if isinstance(got, torch.Tensor) and got.requires_grad:
        got.sum().backward()
    return {"wrong_way": _number(loss(-sure, sure)), "random": _number(got), "grad_real": grad_of(a)}


@probe(NB04, "ex2_hidden")
def _generator_loss(ns):
    loss = ns["generator_loss"]
    logits = torch.randn(11, 1, generator=torch.Generator().manual_seed(21)) - 3
    losing = torch.full((4, 1), -8.0, requires_grad=True)   # D(G(z)) = 0.0003: D spots every fake
    got = loss(losing)
    if isinstance(got, torch.Tensor) and got.requires_grad:
        got.sum().backward()
    return {"random": _number(loss(logits)), "losing": _number(got), "grad_losing": grad_of(losing)}


@probe(NB04, "ex3_hidden")
def _gan_step(ns):
    from course_lib.core import toy2d
    from course_lib.models import gan

    step, out = ns["gan_step"], {}
    # three SGD rounds against a one-point generator: what each returns, D's weights and G's point after each
    torch.manual_seed(23)
    D, G, real = gan.mlp(2, 1, 8, layers=2), PointGenerator(), toy2d.grid(16, seed=4)
    opt_G, opt_D = torch.optim.SGD(G.parameters(), 0.05), torch.optim.SGD(D.parameters(), 0.05)
    calls = []
    G.p.register_hook(lambda g: calls.append(1))
    for r in range(1, 4):
        out[f"returned@{r}"] = _returned(step(G, D, real, opt_G, opt_D, 5))
        out[f"G@{r}"] = G.p.detach().clone()
        out.update({f"D:{name}@{r}": p.detach().clone() for name, p in D.named_parameters()})
    out["G_gradients"] = len(calls)   # how many times a gradient reached G's point
    # three Adam rounds of MLPs: every weight before and after, and what the last round returned
    torch.manual_seed(25)
    G1, D1 = gan.mlp(3, 2, 16), gan.mlp(2, 1, 16)
    oG1, oD1 = torch.optim.Adam(G1.parameters(), 1e-2), torch.optim.Adam(D1.parameters(), 1e-2)
    nets = {"G": G1, "D": D1}
    for name, m in nets.items():
        out.update({f"before:{name}:{k}": p.detach().clone() for k, p in m.named_parameters()})
    for _ in range(3):
        got = step(G1, D1, toy2d.ring(32, seed=5), oG1, oD1, 3)
    for name, m in nets.items():
        out.update({f"after:{name}:{k}": p.detach().clone() for k, p in m.named_parameters()})
    out["adam_returned"] = _returned(got)
    return out
