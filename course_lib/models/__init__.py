"""models: every network the course trains or ships, with the losses and update steps that define it (ae, vae,
gan, stylegan, classifier; 03's sequence and tabular VAEs; 08's conditional and translation networks); no loop
over data (a recipe is a chapter's) and no measurement (metrics/); never the answer to an exercise (those are in
``course_answers``)."""
from .ae import Autoencoder, conv_autoencoder
from .vae import VAE

__all__ = ["VAE", "Autoencoder", "conv_autoencoder"]
