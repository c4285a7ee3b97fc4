"""The answers of 03_vae_applications, generated from the solution cells of its notebook,
solutions/03_vae_applications/03_vae_applications.ipynb,
by `python -m grading answers`: edit the notebook, not this file."""
from __future__ import annotations

import torch

from course_lib.models.vae import reconstruction_nll

from course_answers.a02_variational_autoencoders import kl_divergence, reparameterize


@torch.no_grad()
def anomaly_score(model, x, k=8):
    """-ELBO per example (B,), in nats: the reconstruction term averaged over k draws of z, plus the KL."""
    mu, logvar = model.encode(x)
    rec = 0
    for _ in range(k):
        rec = rec + reconstruction_nll(model.decode_logits(reparameterize(mu, logvar)), x)
    return rec / k + kl_divergence(mu, logvar)


def threshold_at_fpr(normal_scores, fpr):
    """The score t such that a share `fpr` of the normal scores lies above t (a float)."""
    return torch.quantile(normal_scores.double(), 1 - fpr).item()


@torch.no_grad()
def impute(model, x, observed, steps=20):
    """x with its unobserved pixels filled in by `steps` rounds of encode -> decode(mu)."""
    x_hat = torch.where(observed, x, torch.full_like(x, 0.5))
    for _ in range(steps):
        mu, _ = model.encode(x_hat)
        x_hat = torch.where(observed, x, model.decode(mu))
    return x_hat


def latent_ascent(z, predictor, lr=0.1, steps=20):
    """The path (steps + 1, N, d) of gradient *ascent* on predictor, from z."""
    z = z.detach().clone().requires_grad_(True)
    path = [z.detach().clone()]
    for _ in range(steps):
        grad, = torch.autograd.grad(predictor(z).sum(), z)
        with torch.no_grad():
            z += lr * grad
        path.append(z.detach().clone())
    return torch.stack(path)
