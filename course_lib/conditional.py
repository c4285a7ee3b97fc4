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

A *reader* network (``Reader``) reads class and factors back from wardrobe images: the
measuring instrument for every wardrobe result of the notebook (notebook 02's regressor,
made convolutional so that it can read stripe frequency too).
"""
from __future__ import annotations

import time

import torch
import torch.nn.functional as F
from torch import nn
from torch.distributions import Normal, kl_divergence

from . import evaluate
from .data import loader as make_loader
from .models import gan
from .models.vae import PRIOR, reconstruction_nll
from .train import fit, minimize


def no_sizes(labels) -> torch.Tensor:
    """An empty size block (N, 0): class-only conditioning."""
    return torch.zeros(len(labels), 0, device=labels.device)


def n_parameters(*modules) -> int:
    return sum(p.numel() for m in modules for p in m.parameters())


class CondVAE(nn.Module):
    """(3): an MLP VAE (784 -> hidden -> code -> hidden -> 784) with the request joined (``join``, 2)
    to the image at the encoder's input and to the code at the decoder's input: the learner's ``join``
    (notebook 08's exercise) where given, else the request written out here."""

    def __init__(self, n_classes: int, n_sizes: int, latent_dim: int = 8, hidden: int = 512, join=None):
        super().__init__()
        self.n_classes, self.n_sizes, self.latent_dim, self.join = n_classes, n_sizes, latent_dim, join
        n_c = n_classes + n_sizes
        self.features = nn.Flatten()
        self.to_stats = nn.Sequential(nn.Linear(784 + n_c, hidden), nn.ReLU(), nn.Linear(hidden, 2 * latent_dim))
        self.expand = nn.Sequential(nn.Linear(latent_dim + n_c, hidden), nn.ReLU())
        self.generate = nn.Sequential(nn.Linear(hidden, 784), nn.Unflatten(1, (1, 28, 28)))

    def _joined(self, h, labels, sizes):
        if self.join:
            return self.join(h, labels, sizes, self.n_classes)
        request = (F.one_hot(labels, self.n_classes), sizes)   # (1): c = [one_hot(y), s]
        return torch.cat((h, *(part.to(h.dtype) for part in request)), 1)

    def encode(self, x, labels, sizes):
        return self.to_stats(self._joined(self.features(x), labels, sizes)).chunk(2, dim=1)

    def decode_logits(self, z, labels, sizes):
        return self.generate(self.expand(self._joined(z, labels, sizes)))

    def decode(self, z, labels, sizes):
        return torch.sigmoid(self.decode_logits(z, labels, sizes))

    def loss(self, x, labels, sizes) -> dict:
        """(3), averaged over the batch."""
        mu, logvar = self.encode(x, labels, sizes)
        q = Normal(mu, torch.exp(0.5 * logvar), validate_args=False)
        rec = reconstruction_nll(self.decode_logits(q.rsample(), labels, sizes), x)
        kl = kl_divergence(q, PRIOR).sum(dim=1)
        return {"loss": (rec + kl).mean(), "rec": rec.mean(), "kl": kl.mean()}

    @torch.no_grad()
    def sample(self, labels, sizes, seed: int = 0):
        """One garment per request (labels (N,), sizes (N, n_sizes)): z ~ N(0, I), decoded."""
        self.eval()
        z = torch.randn(len(labels), self.latent_dim, generator=torch.Generator().manual_seed(seed))
        return self.decode(z, labels, sizes)


def train_cvae(x, labels, sizes, epochs: int, n_classes: int, seed: int = 0, join=None, latent_dim: int = 4,
               desc: str = "cVAE"):
    """Adam 1e-3, batch 64, beta = 1. Returns (model, {"cpu_s", "params"})."""
    torch.manual_seed(seed)
    model = CondVAE(n_classes, sizes.shape[1], latent_dim, join=join)
    cpu = time.process_time()
    fit(model, make_loader(x, labels, sizes, batch_size=64, seed=seed), minimize(lambda m, batch: m.loss(*batch)),
        torch.optim.Adam(model.parameters(), 1e-3), epochs=epochs, desc=desc)
    return model, {"cpu_s": time.process_time() - cpu, "params": n_parameters(model)}


class CondGenerator(nn.Module):
    """Notebook 05's DCGAN generator with the label joined (2) to the noise: [z, one_hot(y)] -> image in (-1, 1)."""

    def __init__(self, n_classes: int = 10, z_dim: int = 64, channels: int = 32, join=None):
        super().__init__()
        self.n_classes, self.z_dim, self.join = n_classes, z_dim, join
        self.config = {"n_classes": n_classes, "z_dim": z_dim, "channels": channels}   # rebuilds it (assets)
        self.net = gan.DCGenerator(z_dim + n_classes, channels).net   # 05's layers, on [z, one_hot(y)]

    def forward(self, z, labels):
        if self.join:
            return self.net(self.join(z, labels, no_sizes(labels), self.n_classes))
        return self.net(torch.cat((z, F.one_hot(labels, self.n_classes).to(z.dtype)), 1))   # (2), no sizes


class ProjectionDiscriminator(nn.Module):
    """Notebook 05's DCGAN discriminator as phi(x) (spectral norm on every layer, as Miyato &
    Koyama do, instead of batch norm), then the projection head (4): the learner's ``head`` (notebook 08's
    exercise) where given, else written out here."""

    def __init__(self, n_classes: int = 10, channels: int = 32, width: int = 128, head=None):
        super().__init__()
        c, sn = channels, nn.utils.parametrizations.spectral_norm
        self.phi = nn.Sequential(sn(nn.Conv2d(1, c, 4, 2, 1)), nn.LeakyReLU(0.2),            # 28 -> 14
                                 sn(nn.Conv2d(c, 2 * c, 4, 2, 1)), nn.LeakyReLU(0.2),        # 14 -> 7
                                 nn.Flatten(), sn(nn.Linear(2 * c * 49, width)), nn.LeakyReLU(0.2))
        self.psi = sn(nn.Linear(width, 1))
        self.embed = sn(nn.Embedding(n_classes, width))
        self.head = head

    def forward(self, x, labels):
        phi = self.phi(x)
        if self.head:
            return self.head(phi, labels, self.psi, self.embed)
        realism, agreement = self.psi(phi)[:, 0], torch.einsum("nf,nf->n", self.embed(labels), phi)   # (4)
        return realism + agreement


def cgan_step(G, D, real, labels, opt_G, opt_D, step) -> dict:
    """(5), one alternating update by ``step``, notebook 04's ``gan_step``, with the labels given. The fakes
    are drawn *for the real batch's labels*, so D sees each class as often in both halves, and judged
    with the labels they were drawn for."""
    z = torch.randn(len(real), G.z_dim, device=real.device)
    return step(G, lambda x: D(x, labels), real, opt_G, opt_D, fake=G(z, labels))


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


class Reader(nn.Module):
    """Reads a wardrobe image: its 5 factors (sigmoid outputs in [0, 1]) and its class (logits)."""

    def __init__(self, n_factors: int = 5, n_classes: int = 5):
        super().__init__()
        self.n_factors = n_factors
        self.net = nn.Sequential(nn.Conv2d(1, 16, 3, 2, 1), nn.ReLU(), nn.Conv2d(16, 32, 3, 2, 1), nn.ReLU(),
                                 nn.Flatten(), nn.Linear(32 * 49, 64), nn.ReLU(), nn.Linear(64, n_factors + n_classes))

    def forward(self, x):
        out = self.net(x)
        return torch.sigmoid(out[:, :self.n_factors]), out[:, self.n_factors:]

    @torch.no_grad()
    def factors(self, x):
        return evaluate.batched(lambda b: self(b)[0], x)

    @torch.no_grad()
    def classes(self, x):
        return evaluate.batched(lambda b: self(b)[1].argmax(1), x)


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


def r2(predicted, target) -> torch.Tensor:
    """Coefficient of determination per column: 1 - SS_res / SS_tot (1 perfect, 0 = predicting the mean)."""
    target = target.double()
    res = (predicted.double() - target).pow(2).sum(0)
    return 1 - res / (target - target.mean(0)).pow(2).sum(0).clamp_min(1e-12)


def mean_pairwise_distance(images) -> float:
    """Diversity: the mean RMS pixel distance between two different images of the set."""
    flat = images.flatten(1).double()
    d = torch.cdist(flat, flat) / flat.shape[1] ** 0.5
    n = len(flat)
    return (d.sum() / (n * (n - 1))).item()


def spearman(a, b) -> float:
    """Rank correlation of two 1-D sequences: 1 = b rises whenever a does."""
    def rank(v):
        return torch.as_tensor(v).double().argsort().argsort().double()
    return torch.corrcoef(torch.stack([rank(a), rank(b)]))[0, 1].item()


def novelty(generated, train, floor) -> dict:
    """Nearest-training-image RMS distances of generated images against ``floor``, the same
    distances for real test images (new real garments): a copying generator sits far below it."""
    gen = evaluate.nearest_neighbour_distance(generated, train)
    return {"generated": gen.median().item(), "test floor": floor.median().item(),
            "share closer than the closest 1% of test": (gen < floor.quantile(0.01)).float().mean().item()}
