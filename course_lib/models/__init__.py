"""Reference models of the course."""
from .ae import Autoencoder, conv_autoencoder

__all__ = ["Autoencoder", "conv_autoencoder"]
