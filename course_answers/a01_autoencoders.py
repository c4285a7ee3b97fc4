"""Notebook 01's answers: the MLP autoencoder, its reconstruction loss (squared error per image)."""
from __future__ import annotations

from torch import nn

from course_lib.models.ae import Autoencoder


def mlp_autoencoder(latent_dim: int = 16, hidden: int = 256) -> Autoencoder:
    """Notebook 01's MLP autoencoder: 784 -> hidden -> code (no activation) and back to pixels in (0, 1)."""
    encoder = nn.Sequential(nn.Flatten(), nn.Linear(28 * 28, hidden), nn.ReLU(), nn.Linear(hidden, latent_dim))
    decoder = nn.Sequential(nn.Linear(latent_dim, hidden), nn.ReLU(), nn.Linear(hidden, 28 * 28), nn.Sigmoid(),
                            nn.Unflatten(1, (1, 28, 28)))
    return Autoencoder(encoder, decoder)


def squared_error(x_hat, x):
    """Per-image summed squared error ||x_hat - x||^2, shape (N,): the plain autoencoder's loss
    (averaged over the batch) and its anomaly score in notebook 03."""
    return (x_hat - x).pow(2).flatten(1).sum(dim=1)
