"""Notebook 03's VAE for rows of a table (standardised features): MLP encoder and decoder, a Gaussian
likelihood with a learned standard deviation per feature."""
from __future__ import annotations

import torch
from torch import nn
from torch.distributions import Normal, kl_divergence

from .vae import LOG_2PI, PRIOR


class TabularVAE(nn.Module):
    """A VAE for standardised feature vectors: MLP encoder and decoder, Gaussian likelihood
    with a learned standard deviation per feature."""

    def __init__(self, n_features: int, latent_dim: int = 2, hidden: int = 64):
        super().__init__()
        self.latent_dim = latent_dim
        self.encoder = nn.Sequential(nn.Linear(n_features, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(),
                                     nn.Linear(hidden, 2 * latent_dim))
        self.decoder = nn.Sequential(nn.Linear(latent_dim, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(),
                                     nn.Linear(hidden, n_features))
        self.log_sigma = nn.Parameter(torch.zeros(n_features))

    def encode(self, x):
        return self.encoder(x).chunk(2, dim=1)

    def nll(self, x, z):
        """-log N(x; decoder(z), sigma^2) per example."""
        return (0.5 * ((x - self.decoder(z)) / self.log_sigma.exp()).pow(2) + self.log_sigma
                + 0.5 * LOG_2PI).sum(dim=1)

    def posterior(self, x) -> Normal:
        mu, logvar = self.encode(x)
        return Normal(mu, torch.exp(0.5 * logvar), validate_args=False)

    def loss(self, x):
        q = self.posterior(x)
        rec, kl = self.nll(x, q.rsample()), kl_divergence(q, PRIOR).sum(dim=1)
        return {"loss": (rec + kl).mean(), "rec": rec.mean(), "kl": kl.mean()}

    @torch.no_grad()
    def score(self, x, k: int = 8):
        """-ELBO per example, averaged over k draws of z, with this model's Gaussian likelihood."""
        q = self.posterior(x)
        return sum(self.nll(x, q.rsample()) for _ in range(k)) / k + kl_divergence(q, PRIOR).sum(dim=1)
