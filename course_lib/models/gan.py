"""GANs (notebooks 04, 05 and 07): networks, R1, the toy game's training. The losses, the GAN step and
DCGAN's blocks are the learner's exercises (``course_answers.a04_gan_basics``, ``a05_dcgan``).

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


def saturating_generator_loss(d_fake):
    """The original minimax generator loss log(1 - D(G(z))) = -BCE(d(G(z)), 0)."""
    return -F.binary_cross_entropy_with_logits(d_fake, torch.zeros_like(d_fake))


def r1_penalty(d_real, real):
    """R1 (Mescheder et al. 2018): the mean squared norm of the gradient of D's logit at the real data.
    ``real`` must require grad and ``d_real`` be computed from it."""
    grad, = torch.autograd.grad(d_real.sum(), real, create_graph=True)
    return grad.pow(2).flatten(1).sum(1).mean()


class _WithR1:
    """D's optimizer, adding the gradient of (gamma / 2) x R1 on ``real`` just before each update: the
    same update as adding the penalty to D's loss, whatever step drives the optimizer."""

    def __init__(self, optimizer, D, real, gamma: float):
        self.optimizer, self.D, self.real, self.gamma = optimizer, D, real, gamma

    def zero_grad(self, set_to_none: bool = True):
        self.optimizer.zero_grad(set_to_none)

    def step(self):
        real = self.real.detach().requires_grad_(True)
        (self.gamma / 2 * r1_penalty(self.D(real), real)).backward()
        self.optimizer.step()


def with_r1(step, gamma: float):
    """A GAN step (``step(G, D, real, opt_G, opt_D, ...)``, notebook 04's) whose D update also descends
    (gamma / 2) x R1: D is kept smooth around the data (Mescheder et al. 2018)."""
    def step_with_r1(G, D, real, opt_G, opt_D, *args, **kwargs):
        return step(G, D, real, opt_G, _WithR1(opt_D, D, real, gamma), *args, **kwargs)
    return step_with_r1


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


class DCGenerator(nn.Module):
    """DCGAN generator for 28x28: z -> (2c, 7, 7) -> up_block -> (c, 14, 14) -> (1, 28, 28) in (-1, 1).
    Notebook 05 passes the learner's ``up_block``; without one, the block is written out here."""

    def __init__(self, z_dim: int = 64, channels: int = 32, up_block=None):
        super().__init__()
        c = channels
        up = up_block(2 * c, c) if up_block else nn.Sequential(
            nn.ConvTranspose2d(2 * c, c, kernel_size=4, stride=2, padding=1, bias=False), nn.BatchNorm2d(c), nn.ReLU())
        self.net = nn.Sequential(
            nn.Linear(z_dim, 2 * c * 7 * 7, bias=False), nn.Unflatten(1, (2 * c, 7, 7)),
            nn.BatchNorm2d(2 * c), nn.ReLU(),
            up,                                                    # 7 -> 14
            nn.ConvTranspose2d(c, 1, 4, 2, 1), nn.Tanh(),          # 14 -> 28
        )

    def forward(self, z):
        return self.net(z)


class DCDiscriminator(nn.Module):
    """DCGAN discriminator for 28x28 in (-1, 1): down_block -> (c, 14, 14) -> down_block -> (2c, 7, 7)
    -> one logit. Notebook 05 passes the learner's ``down_block``; without one, the blocks are written out here
    (batch norm, and then no bias, on the second only)."""

    def __init__(self, channels: int = 32, down_block=None):
        super().__init__()
        c = channels
        if down_block:
            first, second = down_block(1, c, batchnorm=False), down_block(c, 2 * c)
        else:
            first = nn.Sequential(nn.Conv2d(1, c, kernel_size=4, stride=2, padding=1), nn.LeakyReLU(0.2))
            second = nn.Sequential(nn.Conv2d(c, 2 * c, kernel_size=4, stride=2, padding=1, bias=False),
                                   nn.BatchNorm2d(2 * c), nn.LeakyReLU(0.2))
        self.net = nn.Sequential(
            first,                # 28 -> 14
            second,               # 14 -> 7
            nn.Flatten(), nn.Linear(2 * c * 7 * 7, 1),
        )

    def forward(self, x):
        return self.net(x)


def dcgan_init(module: nn.Module) -> None:
    """DCGAN's initialisation: conv weights ~ N(0, 0.02), batch-norm scales ~ N(1, 0.02)."""
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
        nn.init.normal_(module.weight, 0.0, 0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, nn.BatchNorm2d):
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)


def dcgan_optimizers(*models: nn.Module, lr: float = 2e-4, beta1: float = 0.5) -> tuple:
    """One Adam per model with DCGAN's settings (Radford, Metz, Chintala 2016, section 4): learning
    rate 2e-4, as 1e-3 was too high for the game, and beta1 = 0.5, as the default 0.9 made training
    oscillate and unstable. Used by every adversarial model of the course (05, 06, 08)."""
    return tuple(torch.optim.Adam(m.parameters(), lr, betas=(beta1, 0.999)) for m in models)


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




# ---- the Wasserstein GAN with a gradient penalty (notebook 05, section 7)
#
#   W1(p, q) = sup over 1-Lipschitz f of  E_p f(x) - E_q f(x)      (Kantorovich-Rubinstein duality)
#   critic     max_C  E_x C(x) - E_z C(G(z)) - lam * E_xhat (||grad C(xhat)|| - 1)^2     (Gulrajani et al. 2017)
#   generator  min_G -E_z C(G(z))
# The critic returns an unbounded score, not a logit: no sigmoid, no log. The penalty (the learner's
# ``gradient_penalty``, notebook 05's exercise 4) keeps C's gradient norm near 1 between real and fake samples.


def critic_loss(c_real, c_fake):
    """The critic's loss E C(G(z)) - E C(x): minimising it maximises the critic's estimate of W1."""
    return c_fake.mean() - c_real.mean()


def wasserstein_generator_loss(c_fake):
    """The generator's loss -E C(G(z)): raise the critic's score of the fakes."""
    return -c_fake.mean()


class WassersteinStep:
    """WGAN-GP's update (Gulrajani et al. 2017, Algorithm 1) as a GAN step ``step(G, C, real, opt_G, opt_C, z_dim)``:
    every call updates the critic ``C`` once, on this batch, with ``critic_loss + lam * penalty(C, real, fake)``;
    the first call and every ``n_critic``-th after it then update ``G`` once (n calls: n / n_critic updates of G).
    ``penalty``: notebook 05's ``gradient_penalty``. The paper's lam = 10 and n_critic = 5 are the defaults.
    Returns the critic's estimate of W1 on this batch, E C(x) - E C(G(z)), the penalty and the generator's last
    loss."""

    def __init__(self, penalty, lam: float = 10.0, n_critic: int = 5):
        self.penalty, self.lam, self.n_critic, self.calls, self.g_loss = penalty, lam, n_critic, 0, 0.0

    def __call__(self, G, C, real, opt_G, opt_C, z_dim):
        fake = G(torch.randn(len(real), z_dim, device=real.device))
        opt_C.zero_grad()
        c_real, c_fake = C(real), C(fake.detach())
        gp = self.penalty(C, real, fake.detach())
        (critic_loss(c_real, c_fake) + self.lam * gp).backward()
        opt_C.step()
        c_real, c_fake, gp = c_real.detach(), c_fake.detach(), gp.detach()
        if self.calls % self.n_critic == 0:   # the first call, then every n_critic-th
            opt_G.zero_grad()   # fresh noise for the generator's step (Algorithm 1, line 11)
            g_loss = wasserstein_generator_loss(C(G(torch.randn(len(real), z_dim, device=real.device))))
            g_loss.backward()
            opt_G.step()
            self.g_loss = g_loss.item()
        self.calls += 1
        return {"W estimate": (c_real.mean() - c_fake.mean()).item(), "gp": gp.item(), "g_loss": self.g_loss}


def wgan_critic(channels: int = 32) -> nn.Module:
    """The DCGAN discriminator's layers without batch norm (the penalty is per sample; batch norm mixes the samples
    of a batch, so Gulrajani et al. leave it out of the critic): 28x28 in (-1, 1) -> one unbounded score."""
    c = channels
    return nn.Sequential(nn.Conv2d(1, c, 4, 2, 1), nn.LeakyReLU(0.2), nn.Conv2d(c, 2 * c, 4, 2, 1), nn.LeakyReLU(0.2),
                         nn.Flatten(), nn.Linear(2 * c * 7 * 7, 1))
