"""Probes of 02 · Variational autoencoders (the grader's comparisons: grading/judges/nb02.py)."""
import math

import torch

from . import grad_of, probe, weights

NB02 = "02_variational_autoencoders"


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
            "grad_mu": grad_of(mu), "grad_logvar": grad_of(logvar),
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
