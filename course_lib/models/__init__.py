"""The course's networks, one module per family (ae, vae, gan, stylegan, classifier): layers and models, never
the answer to an exercise (those are in ``course_answers``)."""
from .ae import Autoencoder, conv_autoencoder
from .vae import VAE

__all__ = ["VAE", "Autoencoder", "conv_autoencoder"]
