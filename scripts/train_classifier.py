"""Train the course's Fashion-MNIST classifier, the feature extractor of course_lib.metrics.

    COURSE_DATA=../shared/data python scripts/train_classifier.py

Writes course_lib/assets/fmnist_classifier.pt (course_lib.core.assets: weights + rebuild arguments) and
.json (its card: test accuracy,
training time, hardware, versions, and the real-vs-real FID floor).
"""
import json

import torch
import torch.nn.functional as F

from course_lib import metrics
from course_lib.core import assets, config, data
from course_lib.core.train import fit, minimize
from course_lib.models.classifier import Classifier


def main(epochs: int = 4):
    config.seed_everything(0)
    device = config.device()
    x_train, y_train = data.fashion_mnist("train")
    x_test, y_test = data.fashion_mnist("test")
    model = Classifier().to(device)
    step = minimize(lambda m, batch: F.cross_entropy(m(batch[0]), batch[1]))
    history = fit(model, data.loader(x_train, y_train, batch_size=128), step,
                  torch.optim.Adam(model.parameters(), lr=1e-3), epochs=epochs, desc="classifier")
    with torch.no_grad():
        predictions = torch.cat([model(b.to(device)).argmax(1).cpu() for b in x_test.split(1000)])
    accuracy = (predictions == y_test).float().mean().item()
    floor = metrics.fid(x_train[:10_000], x_test[:10_000], model.eval())
    card = {"test_accuracy": round(accuracy, 4), "epochs": epochs, "train_seconds": round(history.seconds, 1),
            "hardware": assets.hardware(), "torch": torch.__version__, "fid_real_vs_real_10k": round(floor, 3),
            "data": "Fashion-MNIST train (60k) / test (10k)"}
    assets.save(metrics.CLASSIFIER, model, card)
    print(json.dumps(card, indent=2))


if __name__ == "__main__":
    main()
