"""The answers of 06_vae_vs_gan, generated from the solution cells of its notebook,
solutions/06_vae_vs_gan/06_vae_vs_gan.ipynb,
by `python -m grading answers`: edit the notebook, not this file."""
from __future__ import annotations

import torch


def frechet_distance(real_features, fake_features):
    """Frechet distance between Gaussians fitted to two feature matrices (N, d) and (M, d)."""
    real, fake = real_features.double(), fake_features.double()
    mu_r, mu_g = real.mean(dim=0), fake.mean(dim=0)
    cov_r, cov_g = torch.cov(real.T), torch.cov(fake.T)
    root_trace = torch.linalg.eigvals(cov_r @ cov_g).sqrt().real.sum()  # tr (S_r S_g)^(1/2)
    return ((mu_r - mu_g).pow(2).sum() + cov_r.trace() + cov_g.trace() - 2 * root_trace).item()


def precision_recall(real_features, fake_features, k=3):
    """{"precision": share of fake points in the real manifold, "recall": share of real points in the fake one}."""
    def radii(points):
        return torch.cdist(points, points).kthvalue(k + 1, dim=1).values   # +1: each point is its own nearest

    def inside(queries, manifold):
        return (torch.cdist(queries, manifold) <= radii(manifold)[None, :]).any(dim=1).double().mean().item()

    real, fake = real_features.double(), fake_features.double()
    return {"precision": inside(fake, real), "recall": inside(real, fake)}
