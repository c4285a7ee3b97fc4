"""Train the conditional GAN of notebook 08 on Fashion-MNIST for longer than a notebook can.

    COURSE_DATA=../shared/data python scripts/train_cgan.py --epochs 12

The same networks, losses and settings as the notebook (``course_lib.chapters.conditional``: a DCGAN
generator with the one-hot label joined to z, a projection discriminator with spectral norm,
Adam 2e-4, beta1 = 0.5, batch 64), on all 60,000 training images. After every epoch it saves
course_lib/assets/cgan_fmnist.pt (course_lib.core.assets: the generator's float16 weights and sizes) and cgan_fmnist.json (its
card: epochs, time, hardware, and the conditioning accuracy of the course classifier on 200
samples per class, per epoch).
"""
import argparse
import json
import time

import torch

from course_lib import metrics
from course_lib.chapters import conditional
from course_lib.core import assets, config, data

from course_answers.a04_gan_basics import gan_step
from course_answers.a08_virtual_wardrobe import conditioned_input, projection_logit


def accuracy(G, classifier, per_class: int = 200) -> float:
    labels = torch.arange(10).repeat_interleave(per_class)
    images = conditional.sample_cgan(G, labels, seed=123)
    with torch.no_grad():
        return (classifier(images).argmax(1) == labels).float().mean().item()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=12)
    args = parser.parse_args()
    config.seed_everything(0)
    x, y = data.fashion_mnist("train")
    classifier = assets.pretrained(metrics.CLASSIFIER)[0]
    G, D, opts = conditional.make_cgan(seed=0, join=conditioned_input, head=projection_logit)
    card = {"epochs": 0, "batch_size": 64, "train_cpu_seconds": 0.0, "accuracy_per_epoch": [],
            "hardware": assets.hardware(), "torch": str(torch.__version__), "data": "Fashion-MNIST train (60k)",
            "accuracy": "share of 2,000 samples (200 per class, seed 123) the course classifier puts in the requested class"}
    start = time.process_time()

    def checkpoint(history):   # after every epoch: the card's accuracy, then a float16 checkpoint
        card["epochs"] += 1
        card["train_cpu_seconds"] = round(time.process_time() - start, 1)
        card["accuracy_per_epoch"].append(round(accuracy(G, classifier), 4))
        assets.save(conditional.PRETRAINED_CGAN, G, card, half=True)
        print(time.strftime("%H:%M:%S"), card["epochs"], card["accuracy_per_epoch"][-1], flush=True)

    conditional.train_cgan(x, y, args.epochs, gan_step, seed=0, models=(G, D, opts), callback=checkpoint)
    print(json.dumps(card, indent=2))


if __name__ == "__main__":
    main()
