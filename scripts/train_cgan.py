"""Train the conditional GAN of notebook 08 on Fashion-MNIST for longer than a notebook can.

    COURSE_DATA=../shared/data python scripts/train_cgan.py --epochs 12

The same networks, losses and settings as the notebook (``course_lib.conditional``: a DCGAN
generator with the one-hot label joined to z, a projection discriminator with spectral norm,
Adam 2e-4, beta1 = 0.5, batch 64), on all 60,000 training images. After every epoch it saves
course_lib/assets/cgan_fmnist.pt (the generator's weights, float16) and cgan_fmnist.json (its
card: epochs, time, hardware, and the conditioning accuracy of the course classifier on 200
samples per class, per epoch).
"""
import argparse
import json
import platform
import time

import torch

from course_lib import conditional, config, data, metrics


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
    classifier = metrics.load_classifier()
    models = conditional.make_cgan(seed=0)
    card = {"epochs": 0, "batch_size": 64, "train_cpu_seconds": 0.0, "accuracy_per_epoch": [],
            "hardware": f"cpu / {platform.processor() or platform.machine()} / {torch.get_num_threads()} threads",
            "torch": str(torch.__version__), "data": "Fashion-MNIST train (60k)",
            "accuracy": "share of 2,000 samples (200 per class, seed 123) the course classifier puts in the requested class"}
    for epoch in range(args.epochs):
        G, _, _, cost = conditional.train_cgan(x, y, 1, seed=epoch, models=models, desc=f"cGAN epoch {epoch + 1}")
        card["epochs"] += 1
        card["train_cpu_seconds"] = round(card["train_cpu_seconds"] + cost["cpu_s"], 1)
        card["accuracy_per_epoch"].append(round(accuracy(G, classifier), 4))
        G.train()
        torch.save({k: v.detach().half() if v.is_floating_point() else v for k, v in G.state_dict().items()},
                   conditional.CGAN_ASSET)
        conditional.CGAN_ASSET.with_suffix(".json").write_text(json.dumps(card, indent=2) + "\n")
        print(time.strftime("%H:%M:%S"), card["epochs"], card["accuracy_per_epoch"][-1], flush=True)


if __name__ == "__main__":
    main()
