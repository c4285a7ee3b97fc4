"""The answers of 05_dcgan, generated from the solution cells of its notebook,
solutions/05_dcgan/05_dcgan.ipynb,
by `python -m grading answers`: edit the notebook, not this file."""
from __future__ import annotations

import torch
from torch import nn

from course_answers.a04_gan_basics import gan_step


def up_block(in_ch, out_ch):
    """(B, in_ch, H, W) -> (B, out_ch, 2H, 2W): transposed conv, batch norm, ReLU."""
    return nn.Sequential(
        nn.ConvTranspose2d(in_ch, out_ch, kernel_size=4, stride=2, padding=1, bias=False),
        nn.BatchNorm2d(out_ch),
        nn.ReLU(),
    )


def down_block(in_ch, out_ch, batchnorm=True):
    """(B, in_ch, H, W) -> (B, out_ch, H/2, W/2): strided conv, [batch norm], LeakyReLU(0.2)."""
    layers = [nn.Conv2d(in_ch, out_ch, kernel_size=4, stride=2, padding=1, bias=not batchnorm)]
    if batchnorm:
        layers.append(nn.BatchNorm2d(out_ch))
    layers.append(nn.LeakyReLU(0.2))
    return nn.Sequential(*layers)


def dcgan_step(G, D, batch, opt_G, opt_D, z_dim):
    """One round of the game on a batch (images in [0, 1], labels): the real images go in as 2x - 1."""
    real = 2 * batch[0] - 1
    return gan_step(G, D, real, opt_G, opt_D, z_dim)


def generate(G, z):
    """Images in [0, 1] for codes z, drawn in evaluation mode; G's mode is restored afterwards."""
    was_training = G.training
    G.eval()
    with torch.no_grad():
        images = (G(z) + 1) / 2
    G.train(was_training)
    return images


def gradient_penalty(critic, real, fake):
    """WGAN-GP's penalty: the mean over the batch of (||grad critic(x_hat)|| - 1)^2 at
    x_hat = eps * real + (1 - eps) * fake, one eps ~ U[0, 1] per sample."""
    eps = torch.rand(len(real), *([1] * (real.dim() - 1)), device=real.device)   # one eps per sample
    x_hat = (eps * real + (1 - eps) * fake).requires_grad_(True)
    grad, = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)   # create_graph: it trains the critic
    return ((grad.flatten(1).norm(dim=1) - 1) ** 2).mean()
