"""The answers of 08_virtual_wardrobe, generated from the solution cells of its notebook,
solutions/08_virtual_wardrobe/08_virtual_wardrobe.ipynb,
by `python -m grading answers`: edit the notebook, not this file."""
from __future__ import annotations

import torch
import torch.nn.functional as F

from course_answers.a07_stylegan import adain


def conditioned_input(z, labels, sizes, n_classes):
    """[z, one_hot(labels), sizes] along the feature dimension: (N, d + n_classes + s)."""
    one_hot = F.one_hot(labels, n_classes).to(z.dtype)
    return torch.cat([z, one_hot, sizes.to(z.dtype)], dim=1)


def projection_logit(features, labels, psi, embed):
    """d(x, y) = psi(phi(x)) + embed(y) . phi(x), one logit per image: shape (N,)."""
    realism = psi(features).squeeze(1)
    agreement = (embed(labels) * features).sum(dim=1)
    return realism + agreement


def adain_transfer(content, style, eps=1e-5):
    """(6): content's feature maps with each channel's mean and std taken from style, per image."""
    mu_s = style.mean(dim=(2, 3))
    sigma_s = (style.var(dim=(2, 3), unbiased=False) + eps).sqrt()
    return adain(content, sigma_s, mu_s, eps)
