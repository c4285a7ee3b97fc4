"""Notebook 04's recipe: the 2-D GAN game, a small MLP generator against a discriminator, trained by the
learner's ``gan_step`` on batches of a 2-D data set (``course_lib.core.toy2d``)."""
from __future__ import annotations

import torch

from ..core.train import fit, linear_decay
from ..models.gan import mlp


class _Batches:
    """``n`` fresh batches ``(sample(batch),)``, drawn lazily: a data loader for ``fit``."""

    def __init__(self, sample, batch: int, n: int):
        self.sample, self.batch, self.n = sample, batch, n

    def __len__(self):
        return self.n

    def __iter__(self):
        return ((self.sample(self.batch),) for _ in range(self.n))


def train_toy_gan(sample, D, steps: int, step, z_dim: int = 2, seed: int = 0, lr: float = 1e-3,
                  lr_D: float | None = None, batch: int = 256, desc: str = "GAN", snapshots: int = 0,
                  lr_decay: bool = False, betas=(0.5, 0.999)):
    """Train a 2-D MLP generator against ``D`` with ``step`` (notebook 04's ``gan_step(G, D, real, opt_G,
    opt_D, z_dim)``) on batches from ``sample(n)`` (Adam, lr for G,
    ``lr_D`` for D, default the same; Adam's ``betas``) with the course's ``fit``. ``lr_decay``: both learning rates
    fall linearly to 0 over the run. Returns (G, history, snapshots): ``snapshots`` evenly spaced
    sets of 1,000 generated points, keyed by step."""
    torch.manual_seed(seed)
    G = mlp(z_dim, 2)
    optimizers = (torch.optim.Adam(G.parameters(), lr, betas=betas),
                  torch.optim.Adam(D.parameters(), lr_D or lr, betas=betas))
    schedules = [linear_decay(o, steps) for o in optimizers] if lr_decay else []

    def one_round(g, b, _):
        out = step(g, D, b[0], *optimizers, z_dim)
        for schedule in schedules:
            schedule.step()
        return out

    shots = {}

    @torch.no_grad()
    def snapshot(history):
        shots[len(next(iter(history.steps.values())))] = G(torch.randn(1000, z_dim))  # keyed by step

    history = fit(G, _Batches(sample, batch, steps), one_round, desc=desc,
                  callback=snapshot if snapshots else None, every=steps // snapshots if snapshots else 0)
    return G, history, shots
