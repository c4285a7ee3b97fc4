"""2-D data where every GAN failure can be seen: mixtures of Gaussians, the mode-coverage metric of the
Unrolled-GAN / VEEGAN / PacGAN papers, and one Gaussian fitted by forward and by reverse KL."""
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


def fit_gaussian(centres: torch.Tensor, std: float, direction: str, steps: int = 600, samples: int = 512,
                 lr: float = 0.05, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """The Gaussian q = N(m, C) closest to the mixture p (``centres``, ``std``) in one direction of KL; returns (m, C).

    ``forward``: KL(p || q) = E_p[log p - log q], minimised by maximum likelihood on samples of p (what a VAE's
    training does to its model: mode-covering). ``reverse``: KL(q || p) = E_q[log q - log p], minimised through
    reparameterised samples of q (the direction a GAN's generator leans to: against the optimal discriminator the
    non-saturating loss minimises KL(q || p) - 2 JS, Arjovsky & Bottou 2017: mode-seeking). Same start, optimiser,
    steps and samples per step for both: only the direction differs."""
    g = torch.Generator().manual_seed(seed)
    mean = torch.tensor([0.3, 0.2], requires_grad=True)                  # off-centre, so no symmetry decides
    raw = torch.zeros(3, requires_grad=True)                               # C = L L^T, L lower triangular
    optimizer = torch.optim.Adam([mean, raw], lr=lr)
    for _ in range(steps):
        scale = torch.stack([torch.stack([_positive(raw[0]), torch.zeros(())]),
                             torch.stack([raw[1], _positive(raw[2])])])
        q = torch.distributions.MultivariateNormal(mean, scale_tril=scale)
        if direction == "forward":
            loss = -q.log_prob(mixture(centres, samples, std, seed=int(torch.randint(2**31, (1,), generator=g)))).mean()
        elif direction == "reverse":
            x = mean + torch.randn(samples, 2, generator=g) @ scale.T          # reparameterised samples of q
            loss = (q.log_prob(x) - mixture_log_density(x, centres, std)).mean()
        else:
            raise ValueError(f"direction must be 'forward' or 'reverse', not {direction!r}")
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return mean.detach(), (scale @ scale.T).detach()


def _positive(x: torch.Tensor) -> torch.Tensor:
    """A scale > 0 from any real number (softplus; at 0 it gives about 0.69)."""
    return torch.nn.functional.softplus(x) + 1e-4


@torch.no_grad()
def divergence_report(mean: torch.Tensor, cov: torch.Tensor, centres: torch.Tensor, std: float, n: int = 20_000,
                      seed: int = 0) -> dict:
    """Where a Gaussian fit q puts its mass against the mixture p: modes covered (centres within 2 standard
    deviations of q, in its own metric), precision (q's samples within 3 std of some mode: the share that looks
    like data), recall (p's samples within q's 2-sigma ellipse: the share of the data q covers), both KLs (Monte
    Carlo, in nats)."""
    q = torch.distributions.MultivariateNormal(mean, covariance_matrix=cov)
    x_q = mean + torch.randn(n, 2, generator=torch.Generator().manual_seed(seed)) @ q.scale_tril.T
    x_p = mixture(centres, n, std, seed=seed)
    inv = torch.linalg.inv(cov)
    mahalanobis = lambda x: ((x - mean) @ inv * (x - mean)).sum(1).sqrt()   # noqa: E731
    log_p = lambda x: mixture_log_density(x, centres, std)                 # noqa: E731
    return {"modes covered": int((mahalanobis(centres) < 2).sum()),
            "precision": float((torch.cdist(x_q, centres).min(1).values < 3 * std).float().mean()),
            "recall": float((mahalanobis(x_p) < 2).float().mean()),
            "KL(p||q)": float((log_p(x_p) - q.log_prob(x_p)).mean()),
            "KL(q||p)": float((q.log_prob(x_q) - log_p(x_q)).mean())}
