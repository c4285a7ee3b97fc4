"""Autoencoders: x -> z = encoder(x) -> x_hat = decoder(z)  (notebook 01; its MLP autoencoder and loss are the
learner's exercises, in ``course_answers.a01_autoencoders``)."""
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
