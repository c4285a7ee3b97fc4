"""The answers of 02_variational_autoencoders, generated from the solution cells of its notebook,
solutions/02_variational_autoencoders/02_variational_autoencoders.ipynb,
by `python -m grading answers`: edit the notebook, not this file."""
from __future__ import annotations

import torch

from course_lib.models.vae import reconstruction_nll


def reparameterize(mu, logvar):
    """A sample z ~ N(mu, exp(logvar)) written as mu + sigma * eps, so gradients reach mu and logvar."""
    sigma = torch.exp(0.5 * logvar)   # standard deviation from the log-variance
    eps = torch.randn_like(mu)        # the randomness, outside the gradient path
    return mu + sigma * eps


def kl_divergence(mu, logvar):
    """KL(N(mu, exp(logvar)) || N(0, I)) for each row: shape (B,)."""
    return 0.5 * (mu.pow(2) + logvar.exp() - 1 - logvar).sum(dim=1)


def negative_elbo(model, x, beta=1.0):
    """-ELBO_beta of a batch: {"loss", "rec", "kl"}, each a 0-dim tensor averaged over the batch."""
    mu, logvar = model.encode(x)
    z = reparameterize(mu, logvar)
    rec = reconstruction_nll(model.decode_logits(z), x)   # -log p(x|z), one value per image
    kl = kl_divergence(mu, logvar)
    return {"loss": (rec + beta * kl).mean(), "rec": rec.mean(), "kl": kl.mean()}


def train_step(model, batch, optimizer, beta=1.0):
    """One gradient step on -ELBO_beta; returns {"loss", "rec", "kl"} as floats."""
    x = batch[0]
    optimizer.zero_grad()
    losses = negative_elbo(model, x, beta)
    losses["loss"].backward()
    optimizer.step()
    return {name: value.item() for name, value in losses.items()}
