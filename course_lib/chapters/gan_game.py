"""Notebook 04's recipe: the 2-D GAN game, a small MLP generator against a discriminator, trained by the
learner's ``gan_step`` on batches of a 2-D data set (``course_lib.core.toy2d``)."""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from ..core.train import fit, linear_decay
from ..models.gan import critic_loss, mlp, toy_discriminator


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


# ---- two distributions with disjoint supports (Arjovsky et al. 2017, example 1): notebook 05, section 7

def parallel_lines(theta: float, n: int, generator=None) -> tuple[torch.Tensor, torch.Tensor]:
    """``n`` points of each: the data on the segment x = 0, 0 <= y <= 1, the model's on x = theta (y uniform)."""
    y_real, y_fake = torch.rand(n, 1, generator=generator), torch.rand(n, 1, generator=generator)
    return torch.cat([torch.zeros(n, 1), y_real], 1), torch.cat([torch.full((n, 1), float(theta)), y_fake], 1)


def train_on_lines(theta: float, kind: str, steps: int, penalty=None, seed: int = 0, batch: int = 256) -> dict:
    """Train notebook 04's MLP discriminator (``kind="gan"``: the BCE game's D) or the same MLP as a WGAN-GP critic
    (``kind="critic"``: ``critic_loss`` + 10 x ``penalty``, notebook 05's ``gradient_penalty``) for ``steps`` updates
    (Adam 1e-3) to tell the line x = 0 from the line x = theta; then, on 4,000 fresh points of each, what it says
    and how the generator's loss moves with theta:

    * ``"gan"``: the JS estimate log 2 + (E log D(x) + E log(1 - D(G))) / 2 (JS itself when D is optimal) and its
      derivative in theta, the minimax generator loss's gradient halved;
    * ``"critic"``: the W1 estimate E C(x) - E C(G) and its derivative in theta (the generator's loss -E C(G) has
      the same gradient)."""
    torch.manual_seed(seed)
    g = torch.Generator().manual_seed(seed)
    D = toy_discriminator("plain")
    opt = torch.optim.Adam(D.parameters(), 1e-3, betas=(0.5, 0.9))
    for _ in range(steps):
        real, fake = parallel_lines(theta, batch, g)
        opt.zero_grad()
        if kind == "gan":
            d_real, d_fake = D(real), D(fake)
            loss = (F.softplus(-d_real).mean() + F.softplus(d_fake).mean())
        elif kind == "critic":
            loss = critic_loss(D(real), D(fake)) + 10.0 * penalty(D, real, fake)
        else:
            raise ValueError(f"kind must be 'gan' or 'critic', not {kind!r}")
        loss.backward()
        opt.step()
    real, fake = parallel_lines(0.0, 4_000, g)
    t = torch.tensor(float(theta), requires_grad=True)
    fake = torch.cat([t.expand(len(fake), 1), fake[:, 1:]], 1)   # the model's points, as a function of theta
    if kind == "gan":
        log_d_real = -F.softplus(-D(real)).mean()      # E log D(x)
        log_1m_d_fake = -F.softplus(D(fake)).mean()    # E log(1 - D(G))
        estimate = math.log(2) + (log_d_real + log_1m_d_fake) / 2
    else:
        estimate = D(real).mean() - D(fake).mean()
    grad, = torch.autograd.grad(estimate, t)
    return {"estimate": estimate.item(), "d/dtheta": grad.item()}
