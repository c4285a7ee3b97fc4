"""The answers of 01_autoencoders, generated from the solution cells of its notebook,
solutions/01_autoencoders/01_autoencoders.ipynb,
by `python -m grading answers`: edit the notebook, not this file."""
from __future__ import annotations

from torch import nn


def make_mlp_autoencoder(latent_dim, hidden=256):
    """Return (encoder, decoder) for 28x28 images.

    encoder: (B, 1, 28, 28) -> (B, latent_dim)
    decoder: (B, latent_dim) -> (B, 1, 28, 28), pixels in (0, 1)
    """
    encoder = nn.Sequential(
        nn.Flatten(),                              # (B, 1, 28, 28) -> (B, 784)
        nn.Linear(28 * 28, hidden), nn.ReLU(),
        nn.Linear(hidden, latent_dim),             # the code z: no activation
    )
    decoder = nn.Sequential(
        nn.Linear(latent_dim, hidden), nn.ReLU(),
        nn.Linear(hidden, 28 * 28), nn.Sigmoid(),  # pixels in (0, 1)
        nn.Unflatten(1, (1, 28, 28)),              # (B, 784) -> (B, 1, 28, 28)
    )
    return encoder, decoder


def reconstruction_loss(x_hat, x):
    """Squared error summed over each image's pixels, averaged over the batch (a 0-dim tensor)."""
    return ((x_hat - x) ** 2).flatten(1).sum(dim=1).mean()


def train_step(model, batch, optimizer):
    """One gradient step of the autoencoder on a batch; returns the batch's loss as a float."""
    x = batch[0]  # images; the labels batch[1] are not used
    optimizer.zero_grad()                    # 1. forget the previous step's gradients
    loss = reconstruction_loss(model(x), x)  # 2. forward: encode, decode, compare
    loss.backward()                          # 3. backward: gradients of the loss
    optimizer.step()                         # 4. update the weights
    return loss.item()                       # 5. a float for the history
