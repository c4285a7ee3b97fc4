"""The answers of 04_gan_basics, generated from the solution cells of its notebook,
solutions/04_gan_basics/04_gan_basics.ipynb,
by `python -m grading answers`: edit the notebook, not this file."""
from __future__ import annotations

import torch
import torch.nn.functional as F


def discriminator_loss(d_real, d_fake):
    """BCE(d(x), 1) + BCE(d(G(z)), 0), from the discriminator's logits on real and generated batches."""
    real_term = F.binary_cross_entropy_with_logits(d_real, torch.ones_like(d_real))   # real -> 1
    fake_term = F.binary_cross_entropy_with_logits(d_fake, torch.zeros_like(d_fake))  # fake -> 0
    return real_term + fake_term


def generator_loss(d_fake):
    """The non-saturating generator loss -log D(G(z)), averaged, from the logits d(G(z))."""
    return F.binary_cross_entropy_with_logits(d_fake, torch.ones_like(d_fake))  # fakes labelled "real"


def gan_step(G, D, real, opt_G, opt_D, z_dim):
    """One alternating update of D then G; returns the losses and D's mean outputs as floats."""
    z = torch.randn(len(real), z_dim, device=real.device)
    fake = G(z)
    # discriminator: real -> 1, fake -> 0; the fakes are detached so G is left alone
    opt_D.zero_grad()
    d_real, d_fake = D(real), D(fake.detach())
    d_loss = discriminator_loss(d_real, d_fake)
    d_loss.backward()
    opt_D.step()
    # generator: make the updated D call the fakes real
    opt_G.zero_grad()
    g_loss = generator_loss(D(fake))
    g_loss.backward()
    opt_G.step()
    return {"d_loss": d_loss.item(), "g_loss": g_loss.item(),
            "D(x)": torch.sigmoid(d_real).mean().item(), "D(G(z))": torch.sigmoid(d_fake).mean().item()}
