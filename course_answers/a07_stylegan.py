"""The answers of 07_stylegan, generated from the solution cells of its notebook,
solutions/07_stylegan/07_stylegan.ipynb,
by `python -m grading answers`: edit the notebook, not this file."""
from __future__ import annotations

import torch


def adain(x, scale, bias, eps=1e-5):
    """Each channel of each image normalised over (H, W), then scaled by `scale` and shifted by `bias`."""
    mu = x.mean(dim=(2, 3), keepdim=True)
    sigma = (x.var(dim=(2, 3), keepdim=True, unbiased=False) + eps).sqrt()
    return scale[:, :, None, None] * (x - mu) / sigma + bias[:, :, None, None]


def add_noise(x, strength, noise=None):
    """x + strength[c] * noise, one noise value per pixel shared by the channels."""
    if noise is None:
        noise = torch.randn(len(x), 1, *x.shape[2:], device=x.device, dtype=x.dtype)
    return x + strength.view(1, -1, 1, 1) * noise


def truncate(w, w_avg, psi):
    """w pulled towards w_avg: psi = 1 keeps w, psi = 0 gives w_avg."""
    return w_avg + psi * (w - w_avg)


def mix_styles(w1, w2, crossover, num_layers):
    """Per-layer styles: layers [0, crossover) from w1, layers [crossover, num_layers) from w2."""
    coarse = (torch.arange(num_layers) < crossover)[None, :, None]
    return torch.where(coarse, w1[:, None, :], w2[:, None, :])
