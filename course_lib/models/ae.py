"""Autoencoders: x -> z = encoder(x) -> x_hat = decoder(z)  (notebook 01)."""
from __future__ import annotations

from torch import nn


class Autoencoder(nn.Module):
    """Glue an encoder (image -> code) and a decoder (code -> image) together."""

    def __init__(self, encoder: nn.Module, decoder: nn.Module):
        super().__init__()
        self.encoder, self.decoder = encoder, decoder

    def encode(self, x):
        return self.encoder(x)

    def decode(self, z):
        return self.decoder(z)

    def forward(self, x):
        return self.decode(self.encode(x))


def mlp_autoencoder(latent_dim: int = 16, hidden: int = 256) -> Autoencoder:
    """Notebook 01's MLP autoencoder: 784 -> hidden -> code (no activation) and back to pixels in (0, 1)."""
    encoder = nn.Sequential(nn.Flatten(), nn.Linear(28 * 28, hidden), nn.ReLU(), nn.Linear(hidden, latent_dim))
    decoder = nn.Sequential(nn.Linear(latent_dim, hidden), nn.ReLU(), nn.Linear(hidden, 28 * 28), nn.Sigmoid(),
                            nn.Unflatten(1, (1, 28, 28)))
    return Autoencoder(encoder, decoder)


def conv_autoencoder(latent_dim: int = 16, channels: int = 32) -> Autoencoder:
    """A small convolutional autoencoder for 28x28 images (28 -> 14 -> 7 -> code and back)."""
    c1, c2 = channels, 2 * channels
    encoder = nn.Sequential(
        nn.Conv2d(1, c1, 4, stride=2, padding=1), nn.ReLU(),   # 28 -> 14
        nn.Conv2d(c1, c2, 4, stride=2, padding=1), nn.ReLU(),  # 14 -> 7
        nn.Flatten(), nn.Linear(c2 * 7 * 7, latent_dim),
    )
    decoder = nn.Sequential(
        nn.Linear(latent_dim, c2 * 7 * 7), nn.ReLU(), nn.Unflatten(1, (c2, 7, 7)),
        nn.ConvTranspose2d(c2, c1, 4, stride=2, padding=1), nn.ReLU(),  # 7 -> 14
        nn.ConvTranspose2d(c1, 1, 4, stride=2, padding=1), nn.Sigmoid(),  # 14 -> 28
    )
    return Autoencoder(encoder, decoder)


def squared_error(x_hat, x):
    """Per-image summed squared error ||x_hat - x||^2, shape (N,): the plain autoencoder's loss
    (averaged over the batch) and its anomaly score in notebook 03."""
    return (x_hat - x).pow(2).flatten(1).sum(dim=1)
