"""Measurements of the 2-D game (notebooks 04, 06): the optimal discriminator and the Jensen-Shannon divergence
from the two densities, how many of a mixture's modes a generator covers, and where a Gaussian fit puts its mass."""
from __future__ import annotations

import math

import torch

from ..core.toy2d import mixture, mixture_log_density


def optimal_discriminator_logit(x, log_p_data, log_p_g) -> torch.Tensor:
    """The logit of D*(x) = p_data / (p_data + p_g): log p_data(x) - log p_g(x) (Goodfellow et al. 2014)."""
    return log_p_data(x) - log_p_g(x)


def js_divergence(sample_data, sample_g, log_p_data, log_p_g, n: int = 100_000, seed: int = 0) -> float:
    """Jensen-Shannon divergence (nats) by Monte Carlo: 1/2 E_data[log 2p_d / (p_d + p_g)] + 1/2 E_g[log 2p_g / (p_d + p_g)]."""
    torch.manual_seed(seed)
    total = 0.0
    for x, own, other in ((sample_data(n), log_p_data, log_p_g), (sample_g(n), log_p_g, log_p_data)):
        lp, lq = own(x).double(), other(x).double()
        total += 0.5 * (math.log(2) + lp - torch.logaddexp(lp, lq)).mean().item()
    return total


def mode_coverage(samples: torch.Tensor, centres: torch.Tensor, std: float, min_share: float = 0.008) -> dict:
    """A sample is *high quality* when within 3 std of its nearest centre; a mode is *covered*
    when at least ``min_share`` of the samples are high-quality samples of it (20 of 2,500, as in PacGAN)."""
    distance, nearest = torch.cdist(samples.float(), centres.float()).min(dim=1)
    good = distance <= 3 * std
    counts = torch.bincount(nearest[good], minlength=len(centres))
    return {"modes": int((counts >= min_share * len(samples)).sum()), "of": len(centres),
            "high_quality": good.float().mean().item()}


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


def nearest_mode_shares(samples: torch.Tensor, centres: torch.Tensor) -> torch.Tensor:
    """The share of ``samples`` whose nearest centre is each of ``centres``, however far: 1/K each when the mass is
    spread evenly over the K modes' directions, 0 for a mode no sample is near (what ``mode_coverage`` does not tell
    apart: mass near a mode but outside its 3-std disc)."""
    nearest = torch.cdist(samples.float(), centres.float()).argmin(dim=1)
    return torch.bincount(nearest, minlength=len(centres)).float() / len(samples)
