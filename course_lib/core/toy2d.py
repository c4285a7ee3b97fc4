"""2-D data where every GAN failure can be seen (notebooks 04 and 06): mixtures of Gaussians on a ring and a
grid, and their exact log-density."""
from __future__ import annotations

import math

import torch


def ring_centres(modes: int = 8, radius: float = 2.0) -> torch.Tensor:
    angles = torch.arange(modes) * 2 * math.pi / modes
    return radius * torch.stack([angles.cos(), angles.sin()], dim=1)


def grid_centres(side: int = 5, spacing: float = 2.0) -> torch.Tensor:
    ticks = (torch.arange(side) - (side - 1) / 2) * spacing
    return torch.cartesian_prod(ticks, ticks)


def mixture(centres: torch.Tensor, n: int, std: float, seed: int | None = None) -> torch.Tensor:
    """n points: a uniformly chosen centre plus N(0, std^2 I) noise."""
    g = torch.Generator().manual_seed(seed) if seed is not None else None
    which = torch.randint(len(centres), (n,), generator=g)
    return centres[which] + std * torch.randn(n, 2, generator=g)


def ring(n: int, modes: int = 8, radius: float = 2.0, std: float = 0.02, seed: int | None = None):
    """The 8-Gaussian ring: centres on a circle of ``radius``."""
    return mixture(ring_centres(modes, radius), n, std, seed)


def grid(n: int, side: int = 5, spacing: float = 2.0, std: float = 0.05, seed: int | None = None):
    """The 25-Gaussian grid."""
    return mixture(grid_centres(side, spacing), n, std, seed)


def mixture_log_density(x: torch.Tensor, centres: torch.Tensor, std: float, weights=None) -> torch.Tensor:
    """log p(x) of an isotropic Gaussian mixture (uniform weights unless given), for points x (N, 2)."""
    weights = torch.full((len(centres),), 1.0 / len(centres)) if weights is None else torch.as_tensor(weights)
    sq = torch.cdist(x.double(), centres.double()).pow(2)
    log_gauss = -sq / (2 * std ** 2) - math.log(2 * math.pi * std ** 2)
    return torch.logsumexp(log_gauss + weights.double().log(), dim=1).float()
