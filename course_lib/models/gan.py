"""GANs (notebooks 04, 05 and 07).

D(x) = sigmoid(d(x)): the discriminator returns the logit d(x); D(x) -> 1 means "real".

    discriminator  max_D  E_x log D(x) + E_z log(1 - D(G(z)))
                   = min  BCE(d(x), 1) + BCE(d(G(z)), 0)
    generator      saturating:      min  E_z log(1 - D(G(z)))        (the minimax game)
                   non-saturating:  min -E_z log D(G(z)) = BCE(d(G(z)), 1)
    equilibrium    p_G = p_data and D = 1/2 everywhere
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


def discriminator_loss(d_real, d_fake):
    """BCE(d(x), 1) + BCE(d(G(z)), 0), from logits."""
    return (F.binary_cross_entropy_with_logits(d_real, torch.ones_like(d_real))
            + F.binary_cross_entropy_with_logits(d_fake, torch.zeros_like(d_fake)))


def generator_loss(d_fake):
    """Non-saturating: -log D(G(z)) = BCE(d(G(z)), 1)."""
    return F.binary_cross_entropy_with_logits(d_fake, torch.ones_like(d_fake))


def saturating_generator_loss(d_fake):
    """The original minimax generator loss log(1 - D(G(z))) = -BCE(d(G(z)), 0)."""
    return -F.binary_cross_entropy_with_logits(d_fake, torch.zeros_like(d_fake))


def r1_penalty(d_real, real):
    """R1 (Mescheder et al. 2018): the mean squared norm of the gradient of D's logit at the real data.
    ``real`` must require grad and ``d_real`` be computed from it."""
    grad, = torch.autograd.grad(d_real.sum(), real, create_graph=True)
    return grad.pow(2).flatten(1).sum(1).mean()


def gan_step(G, D, real, opt_G, opt_D, z_dim: int | None = None, g_loss=generator_loss, r1: float = 0.0,
             fake=None) -> dict:
    """One alternating update: the discriminator on real and detached fakes, then the
    generator through the updated discriminator. Returns losses and mean D outputs.
    ``r1 > 0`` adds (r1 / 2) x R1 to D's loss: D is kept smooth around the data.
    ``fake``: generated images to use instead of G(z), z ~ N(0, I) of size ``z_dim`` (StyleGAN
    passes images made from mixed styles)."""
    if fake is None:
        fake = G(torch.randn(len(real), z_dim, device=real.device))
    opt_D.zero_grad()
    if r1:
        real = real.detach().requires_grad_(True)
    d_real, d_fake = D(real), D(fake.detach())
    d_loss = discriminator_loss(d_real, d_fake)
    (d_loss + r1 / 2 * r1_penalty(d_real, real) if r1 else d_loss).backward()
    opt_D.step()
    opt_G.zero_grad()
    loss_g = g_loss(D(fake))
    loss_g.backward()
    opt_G.step()
    return {"d_loss": d_loss.item(), "g_loss": loss_g.item(),
            "D(x)": torch.sigmoid(d_real).mean().item(), "D(G(z))": torch.sigmoid(d_fake).mean().item()}


def mlp(n_in: int, n_out: int, hidden: int = 128, layers: int = 3, act=nn.ReLU) -> nn.Sequential:
    """A plain MLP: the 2-D generators and discriminators of notebook 04."""
    dims = [n_in] + [hidden] * (layers - 1)
    blocks = [m for a, b in zip(dims, dims[1:]) for m in (nn.Linear(a, b), act())]
    return nn.Sequential(*blocks, nn.Linear(dims[-1], n_out))


class Packed(nn.Module):
    """PacGAN: the discriminator judges ``pack`` samples at once (concatenated), so it can
    see a lack of variety. The batch size must be a multiple of ``pack``."""

    def __init__(self, n_in: int, pack: int = 4, hidden: int = 128):
        super().__init__()
        self.pack, self.net = pack, mlp(n_in * pack, 1, hidden, act=lambda: nn.LeakyReLU(0.2))

    def forward(self, x):
        return self.net(x.reshape(len(x) // self.pack, -1))


def dirac_gan(steps: int = 400, lr: float = 0.1, mode: str = "simultaneous", gamma: float = 0.0,
              start=(1.0, 1.0)) -> torch.Tensor:
    """Mescheder et al.'s Dirac-GAN: data at 0, G = a point theta, D(x) = sigmoid(psi x) = P(x is real).
    V(theta, psi) = log D(0) + log(1 - D(theta)) = f(0) + f(-psi theta), f(t) = log sigmoid(t) = -log(1 + e^-t);
    D ascends V - gamma/2 psi^2 (R1 penalty), G descends V. Returns the (theta, psi) trajectory, shape (steps + 1, 2)."""
    theta, psi = start
    path = [(theta, psi)]
    d_fake = lambda t: torch.sigmoid(torch.tensor(t)).item()  # noqa: E731 (D(theta) = sigmoid(psi theta) = f'(-psi theta))
    for _ in range(steps):
        grad_theta = -d_fake(psi * theta) * psi  # dV/dtheta
        if mode == "simultaneous":
            grad_psi = -d_fake(psi * theta) * theta - gamma * psi
            theta, psi = theta - lr * grad_theta, psi + lr * grad_psi
        elif mode == "alternating":
            theta = theta - lr * grad_theta
            psi = psi + lr * (-d_fake(psi * theta) * theta - gamma * psi)
        else:
            raise ValueError(f"mode must be 'simultaneous' or 'alternating', not {mode!r}")
        path.append((theta, psi))
    return torch.tensor(path)


def up_block(in_ch: int, out_ch: int) -> nn.Sequential:
    """DCGAN's generator block: (B, in_ch, H, W) -> (B, out_ch, 2H, 2W) by a transposed conv
    (kernel 4, stride 2, padding 1; no bias, batch norm has one), batch norm, ReLU."""
    return nn.Sequential(nn.ConvTranspose2d(in_ch, out_ch, 4, 2, 1, bias=False), nn.BatchNorm2d(out_ch), nn.ReLU())


def down_block(in_ch: int, out_ch: int, batchnorm: bool = True) -> nn.Sequential:
    """DCGAN's discriminator block: (B, in_ch, H, W) -> (B, out_ch, H/2, W/2) by a strided conv
    (kernel 4, stride 2, padding 1), batch norm (not on the first block, as in the paper), LeakyReLU(0.2)."""
    layers = [nn.Conv2d(in_ch, out_ch, 4, 2, 1, bias=not batchnorm)]
    return nn.Sequential(*layers, *([nn.BatchNorm2d(out_ch)] if batchnorm else []), nn.LeakyReLU(0.2))


class DCGenerator(nn.Module):
    """DCGAN generator for 28x28: z -> (2c, 7, 7) -> up_block -> (c, 14, 14) -> (1, 28, 28) in (-1, 1).
    Notebook 05 passes the learner's ``up_block``."""

    def __init__(self, z_dim: int = 64, channels: int = 32, up_block=up_block):
        super().__init__()
        c = channels
        self.net = nn.Sequential(
            nn.Linear(z_dim, 2 * c * 7 * 7, bias=False), nn.Unflatten(1, (2 * c, 7, 7)),
            nn.BatchNorm2d(2 * c), nn.ReLU(),
            up_block(2 * c, c),                                    # 7 -> 14
            nn.ConvTranspose2d(c, 1, 4, 2, 1), nn.Tanh(),          # 14 -> 28
        )

    def forward(self, z):
        return self.net(z)


class DCDiscriminator(nn.Module):
    """DCGAN discriminator for 28x28 in (-1, 1): down_block -> (c, 14, 14) -> down_block -> (2c, 7, 7)
    -> one logit. Notebook 05 passes the learner's ``down_block``."""

    def __init__(self, channels: int = 32, down_block=down_block):
        super().__init__()
        c = channels
        self.net = nn.Sequential(
            down_block(1, c, batchnorm=False),   # 28 -> 14
            down_block(c, 2 * c),                # 14 -> 7
            nn.Flatten(), nn.Linear(2 * c * 7 * 7, 1),
        )

    def forward(self, x):
        return self.net(x)


@torch.no_grad()
def generate(G, z):
    """Images in [0, 1] from a tanh generator, drawn in evaluation mode (batch norm uses its running
    averages, not the batch's statistics); G's mode is restored afterwards (notebook 05)."""
    was_training = G.training
    G.eval()
    images = (G(z) + 1) / 2
    G.train(was_training)
    return images


def dcgan_init(module: nn.Module) -> None:
    """DCGAN's initialisation: conv weights ~ N(0, 0.02), batch-norm scales ~ N(1, 0.02)."""
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
        nn.init.normal_(module.weight, 0.0, 0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, nn.BatchNorm2d):
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)


class MinibatchStd(nn.Module):
    """Appends one feature: the average standard deviation of the features across the batch.
    A collapsed generator's batch has almost none, which the discriminator can then see.
    The 1e-8 inside the square root (as in Karras et al. 2018) keeps the gradient finite when
    the batch has collapsed completely (d sqrt(v) / dv is infinite at v = 0)."""

    def forward(self, h):
        std = (h.var(dim=0) + 1e-8).sqrt()
        return torch.cat([h, std.mean().expand(len(h), 1)], dim=1)


def toy_discriminator(kind: str = "plain", hidden: int = 128) -> nn.Module:
    """2-D discriminators: "plain", "mbstd" (minibatch standard deviation) or "pack2" (PacGAN, 2 samples)."""
    act = lambda: nn.LeakyReLU(0.2)  # noqa: E731
    if kind == "plain":
        return mlp(2, 1, hidden, act=act)
    if kind == "mbstd":
        return nn.Sequential(nn.Linear(2, hidden), act(), MinibatchStd(), nn.Linear(hidden + 1, hidden), act(),
                             nn.Linear(hidden, 1))
    if kind == "pack2":
        return Packed(2, pack=2, hidden=hidden)
    raise ValueError(f"kind must be 'plain', 'mbstd' or 'pack2', not {kind!r}")


class _Batches:
    """``n`` fresh batches ``(sample(batch),)``, drawn lazily: a data loader for ``fit``."""

    def __init__(self, sample, batch: int, n: int):
        self.sample, self.batch, self.n = sample, batch, n

    def __len__(self):
        return self.n

    def __iter__(self):
        return ((self.sample(self.batch),) for _ in range(self.n))


def train_toy_gan(sample, D, steps: int, z_dim: int = 2, seed: int = 0, lr: float = 1e-3, lr_D: float | None = None,
                  batch: int = 256, step=gan_step, desc: str = "GAN", snapshots: int = 0, lr_decay: bool = False,
                  betas=(0.5, 0.999)):
    """Train a 2-D MLP generator against ``D`` on batches from ``sample(n)`` (Adam, lr for G,
    ``lr_D`` for D, default the same; Adam's ``betas``) with the course's ``fit``. ``lr_decay``: both learning rates
    fall linearly to 0 over the run. Returns (G, history, snapshots): ``snapshots`` evenly spaced
    sets of 1,000 generated points, keyed by step."""
    from ..train import fit, linear_decay

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
