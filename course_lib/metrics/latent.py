"""Paths in a latent space: spherical interpolation, decoded paths and how straight they run in feature
space (notebooks 06, 07, 08), and StyleGAN's perceptual path length (notebook 07)."""
from __future__ import annotations

import torch

from ..core.data import batched
from ..models.stylegan import crop28


def slerp(a, b, t):
    """Spherical interpolation between rows of a and b (t broadcasts): it keeps the norm that
    Gaussian noise vectors have (about sqrt(d)), where a straight line would pass closer to 0."""
    a_n, b_n = a / a.norm(dim=-1, keepdim=True), b / b.norm(dim=-1, keepdim=True)
    omega = torch.acos((a_n * b_n).sum(-1, keepdim=True).clamp(-1, 1))
    return (torch.sin((1 - t) * omega) * a + torch.sin(t * omega) * b) / torch.sin(omega)


@torch.no_grad()
def interpolation_paths(decode, start, end, steps: int = 16, spherical: bool = False):
    """Decoded paths between code rows ``start`` and ``end``: (n, steps, 1, 28, 28); straight
    lines, or great circles (``spherical``, for Gaussian noise inputs)."""
    t = torch.linspace(0, 1, steps)[None, :, None]
    codes = (slerp if spherical else torch.lerp)(start[:, None, :], end[:, None, :], t)
    images = batched(decode, codes.flatten(0, 1))
    return images.view(len(start), steps, *images.shape[1:])


def path_straightness(paths, features) -> dict:
    """How smoothly decoded paths move, in classifier feature space:
    length = sum of step lengths / distance between the ends (1: no detour),
    jump = largest step / mean step (1: even steps; large: a sudden switch)."""
    f = features(paths.flatten(0, 1)).view(paths.shape[0], paths.shape[1], -1)
    steps = (f[:, 1:] - f[:, :-1]).norm(dim=-1)
    ends = (f[:, -1] - f[:, 0]).norm(dim=-1).clamp_min(1e-8)
    return {"length / end distance": (steps.sum(1) / ends).median().item(),
            "largest / mean step": (steps.max(1).values / steps.mean(1).clamp_min(1e-8)).median().item()}


@torch.no_grad()
def path_length(G, n: int, space: str, features, eps: float = 1e-2, seed: int = 0):
    """Perceptual-path-length-like statistic: E ||phi(g(t + eps)) - phi(g(t))||^2 / eps^2 along
    random interpolations, linear in W, or spherical in Z (then mapped). ``features``: images
    (N, 1, 28, 28) in [0, 1] -> feature vectors. Noise is held fixed along each pair."""
    gen = torch.Generator().manual_seed(seed)
    z0, z1 = torch.randn(2, n, G.z_dim, generator=gen)
    t = torch.rand(n, 1, generator=gen) * (1 - eps)
    dev = G.const.device
    if space == "w":
        w0, w1 = G.map(z0.to(dev)), G.map(z1.to(dev))
        wa, wb = torch.lerp(w0, w1, t.to(dev)), torch.lerp(w0, w1, (t + eps).to(dev))
    elif space == "z":
        wa, wb = G.map(slerp(z0, z1, t).to(dev)), G.map(slerp(z0, z1, t + eps).to(dev))
    else:
        raise ValueError(f"space must be 'w' or 'z', not {space!r}")
    noise = G.make_noise(n, seed=seed)
    fa, fb = features(crop28(G.synthesis(wa, noise)).cpu()), features(crop28(G.synthesis(wb, noise)).cpu())
    return ((fa - fb).pow(2).sum(dim=1) / eps ** 2)
