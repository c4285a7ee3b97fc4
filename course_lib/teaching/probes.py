"""Probes: what a graded notebook reports about a learner's functions when it is graded. Each probe calls the
functions on fixed inputs (fixed seeds, models, batches) and returns only data: tensors, numbers, strings.
The grader runs the same probe on its reference answers, outside the learner's Python, and compares (the
comparisons and expected values are the grader's, not here). Nothing in this module is secret: it is the
list of questions, not the answers.

In a notebook's graded cell: ``report("02_variational_autoencoders", "ex1_hidden", globals())``."""
from __future__ import annotations

import base64
import io
import math

import torch

MARK = "[probe data for grading] "
PROBES: dict[tuple[str, str], callable] = {}


def probe(notebook: str, cell: str):
    def register(function):
        PROBES[(notebook, cell)] = function
        return function
    return register


def encode(data: dict) -> str:
    buffer = io.BytesIO()
    torch.save(data, buffer)
    return base64.b64encode(buffer.getvalue()).decode()


def report(notebook: str, cell: str, namespace: dict) -> None:
    """Run the cell's probe on the learner's functions and print its data on one line (an exception, as
    text, is data too: the grader turns it into the feedback)."""
    try:
        data = PROBES[(notebook, cell)](namespace)
    except Exception as error:  # noqa: BLE001 -- the learner's code may raise anything
        data = {"error": f"{type(error).__name__}: {error}"[:500]}
    print(MARK + encode(data))
    print("Your answer's outputs were recorded: they are checked when your notebook is graded.")


def _grad(tensor):
    return tensor.grad.detach().clone() if tensor.grad is not None else torch.full_like(tensor, math.nan)


# ---- 02: the variational autoencoder ----
NB02 = "02_variational_autoencoders"


def weights(shape, seed: int) -> torch.Tensor:
    """A fixed random weighting of an output: its gradient is non-zero for every correct answer."""
    return torch.rand(shape, generator=torch.Generator().manual_seed(seed)) + 0.5


@probe(NB02, "ex1_hidden")
def _reparameterize(ns):
    torch.manual_seed(10)
    n = 10_000
    mu = torch.tensor([1.0, -2.0]).repeat(n, 1).requires_grad_()
    logvar = torch.tensor([math.log(4.0), math.log(0.25)]).repeat(n, 1).requires_grad_()
    z = ns["reparameterize"](mu, logvar)
    if z.requires_grad:
        (z * weights(z.shape, 1)).sum().backward()
    zeros = torch.zeros(3, 2)
    return {"z": z.detach().clone(), "mu": mu.detach().clone(), "logvar": logvar.detach().clone(),
            "grad_mu": _grad(mu), "grad_logvar": _grad(logvar),
            "draw_a": ns["reparameterize"](zeros, zeros).detach().clone(),
            "draw_b": ns["reparameterize"](zeros, zeros).detach().clone()}


@probe(NB02, "ex2_hidden")
def _kl(ns):
    kl = ns["kl_divergence"]
    g = torch.Generator().manual_seed(11)
    m, lv = torch.randn(50, 4, generator=g), torch.randn(50, 4, generator=g)
    return {"wide": kl(torch.zeros(1, 1), torch.full((1, 1), math.log(4.0))),
            "shifted": kl(torch.tensor([[0.7, -1.2]]), torch.tensor([[-0.5, 0.8]])),
            "batch": kl(m, lv), "doubled": kl(torch.cat([m, m]), torch.cat([lv, lv]))}


@probe(NB02, "ex3_hidden")
def _elbo_and_step(ns):
    from course_lib.teaching.checks import PointVAE

    out = {}
    model, x = PointVAE(seed=13), torch.rand(6, 1, 28, 28, generator=torch.Generator().manual_seed(13))
    for beta in (0.0, 1.0, 2.5):
        got = ns["negative_elbo"](model, x, beta)
        for key in ("loss", "rec", "kl"):
            out[f"{key}@{beta}"] = got[key].detach().reshape(())
    # what the decoder receives when the clouds are wide (log-variance 0): a sample around mu, not mu
    noisy, seen = PointVAE(seed=13, logvar=0.0), []
    decode = noisy.decode_logits
    noisy.decode_logits = lambda z, y=None: seen.append(z.detach().clone()) or decode(z)
    torch.manual_seed(14)
    noisy_out = ns["negative_elbo"](noisy, x, 0.0)
    out["noisy_rec"] = noisy_out["rec"].detach().reshape(())
    out["decoded"] = seen[-1] if seen else torch.full((6, 3), math.nan)
    # three SGD steps of the learner's train_step (beta 2): the losses it returns, the weights after
    stepped = PointVAE(seed=13)
    optimizer = torch.optim.SGD(stepped.parameters(), lr=1e-3)
    losses = [ns["train_step"](stepped, (x, None), optimizer, beta=2.0) for _ in range(3)]
    out["step_losses"] = torch.tensor([float(got["loss"]) for got in losses])
    out["step_returns_floats"] = all(isinstance(got["loss"], float) for got in losses)
    out.update({f"param:{name}": p.detach().clone() for name, p in stepped.named_parameters()})
    return out
