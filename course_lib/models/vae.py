"""Variational autoencoders (notebooks 02, 03 and the capstone).

Equations, for an image x, a code z in R^d and the prior p(z) = N(0, I):

    encoder        q(z|x) = N(mu(x), diag(sigma^2(x))),  it outputs mu and log sigma^2
    reparameterize z = mu + sigma * eps,  eps ~ N(0, I),  sigma = exp(log sigma^2 / 2)
    KL             KL(q(z|x) || p(z)) = 1/2 sum_j (mu_j^2 + sigma_j^2 - 1 - log sigma_j^2)
    reconstruction -log p(x|z): Bernoulli (binary cross-entropy) or Gaussian (squared error)
    loss           -ELBO_beta = -log p(x|z) + beta * KL, averaged over the batch
    likelihood     log p(x) >= log 1/k sum_i p(x|z_i) p(z_i) / q(z_i|x)  (importance weighted, z_i ~ q)

The reparameterization, the KL and the -ELBO are notebook 02's exercises (``course_answers``); the
models here draw z with PyTorch's ``Normal(mu, sigma).rsample()``, the same reparameterized draw.

``VAE(..., n_classes=10)`` is the conditional variant: the label, one-hot, is given
to both encoder and decoder, so the decoder can draw a chosen class.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn
from torch.distributions import Normal

LOG_2PI = math.log(2 * math.pi)


PRIOR = Normal(0.0, 1.0, validate_args=False)   # p(z) = N(0, I), one coordinate at a time


def reconstruction_nll(logits, x, likelihood: str = "bernoulli", sigma: float = 0.1):
    """-log p(x|z) per example, in nats: shape (B,). ``logits`` are the decoder's raw outputs."""
    if likelihood == "bernoulli":
        nll = F.binary_cross_entropy_with_logits(logits, x, reduction="none")
    elif likelihood == "gaussian":  # N(x; sigmoid(logits), sigma^2): squared error / (2 sigma^2) + const
        nll = (x - torch.sigmoid(logits)).pow(2) / (2 * sigma ** 2) + 0.5 * LOG_2PI + math.log(sigma)
    else:
        raise ValueError(f"likelihood must be 'bernoulli' or 'gaussian', not {likelihood!r}")
    return nll.flatten(1).sum(dim=1)


class VAE(nn.Module):
    """A VAE for 28x28 images: ``arch="conv"`` (28 -> 14 -> 7, then a dense layer) or ``"mlp"``
    (784 -> hidden).

    encode(x) -> (mu, logvar); decode_logits(z) -> raw outputs; decode(z) -> pixels in (0, 1).

    The conv sizes are the ones that trained best per CPU-second (scripts/benchmark_equal_compute.py;
    the numbers are in docs/benchmarks.md, "Equal compute"): 16 and 32 channels of 4x4 convolutions with
    stride 2 (DCGAN's, notebook 05), then a 256-unit dense layer on each side, where the model gets a
    global view of the garment cheaply.
    """

    def __init__(self, latent_dim: int = 16, channels: int = 16, arch: str = "conv",
                 hidden: int = 256, n_classes: int = 0):
        super().__init__()
        self.latent_dim, self.n_classes = latent_dim, n_classes
        c1, c2 = channels, 2 * channels
        if arch == "conv":
            self.features = nn.Sequential(
                nn.Conv2d(1, c1, 4, 2, 1), nn.ReLU(), nn.Conv2d(c1, c2, 4, 2, 1), nn.ReLU(), nn.Flatten(),
                nn.Linear(c2 * 7 * 7, hidden), nn.ReLU())
            self.expand = nn.Sequential(nn.Linear(latent_dim + n_classes, hidden), nn.ReLU(),
                                        nn.Linear(hidden, c2 * 7 * 7), nn.ReLU(), nn.Unflatten(1, (c2, 7, 7)))
            self.generate = nn.Sequential(nn.ConvTranspose2d(c2, c1, 4, 2, 1), nn.ReLU(),
                                          nn.ConvTranspose2d(c1, 1, 4, 2, 1))
        elif arch == "mlp":
            self.features = nn.Sequential(nn.Flatten(), nn.Linear(784, hidden), nn.ReLU())
            self.expand = nn.Sequential(nn.Linear(latent_dim + n_classes, hidden), nn.ReLU())
            self.generate = nn.Sequential(nn.Linear(hidden, 784), nn.Unflatten(1, (1, 28, 28)))
        else:
            raise ValueError(f"arch must be 'conv' or 'mlp', not {arch!r}")
        self.to_stats = nn.Linear(hidden + n_classes, 2 * latent_dim)  # -> mu, log sigma^2

    def _with_label(self, h, y):
        if not self.n_classes:
            return h
        if y is None:
            raise ValueError("this VAE is conditional: pass the labels y too")
        return torch.cat([h, F.one_hot(torch.as_tensor(y, device=h.device), self.n_classes).float()], dim=1)

    def encode(self, x, y=None):
        mu, logvar = self.to_stats(self._with_label(self.features(x), y)).chunk(2, dim=1)
        return mu, logvar

    def decode_logits(self, z, y=None):
        return self.generate(self.expand(self._with_label(z, y)))

    def decode(self, z, y=None):
        return torch.sigmoid(self.decode_logits(z, y))

    def forward(self, x, y=None):
        """A reconstruction through a sampled code (pixels in (0, 1))."""
        mu, logvar = self.encode(x, y)
        return self.decode(Normal(mu, torch.exp(0.5 * logvar), validate_args=False).rsample(), y)

    @torch.no_grad()
    def sample(self, n: int, y=None, generator=None):
        """n new images: z ~ N(0, I), decoded."""
        device = next(self.parameters()).device
        z = torch.randn(n, self.latent_dim, generator=generator).to(device)
        return self.decode(z, y)
