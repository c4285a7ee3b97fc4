"""Notebook 08's answers: the conditioned input [z, one_hot(y), s], the projection logit, AdaIN style transfer.

    (2) join          h = [z, c], c = [one_hot(y), s], feature-wise at the generator's input
    (4) projection    d(x, y) = psi(phi(x)) + embed(y)^T phi(x)  (Miyato & Koyama 2018)
    (6) AdaIN         content's feature maps with the style's channel means and standard deviations
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from .a07_stylegan import adain


def conditioned_input(z, labels, sizes, n_classes: int):
    """[z, one_hot(labels), sizes] along the feature dimension. ``sizes`` may have 0 columns."""
    return torch.cat([z, F.one_hot(labels, n_classes).to(z.dtype), sizes.to(z.dtype)], dim=1)


def projection_logit(features, labels, psi, embed):
    """(4): psi(phi) + <embed(y), phi>, one logit per image, shape (N,)."""
    return psi(features).squeeze(1) + (embed(labels) * features).sum(dim=1)


def adain_transfer(content, style, eps: float = 1e-5):
    """(6) on feature maps: content (N, C, H, W) takes style's (N, C, H', W') channel means and stds."""
    mu = style.mean(dim=(2, 3))
    sigma = (style.var(dim=(2, 3), unbiased=False) + eps).sqrt()
    return adain(content, sigma, mu, eps)
