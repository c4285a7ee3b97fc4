"""Notebook 03's answers: the anomaly score, the threshold at a false-positive rate, imputation, latent ascent.

    anomaly score   s(x) = -ELBO(x) = E_q[-log p(x|z)] + KL(q(z|x) || p(z)), averaged over k draws of z
    threshold       t = the (1 - alpha) quantile of s on normal data: flags a share alpha of normals
    imputation      x_0 = observed pixels, missing filled with 1/2;
                    x_{t+1} = m * x + (1 - m) * decode(mu(x_t))    (m = 1 where observed)
    latent ascent   z_{t+1} = z_t + lr * grad_z f(z_t)              (f a property predictor)
"""
from __future__ import annotations

import torch

from course_lib.models.vae import reconstruction_nll

from .a02_variational_autoencoders import kl_divergence, reparameterize


@torch.no_grad()
def anomaly_score(model, x, k: int = 8):
    """-ELBO per example (B,), in nats, averaged over k draws of z: high = unusual."""
    mu, logvar = model.encode(x)
    rec = sum(reconstruction_nll(model.decode_logits(reparameterize(mu, logvar)), x) for _ in range(k)) / k
    return rec + kl_divergence(mu, logvar)


def threshold_at_fpr(normal_scores, fpr: float) -> float:
    """The score above which a share ``fpr`` of normal examples lies."""
    return torch.quantile(normal_scores.double(), 1 - fpr).item()


@torch.no_grad()
def impute(model, x, observed, steps: int = 20):
    """Fill the pixels where ``observed`` is False; the observed ones are returned unchanged."""
    x_hat = torch.where(observed, x, torch.full_like(x, 0.5))
    for _ in range(steps):
        mu, _ = model.encode(x_hat)
        x_hat = torch.where(observed, x, model.decode(mu))
    return x_hat


def latent_ascent(z, predictor, lr: float = 0.1, steps: int = 20):
    """The path (steps + 1, N, d) of gradient ascent on predictor(z).sum(); z itself is unchanged."""
    z = z.detach().clone().requires_grad_(True)
    path = [z.detach().clone()]
    for _ in range(steps):
        grad, = torch.autograd.grad(predictor(z).sum(), z)
        with torch.no_grad():
            z += lr * grad
        path.append(z.detach().clone())
    return torch.stack(path)
