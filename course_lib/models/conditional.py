"""Notebook 08's conditional networks: a conditional VAE, a DCGAN generator given the class, a projection
discriminator (Miyato & Koyama 2018), and the reader that measures wardrobe images. The numbers refer to
``course_lib.chapters.conditional``'s equations."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from torch.distributions import Normal, kl_divergence

from ..core.data import batched
from . import gan
from .vae import PRIOR, reconstruction_nll


def no_sizes(labels) -> torch.Tensor:
    """An empty size block (N, 0): class-only conditioning."""
    return torch.zeros(len(labels), 0, device=labels.device)


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
        return batched(lambda b: self(b)[0], x)

    @torch.no_grad()
    def classes(self, x):
        return batched(lambda b: self(b)[1].argmax(1), x)
