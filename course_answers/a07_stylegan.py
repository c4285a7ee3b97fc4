"""Notebook 07's answers: AdaIN (2), noise injection (3), truncation (4), style mixing (5).

    (2) AdaIN         AdaIN(x_i, w) = y_s,i (x_i - mu(x_i)) / sigma(x_i) + y_b,i
    (3) noise         x_i <- x_i + B_i * n,  n ~ N(0, 1) one value per pixel, B_i learned per channel
    (4) truncation    w' = w_avg + psi (w - w_avg)
    (5) style mixing  layers [0, k) take w1 (coarse), layers [k, L) take w2 (fine)
"""
from __future__ import annotations

import torch


def adain(x, scale, bias, eps: float = 1e-5):
    """(2): normalise each channel of each image to mean 0 and std 1, then give it the
    style's std ``scale`` and mean ``bias``. x: (N, C, H, W); scale, bias: (N, C)."""
    mu = x.mean(dim=(2, 3), keepdim=True)
    sigma = (x.var(dim=(2, 3), keepdim=True, unbiased=False) + eps).sqrt()
    return scale[:, :, None, None] * (x - mu) / sigma + bias[:, :, None, None]


def add_noise(x, strength, noise=None):
    """(3): one N(0, 1) value per pixel, shared by the channels, scaled per channel.
    x: (N, C, H, W); strength: (C,); noise: (N, 1, H, W) or None for fresh noise."""
    if noise is None:
        noise = torch.randn(len(x), 1, *x.shape[2:], device=x.device, dtype=x.dtype)
    return x + strength.view(1, -1, 1, 1) * noise


def truncate(w, w_avg, psi: float):
    """(4): pull w towards the average style; psi = 1 leaves it, psi = 0 gives the average."""
    return w_avg + psi * (w - w_avg)


def mix_styles(w1, w2, crossover: int, num_layers: int):
    """(5): per-layer styles (N, L, w_dim): layers [0, crossover) from w1, the rest from w2."""
    coarse = (torch.arange(num_layers, device=w1.device) < crossover)[None, :, None]
    return torch.where(coarse, w1[:, None, :], w2[:, None, :])
