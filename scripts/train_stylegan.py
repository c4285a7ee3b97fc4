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
import platform
import time

import torch

from course_lib import config, data, metrics
from course_lib.models import stylegan as sg
from course_lib.train import History, fit

ASSET = metrics.ASSETS / "stylegan_fmnist.pt"


def save(trainer, history, args, seen, final=False):
    G = trainer.G_ema
    torch.save({k: v.detach().cpu().half() for k, v in G.state_dict().items()}, ASSET)
    card = {"images_seen": seen, "steps": trainer.steps, "batch_size": args.batch_size,
            "train_seconds": round(history.seconds, 1),
            "hardware": f"{config.device()} / {platform.processor() or platform.machine()} / "
                        f"{torch.get_num_threads()} threads",
            "torch": str(torch.__version__), "config": {"z_dim": G.z_dim, "w_dim": G.w_dim},
            "data": "Fashion-MNIST train (60k), padded to 32x32"}
    if final:
        G = sg.Generator()
        G.load_state_dict({k: v.float() for k, v in torch.load(ASSET, weights_only=True).items()})
        real, _ = data.fashion_mnist("test", n=5000, seed=1)
        classifier = metrics.load_classifier()
        for psi in (1.0, 0.7):
            rep = metrics.report(real, sg.sample(G.eval(), 5000, psi=psi, seed=0), classifier)
            card[f"psi={psi}"] = {k: (round(v, 3) if isinstance(v, float) else v) for k, v in rep.items()}
    ASSET.with_suffix(".json").write_text(json.dumps(card, indent=2) + "\n")
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
    trainer = sg.Trainer(G, D)
    history, seen, deadline = History(), 0, time.time() + 60 * args.minutes
    loader = data.loader(sg.pad32(images), batch_size=args.batch_size, seed=0)
    batches = iter(())
    while time.time() < deadline and not history.interrupted:
        chunk = []
        for _ in range(args.chunk):
            batch = next(batches, None)
            if batch is None:
                batches = iter(loader)
                batch = next(batches)
            if len(batch[0]) == args.batch_size:
                chunk.append(batch)
        fit(G, chunk, trainer, None, history=history, desc=f"StyleGAN step {trainer.steps}")
        seen += sum(len(b[0]) for b in chunk)
        save(trainer, history, args, seen)
    print(json.dumps(save(trainer, history, args, seen, final=True), indent=2))


if __name__ == "__main__":
    main()
