"""Notebook 06's answers: the Frechet distance and k-NN precision and recall (Kynkaanniemi et al. 2019).

    FID        ||mu_r - mu_g||^2 + tr(S_r + S_g - 2 (S_r S_g)^(1/2)), covariances with 1/(N - 1)
    precision  share of fakes inside the real manifold; recall: share of reals inside the fake one,
               a point being inside when it lies within some member's distance to its k-th neighbour
"""
from __future__ import annotations

import torch


def frechet_distance(real_features, fake_features) -> float:
    """Frechet distance between Gaussians fitted to two feature matrices (N, d) and (M, d)."""
    real, fake = real_features.double(), fake_features.double()
    mu_r, mu_g = real.mean(dim=0), fake.mean(dim=0)
    cov_r, cov_g = torch.cov(real.T), torch.cov(fake.T)
    root_trace = torch.linalg.eigvals(cov_r @ cov_g).sqrt().real.sum()  # tr (S_r S_g)^(1/2)
    return ((mu_r - mu_g).pow(2).sum() + cov_r.trace() + cov_g.trace() - 2 * root_trace).item()


def precision_recall(real_features, fake_features, k: int = 3) -> dict:
    """Improved precision and recall: a point is inside a set's manifold when it lies within
    the distance from some member of the set to that member's k-th nearest neighbour."""
    def radii(x):
        return torch.cdist(x, x).kthvalue(k + 1, dim=1).values  # k+1: the point itself is at 0

    def inside(points, ref):
        return (torch.cdist(points, ref) <= radii(ref)[None, :]).any(dim=1).float().mean().item()

    real, fake = real_features.double(), fake_features.double()
    return {"precision": inside(fake, real), "recall": inside(real, fake)}
