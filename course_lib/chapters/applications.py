"""What a trained VAE is good for besides pictures (notebook 03): the data and models the notebook's
exercises work on (its anomaly score, threshold, imputation and latent ascent are the learner's, in
``course_answers.a03_vae_applications``).

    anomaly score   s(x) = -ELBO(x) = E_q[-log p(x|z)] + KL(q(z|x) || p(z)), averaged over k draws of z
    its floor       H(x) = sum_j -x_j log x_j - (1 - x_j) log(1 - x_j): the least -log p(x|z) any
                    Bernoulli decoder can reach on a grey-level image; s(x) - H(x) is the excess
    threshold       t = the (1 - alpha) quantile of s on normal data: flags a share alpha of normals
    imputation      x_0 = observed pixels, missing filled with 1/2;
                    x_{t+1} = m * x + (1 - m) * decode(mu(x_t))    (m = 1 where observed)
    latent ascent   z_{t+1} = z_t + lr * grad_z f(z_t)              (f a property predictor)

plus a tabular data set with known anomalies (its VAE: ``course_lib.models.tabular``).
"""
from __future__ import annotations

import math

import torch

TRANSACTION_FEATURES = ("log_amount", "hour_sin", "hour_cos", "log_distance_km", "merchant_risk", "tx_last_24h")


def bernoulli_floor(x):
    """H(x) per image (B,), in nats: -log p(x|z) of a decoder that predicts every pixel exactly."""
    x = x.clamp(0, 1)
    return -(torch.xlogy(x, x) + torch.xlogy(1 - x, 1 - x)).flatten(1).sum(dim=1)


def masks(shape, kind: str, seed: int = 0) -> torch.Tensor:
    """Boolean 'observed' masks for images (N, 1, 28, 28): 'random' hides half the pixels at
    random, 'block' hides a 14x14 square in the middle."""
    if kind == "random":
        return torch.rand(shape, generator=torch.Generator().manual_seed(seed)) >= 0.5
    if kind == "block":
        m = torch.ones(shape, dtype=torch.bool)
        m[..., 7:21, 7:21] = False
        return m
    raise ValueError(f"kind must be 'random' or 'block', not {kind!r}")


def transactions(n: int, anomaly_rate: float = 0.02, seed: int = 0):
    """Synthetic card transactions (n, 6), features ``TRANSACTION_FEATURES``, and labels
    (1 = anomaly). Normal rows come from two hidden habits (spending level, time of day);
    an anomaly takes two features of its row from a different row and shifts them by
    2.5 standard deviations, so it breaks the habits' joint pattern."""
    g = torch.Generator().manual_seed(seed)
    level, clock = torch.randn(n, generator=g), torch.rand(n, generator=g) * 0.6 + 0.35  # 8am..10pm mostly
    noise = lambda: 0.25 * torch.randn(n, generator=g)  # noqa: E731
    hour = 2 * math.pi * clock
    x = torch.stack([3.5 + 0.9 * level + noise(), torch.sin(hour) + 0.1 * noise(), torch.cos(hour) + 0.1 * noise(),
                     1.0 + 0.5 * level + 0.3 * torch.sin(hour) + noise(), torch.sigmoid(0.8 * level + noise()),
                     2.0 + 0.8 * torch.cos(hour) - 0.4 * level + noise()], dim=1)
    labels = (torch.rand(n, generator=g) < anomaly_rate).long()
    std = x.std(dim=0)
    for i in labels.nonzero().flatten().tolist():
        cols = torch.randperm(x.shape[1], generator=g)[:2]
        other = int(torch.randint(n, (1,), generator=g))
        sign = torch.randint(0, 2, (2,), generator=g) * 2 - 1
        x[i, cols] = x[other, cols] + 2.5 * sign * std[cols]
    return x, labels


