"""Scores for generated images, in the feature space of a small Fashion-MNIST classifier.

Inception-v3 (the usual FID network) cannot be downloaded offline and knows nothing of
28x28 clothes; a classifier trained on the domain is the common practice for MNIST-like
data. Its checkpoint ships in ``course_lib/assets`` (made by ``scripts/train_classifier.py``).

* FID: Frechet distance between Gaussians fitted to real and generated features
  (torchmetrics' FrechetInceptionDistance with this classifier as the feature extractor).
* precision / recall (Kynkaenniemi et al. 2019): the share of generated samples inside the
  real data's k-NN manifold (quality), and of real samples inside the generated one (variety).
* class histogram: what the classifier thinks was generated; a collapsed GAN fills few classes.

The other kinds of measurement are this package's other modules (``codes``, ``latent``, ``toy2d``,
``molecules``); the likelihoods (-ELBO, IWAE) stay beside the VAE in ``models/vae.py``, since they
are the model's own loss.
"""
from __future__ import annotations

import torch
from torch import nn

from ..core import assets
from ..core.data import batched
from ..models.classifier import Classifier
from .codes import high_frequency_energy, laplacian_variance

CLASSIFIER = "fmnist_classifier"   # the shipped checkpoint's name in course_lib/assets


def _check_images(images: torch.Tensor, name: str) -> torch.Tensor:
    if images.dim() != 4 or tuple(images.shape[1:]) != (1, 28, 28):
        raise ValueError(f"{name} should be images shaped (N, 1, 28, 28), not {tuple(images.shape)}")
    if not torch.isfinite(images).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    if images.min() < -1e-3 or images.max() > 1 + 1e-3:
        raise ValueError(f"{name} should lie in [0, 1] (map a tanh output with (x + 1) / 2)")
    return images


@torch.no_grad()
def features(images: torch.Tensor, classifier: Classifier | None = None, batch_size: int = 1000) -> torch.Tensor:
    classifier = classifier or assets.pretrained(CLASSIFIER)[0]
    return batched(classifier.features, _check_images(images, "images"), batch_size,
                   device=next(classifier.parameters()).device)


class _GivenFeatures(nn.Module):
    """An identity "feature extractor": lets torchmetrics' FID run on features computed already."""

    def __init__(self, num_features: int):
        super().__init__()
        self.num_features = num_features

    def forward(self, x):
        return x


def fid_from_features(real_features: torch.Tensor, fake_features: torch.Tensor) -> float:
    """torchmetrics' Frechet distance between Gaussians fitted to two feature matrices (N, d):
    ||mu_r - mu_f||^2 + tr(S_r + S_f - 2 (S_r S_f)^(1/2)), covariances with 1/(N - 1)."""
    from torchmetrics.image.fid import FrechetInceptionDistance  # here: a slow import

    metric = FrechetInceptionDistance(feature=_GivenFeatures(real_features.shape[1]))
    metric.update(real_features.cpu().double(), real=True)
    metric.update(fake_features.cpu().double(), real=False)
    return float(metric.compute())


@torch.no_grad()
def fid(real: torch.Tensor, fake: torch.Tensor, classifier: Classifier | None = None, batch_size: int = 1000) -> float:
    """Frechet distance between real and generated images in the classifier's feature space."""
    classifier = classifier or assets.pretrained(CLASSIFIER)[0]
    return fid_from_features(features(_check_images(real, "real"), classifier, batch_size),
                             features(_check_images(fake, "fake"), classifier, batch_size))


def manifold_scores(real_features: torch.Tensor, fake_features: torch.Tensor, k: int = 3) -> dict:
    """Improved precision and recall (Kynkaanniemi et al. 2019), computed by ``prdc`` (Naeem et al.'s
    package): the share of fakes inside the real manifold and of reals inside the fake one, a point
    being inside when it lies within some member's distance to that member's k-th nearest neighbour.
    Notebook 06's exercise writes the same measure; this is the one notebooks 05, 07 and 08 use."""
    import contextlib
    import io

    from prdc import compute_prdc  # here: it imports scikit-learn

    with contextlib.redirect_stdout(io.StringIO()):   # prdc prints the set sizes
        out = compute_prdc(real_features.double().cpu().numpy(), fake_features.double().cpu().numpy(), k)
    return {"precision": float(out["precision"]), "recall": float(out["recall"])}


@torch.no_grad()
def class_histogram(images: torch.Tensor, classifier: Classifier | None = None) -> torch.Tensor:
    """How many images the classifier puts in each of the 10 classes."""
    classifier = classifier or assets.pretrained(CLASSIFIER)[0]
    labels = batched(lambda b: classifier(b).argmax(1), _check_images(images, "images"),
                     device=next(classifier.parameters()).device)
    return torch.bincount(labels, minlength=10)


def report(real: torch.Tensor, fake: torch.Tensor, classifier: Classifier | None = None, k: int = 3) -> dict:
    """FID, precision, recall and the class histogram of ``fake`` against ``real``."""
    classifier = classifier or assets.pretrained(CLASSIFIER)[0]
    real_f, fake_f = features(real, classifier), features(fake, classifier)
    return {"fid": fid_from_features(real_f, fake_f), **manifold_scores(real_f, fake_f, k),
            "classes": class_histogram(fake, classifier).tolist()}


def image_scores(real_features, images, classifier, fid=fid_from_features,
                 precision_recall=manifold_scores) -> dict:
    """Every score of ``images`` against real features, one column of notebook 06's comparison table: FID,
    precision and recall (by the functions given), feature spread, the class histogram and its extremes, sharpness
    and the high-frequency share."""
    fake_features = features(images, classifier)
    classes = class_histogram(images, classifier)
    spread = torch.cov(fake_features.double().T).trace() / torch.cov(real_features.double().T).trace()
    return {"fid": fid(real_features, fake_features), **precision_recall(real_features, fake_features),
            "feature spread": spread.item(), "histogram": classes.tolist(),
            "classes covered": int((classes >= 0.02 * len(images)).sum()),
            "largest class": classes.max().item() / len(images),
            "sharpness": laplacian_variance(images).mean().item(),
            "high-freq share": high_frequency_energy(images).mean().item()}
