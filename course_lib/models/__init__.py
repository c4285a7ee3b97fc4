"""Reference models of the course: ae, vae, gan, stylegan, classifier (import the module you need)."""
from .ae import Autoencoder, conv_autoencoder, mlp_autoencoder
from .vae import VAE

__all__ = ["VAE", "Autoencoder", "conv_autoencoder", "mlp_autoencoder"]
