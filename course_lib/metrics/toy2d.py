"""Measurements of notebook 04's 2-D game: the optimal discriminator and the Jensen-Shannon divergence
from the two densities, and how many of a mixture's modes a generator covers."""
from __future__ import annotations

import math

import torch


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
