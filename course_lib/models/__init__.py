"""Reference models of the course."""
from .ae import Autoencoder, conv_autoencoder
from .vae import VAE

__all__ = ["Autoencoder", "conv_autoencoder", "VAE"]
