"""Scores for generated images, in the feature space of a small Fashion-MNIST classifier.

Inception-v3 (the usual FID network) cannot be downloaded offline and knows nothing of
28x28 clothes; a classifier trained on the domain is the common practice for MNIST-like
data. Its checkpoint ships in ``course_lib/assets`` (made by ``scripts/train_classifier.py``).

* FID: Frechet distance between Gaussians fitted to real and generated features
  (torchmetrics' FrechetInceptionDistance with this classifier as the feature extractor).
* precision / recall (Kynkaenniemi et al. 2019): the share of generated samples inside the
  real data's k-NN manifold (quality), and of real samples inside the generated one (variety).
* class histogram: what the classifier thinks was generated; a collapsed GAN fills few classes.
"""
from __future__ import annotations

import json
from pathlib import Path

import torch
from torch import nn
from torchmetrics.image.fid import FrechetInceptionDistance

from .evaluate import batched

ASSETS = Path(__file__).parent / "assets"
CLASSIFIER = ASSETS / "fmnist_classifier.pt"


class Classifier(nn.Module):
    """A small CNN for 28x28 images in [0, 1]: 2 conv blocks, a 64-d feature layer, 10 logits."""

    num_features = 64

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),   # 28 -> 14
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 14 -> 7
            nn.Flatten(), nn.Linear(64 * 7 * 7, self.num_features), nn.ReLU(),
        )
        self.head = nn.Linear(self.num_features, 10)

    def features(self, x):
        return self.body(x)

    def forward(self, x):
        return self.head(self.body(x))


def load_classifier(device=None) -> Classifier:
    """The course's shipped Fashion-MNIST classifier, in eval mode."""
    if not CLASSIFIER.is_file():
        raise FileNotFoundError(f"{CLASSIFIER} is missing: run `python scripts/train_classifier.py` to make it.")
    model = Classifier()
    model.load_state_dict(torch.load(CLASSIFIER, map_location="cpu", weights_only=True))
    return model.to(device or "cpu").eval()


def classifier_card() -> dict:
    """The metrics recorded when the classifier was trained (test accuracy, time, hardware)."""
    return json.loads(CLASSIFIER.with_suffix(".json").read_text())


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
    classifier = classifier or load_classifier()
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
    metric = FrechetInceptionDistance(feature=_GivenFeatures(real_features.shape[1]))
    metric.update(real_features.cpu().double(), real=True)
    metric.update(fake_features.cpu().double(), real=False)
    return float(metric.compute())


@torch.no_grad()
def fid(real: torch.Tensor, fake: torch.Tensor, classifier: Classifier | None = None, batch_size: int = 1000) -> float:
    """Frechet distance between real and generated images in the classifier's feature space."""
    classifier = classifier or load_classifier()
    return fid_from_features(features(_check_images(real, "real"), classifier, batch_size),
                             features(_check_images(fake, "fake"), classifier, batch_size))


def precision_recall(real_features: torch.Tensor, fake_features: torch.Tensor, k: int = 3) -> dict:
    """Improved precision and recall: a point is inside a set's manifold when it lies within
    the distance from some member of the set to that member's k-th nearest neighbour."""
    def radii(x):
        return torch.cdist(x, x).kthvalue(k + 1, dim=1).values  # k+1: the point itself is at 0

    def inside(points, ref):
        return (torch.cdist(points, ref) <= radii(ref)[None, :]).any(dim=1).float().mean().item()

    real, fake = real_features.double(), fake_features.double()
    return {"precision": inside(fake, real), "recall": inside(real, fake)}


@torch.no_grad()
def class_histogram(images: torch.Tensor, classifier: Classifier | None = None) -> torch.Tensor:
    """How many images the classifier puts in each of the 10 classes."""
    classifier = classifier or load_classifier()
    labels = batched(lambda b: classifier(b).argmax(1), _check_images(images, "images"),
                     device=next(classifier.parameters()).device)
    return torch.bincount(labels, minlength=10)


def report(real: torch.Tensor, fake: torch.Tensor, classifier: Classifier | None = None, k: int = 3) -> dict:
    """FID, precision, recall and the class histogram of ``fake`` against ``real``."""
    classifier = classifier or load_classifier()
    real_f, fake_f = features(real, classifier), features(fake, classifier)
    return {"fid": fid_from_features(real_f, fake_f), **precision_recall(real_f, fake_f, k),
            "classes": class_histogram(fake, classifier).tolist()}
