"""Train notebook 08's small CycleGAN (plain <-> striped wardrobe garments), longer than a notebook can.

    python scripts/train_cyclegan.py --updates 4000

The networks, losses and settings of ``course_lib.chapters.wardrobe_app.train_cyclegan`` (equation (10)):
two pix2pix U-Nets with instance norm, two 1-channel patch discriminators, least squares, cycle weight 10,
identity weight 0.5, Adam 2e-4 with beta1 = 0.5, batches of 16 drawn from 12,000 plain garments (seed 50)
and 12,000 other, striped ones (seed 51, texture U[0.6, 1]): never a pair. Every 500 updates it scores 500
new garments per domain (seeds 60 and 61) and saves course_lib/assets/cyclegan_wardrobe.pt (both
generators' float16 weights) and its card (updates, CPU time, hardware, the checks). No data set is needed:
the wardrobe renders its own garments.
"""
import argparse
import json
import time

import torch

from course_lib import metrics
from course_lib.chapters import wardrobe_app
from course_lib.core import assets, config

PLAIN, STRIPED = (0.0, 0.0), (0.6, 1.0)   # the texture factor's range in each domain


def mean4(values) -> float:
    return round(values.mean().item(), 4)


def checks(model, plain, striped) -> dict:
    """Both directions on new garments: shape kept (silhouette IoU), fabric changed (stripe contrast), cycle error."""
    with torch.no_grad():
        to_striped, to_plain = model.ab(plain), model.ba(striped)
        cycle = ((model.ba(to_striped) - plain).abs().mean() + (model.ab(to_plain) - striped).abs().mean()) / 2
    return {"plain_to_striped_iou": mean4(metrics.silhouette_iou(to_striped, plain)),
            "plain_to_striped_contrast": mean4(metrics.stripe_contrast(to_striped)),
            "striped_to_plain_iou": mean4(metrics.silhouette_iou(to_plain, striped)),
            "striped_to_plain_contrast": mean4(metrics.stripe_contrast(to_plain)),
            "cycle_error": round(cycle.item(), 4)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--updates", type=int, default=4000)
    parser.add_argument("--every", type=int, default=500, help="updates between checks (and checkpoints)")
    parser.add_argument("--out", default=None, help="folder for the checkpoint and card (default: course_lib/assets)")
    args = parser.parse_args()
    config.seed_everything(0)
    a = wardrobe_app.fabric_domain(12_000, 50, *PLAIN).images
    b = wardrobe_app.fabric_domain(12_000, 51, *STRIPED).images
    plain = wardrobe_app.fabric_domain(500, 60, *PLAIN).images
    striped = wardrobe_app.fabric_domain(500, 61, *STRIPED).images
    card = {"updates": 0, "batch_size": 16, "train_cpu_seconds": 0.0, "checks": [],
            "references": {"plain_contrast": mean4(metrics.stripe_contrast(plain)),
                           "striped_contrast": mean4(metrics.stripe_contrast(striped))},
            "hardware": assets.hardware(), "torch": str(torch.__version__),
            "data": "wardrobe renders (course_lib.core.wardrobe): 12,000 plain garments (seed 50), 12,000 other "
                    "garments striped with texture U[0.6, 1] (seed 51), unpaired",
            "checks_on": "500 new garments per domain (seeds 60 and 61); cycle_error: mean |G_ba(G_ab(a)) - a| and "
                         "|G_ab(G_ba(b)) - b| per pixel"}

    def check(model, updates, cpu_s):   # every 500 updates (--every): the card's checks, then a float16 checkpoint
        card.update(updates=updates, train_cpu_seconds=round(cpu_s, 1))
        card["checks"].append({"updates": updates, **checks(model, plain, striped)})
        assets.save(wardrobe_app.PRETRAINED_CYCLEGAN, model, card, half=True, folder=args.out)
        print(time.strftime("%H:%M:%S"), json.dumps(card["checks"][-1]), flush=True)

    wardrobe_app.train_cyclegan(a, b, args.updates, seed=0, check=check, every=args.every)
    print(json.dumps(card, indent=2))


if __name__ == "__main__":
    main()
