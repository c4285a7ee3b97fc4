"""Train the course's mini-StyleGAN on Fashion-MNIST; notebook 07 loads the result.

    COURSE_DATA=../shared/data python scripts/train_stylegan.py --minutes 80

Trains for a wall-clock budget (it saves after every chunk of steps, so an interrupted
run still leaves a checkpoint), then writes course_lib/assets/stylegan_fmnist.pt (the
moving-average generator's weights and w_avg, float16) and stylegan_fmnist.json (its card:
images seen, time, hardware, and FID / precision / recall with the course classifier on
5,000 samples against 5,000 test images, at psi = 1 and psi = 0.7).
"""
import argparse
import json
import time

import torch

from course_lib import metrics
from course_lib.core import assets, config, data
from course_lib.core.train import fit
from course_lib.models import stylegan as sg

from course_answers.a04_gan_basics import gan_step


def save(trainer, history, args, seen, final=False):
    """The moving-average generator as a self-describing float16 checkpoint, with its card."""
    G = trainer.G_ema
    card = {"images_seen": seen, "steps": trainer.steps, "batch_size": args.batch_size,
            "train_seconds": round(history.seconds, 1), "hardware": assets.hardware(),
            "torch": str(torch.__version__), "config": {"z_dim": G.z_dim, "w_dim": G.w_dim},
            "data": "Fashion-MNIST train (60k), padded to 32x32"}
    assets.save(sg.PRETRAINED, G, card, half=True)
    if final:
        G, _, _ = assets.pretrained(sg.PRETRAINED)   # score what ships: the float16 weights
        real, _ = data.fashion_mnist("test", n=5000, seed=1)
        classifier = assets.pretrained(metrics.CLASSIFIER)[0]
        for psi in (1.0, 0.7):
            rep = metrics.report(real, sg.sample(G, 5000, psi=psi, seed=0), classifier)
            card[f"psi={psi}"] = {k: (round(v, 3) if isinstance(v, float) else v) for k, v in rep.items()}
        assets.save(sg.PRETRAINED, trainer.G_ema, card, half=True)
    return card


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=80)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--chunk", type=int, default=200, help="steps between saves")
    args = parser.parse_args()
    config.seed_everything(0)
    device = config.device()
    images, _ = data.fashion_mnist("train")
    G, D = sg.Generator().to(device), sg.Discriminator().to(device)
    trainer = sg.Trainer(G, D, gan_step)   # owns both optimizers: fit gets none
    # full batches only: the discriminator's minibatch-std feature depends on the batch size
    loader = data.loader(sg.pad32(images), batch_size=args.batch_size, seed=0, drop_last=True)
    deadline = time.time() + 60 * args.minutes

    def checkpoint(history):   # every --chunk steps: save, and stop once the budget is spent
        save(trainer, history, args, trainer.steps * args.batch_size)
        return time.time() > deadline

    history = fit(G, loader, trainer, epochs=10_000, callback=checkpoint, every=args.chunk, desc="StyleGAN")
    print(json.dumps(save(trainer, history, args, trainer.steps * args.batch_size, final=True), indent=2))


if __name__ == "__main__":
    main()
