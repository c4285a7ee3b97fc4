"""Notebook 04's answers: the discriminator's and the generator's losses, one alternating GAN step.

D(x) = sigmoid(d(x)): the discriminator returns the logit d(x); D(x) -> 1 means "real".

    discriminator  max_D  E_x log D(x) + E_z log(1 - D(G(z)))  =  min  BCE(d(x), 1) + BCE(d(G(z)), 0)
    generator      non-saturating:  min -E_z log D(G(z)) = BCE(d(G(z)), 1)
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from course_lib.models.gan import r1_penalty


def discriminator_loss(d_real, d_fake):
    """BCE(d(x), 1) + BCE(d(G(z)), 0), from logits."""
    return (F.binary_cross_entropy_with_logits(d_real, torch.ones_like(d_real))
            + F.binary_cross_entropy_with_logits(d_fake, torch.zeros_like(d_fake)))


def generator_loss(d_fake):
    """Non-saturating: -log D(G(z)) = BCE(d(G(z)), 1)."""
    return F.binary_cross_entropy_with_logits(d_fake, torch.ones_like(d_fake))


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
