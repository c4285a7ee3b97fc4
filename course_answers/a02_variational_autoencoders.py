"""Notebook 02's answers: the reparameterization, the KL divergence to the prior, the negative ELBO.

    reparameterize z = mu + sigma * eps,  eps ~ N(0, I),  sigma = exp(log sigma^2 / 2)
    KL             KL(q(z|x) || p(z)) = 1/2 sum_j (mu_j^2 + sigma_j^2 - 1 - log sigma_j^2)
    loss           -ELBO_beta = -log p(x|z) + beta * KL, averaged over the batch
"""
from __future__ import annotations

import torch

from course_lib.models.vae import reconstruction_nll


def reparameterize(mu, logvar):
    """z = mu + sigma * eps: a sample of N(mu, sigma^2) that gradients can flow through."""
    return mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)


def kl_divergence(mu, logvar):
    """KL(N(mu, sigma^2) || N(0, I)) per example, in nats: shape (B,)."""
    return 0.5 * (mu.pow(2) + logvar.exp() - 1 - logvar).sum(dim=1)


def negative_elbo(model, x, y=None, beta: float = 1.0, likelihood: str = "bernoulli") -> dict:
    """The training loss -ELBO_beta and its two parts, each averaged over the batch."""
    mu, logvar = model.encode(x, y)
    z = reparameterize(mu, logvar)
    rec = reconstruction_nll(model.decode_logits(z, y), x, likelihood)
    kl = kl_divergence(mu, logvar)
    return {"loss": (rec + beta * kl).mean(), "rec": rec.mean(), "kl": kl.mean()}
