"""Conditional generation for the virtual wardrobe (notebook 08): "draw me *this* garment".

A conditional model is given a request c next to its noise or code z. The numbers refer to
the equations of notebook 08:

    (1) condition     c = [one_hot(y), s]: the class y as a one-hot vector (K entries, no order
                      between classes) and the sizes s (width, length in [0, 1])
    (2) join          h = [z, c]: the request is concatenated to the code, feature-wise (dim 1),
                      at the decoder's/generator's *input*, so every layer can use it
    (3) cVAE          q(z|x, c), p(x|z, c); loss = -log p(x|z, c) + KL(q(z|x, c) || N(0, I))
                      (Sohn, Lee, Yan 2015: the ELBO of notebook 02 with c given everywhere)
    (4) projection    d(x, y) = psi(phi(x)) + embed(y)^T phi(x)  (Miyato & Koyama 2018): the
                      discriminator's features phi(x) are scored once for realism (psi) and
                      once for agreement with the label (an inner product with y's embedding)
    (5) cGAN losses   D: BCE(d(x, y), 1) + BCE(d(G(z, y), y), 0);  G: BCE(d(G(z, y), y), 1)

The networks are in ``course_lib.models.conditional`` (with the *reader*, ``Reader``, that reads
class and factors back from wardrobe images: the measuring instrument of the notebook); this
module trains and samples them.
"""
from __future__ import annotations

import time

import torch
import torch.nn.functional as F

from ..core.data import loader as make_loader
from ..core.train import fit, minimize
from ..metrics import n_parameters
from ..models import gan
from ..models.conditional import CondGenerator, CondVAE, ProjectionDiscriminator, Reader


def train_cvae(x, labels, sizes, epochs: int, n_classes: int, seed: int = 0, join=None, latent_dim: int = 4,
               desc: str = "cVAE"):
    """Adam 1e-3, batch 64, beta = 1. Returns (model, {"cpu_s", "params"})."""
    torch.manual_seed(seed)
    model = CondVAE(n_classes, sizes.shape[1], latent_dim, join=join)
    cpu = time.process_time()
    fit(model, make_loader(x, labels, sizes, batch_size=64, seed=seed), minimize(lambda m, batch: m.loss(*batch)),
        torch.optim.Adam(model.parameters(), 1e-3), epochs=epochs, desc=desc)
    return model, {"cpu_s": time.process_time() - cpu, "params": n_parameters(model)}


def cgan_step(G, D, real, labels, opt_G, opt_D, step) -> dict:
    """(5), one alternating update by ``step``, notebook 04's ``gan_step(G, D, real, opt_G, opt_D, z_dim)``, with
    the labels given: G and D are handed to it with the real batch's labels bound, so the fakes are drawn *for
    those labels* (D sees each class as often in both halves) and judged with the labels they were drawn for."""
    return step(lambda z: G(z, labels), lambda x: D(x, labels), real, opt_G, opt_D, G.z_dim)


def make_cgan(seed: int = 0, join=None, head=None):
    """G, D and their optimisers with DCGAN's settings: N(0, 0.02) init for G (D keeps PyTorch's
    init under spectral norm), Adam 2e-4 with beta1 = 0.5 (Radford et al. 2016)."""
    torch.manual_seed(seed)
    G, D = CondGenerator(join=join), ProjectionDiscriminator(head=head)
    G.apply(gan.dcgan_init)
    opts = gan.dcgan_optimizers(G, D)
    return G, D, opts


def train_cgan(x, labels, epochs: int, step, seed: int = 0, join=None, head=None, desc: str = "cGAN", models=None,
               callback=None):
    """``step``: notebook 04's ``gan_step``. Batches of 64; real images scaled to tanh's range as 2x - 1. ``models`` continues
    (G, D, opts) from ``make_cgan``; ``callback(history)`` runs after each epoch (``fit``).
    Returns (G, D, opts, {"cpu_s", "params"})."""
    G, D, opts = models or make_cgan(seed, join, head)
    cpu = time.process_time()
    fit(G, make_loader(x, labels, batch_size=64, seed=seed),   # the step owns both optimizers
        lambda g, batch, _: cgan_step(g, D, 2 * batch[0] - 1, batch[1], *opts, step), epochs=epochs, desc=desc, callback=callback)
    return G, D, opts, {"cpu_s": time.process_time() - cpu, "params": n_parameters(G, D)}


PRETRAINED_CGAN = "cgan_fmnist"   # made by scripts/train_cgan.py: assets.pretrained(PRETRAINED_CGAN)


@torch.no_grad()
def sample_cgan(G, labels, seed: int = 0, psi: float = 1.0):
    """One image in [0, 1] per requested label, G in eval mode. ``psi`` < 1 is the truncation
    trick for a noise input (BigGAN's idea, StyleGAN's psi of notebook 07 applied to z): z ~ N(0, psi^2 I),
    samples nearer the typical image of the class, less varied."""
    G.eval()
    z = psi * torch.randn(len(labels), G.z_dim, generator=torch.Generator().manual_seed(seed))
    return (G(z, labels) + 1) / 2


# ---------------------------------------------------------------- measuring instruments


def train_reader(train, epochs: int, seed: int = 0) -> Reader:
    """Squared error on the factors + cross-entropy on the class, Adam 2e-3, batch 64."""
    torch.manual_seed(seed)
    reader = Reader()

    def loss(m, batch):
        factors, logits = m(batch[0])
        return (factors - batch[2]).pow(2).mean() + F.cross_entropy(logits, batch[1])

    fit(reader, make_loader(train.images, train.labels, train.factors, batch_size=64, seed=seed), minimize(loss),
        torch.optim.Adam(reader.parameters(), 2e-3), epochs=epochs, desc="reader")
    return reader.eval()


