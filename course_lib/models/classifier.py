"""The course's Fashion-MNIST classifier: the feature extractor behind FID, precision/recall and
the class histograms (``course_lib.metrics``). Shipped as ``assets/fmnist_classifier``, made by
``scripts/train_classifier.py``."""
from __future__ import annotations

from torch import nn


class Classifier(nn.Module):
    """A small CNN for 28x28 images in [0, 1]: 2 conv blocks, a 64-d feature layer, 10 logits."""

    num_features = 64

    def __init__(self):
        super().__init__()
        self.config = {}   # nothing to choose: rebuilds it (course_lib.core.assets)
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
