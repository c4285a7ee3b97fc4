"""Train the sequence VAEs of notebook 03 (part 3) on MOSES molecules, as SMILES and as SELFIES.

    python scripts/train_molecule_vae.py --minutes 12

For each representation: a GRU VAE (course_lib.models.sequence.SeqVAE) on 30,000 training
molecules for a wall-clock budget, with the KL weight beta warmed up from 0 to ``--beta``
over the first 40% of the steps (a warm-up keeps the decoder from ignoring z). With
``--property-weight`` > 0 a small head also predicts QED and logP (standardised) from z, trained
jointly as in Gomez-Bombarelli et al. (2018), so that these properties vary smoothly in the
latent space and gradient ascent on them (notebook 03) has something to climb. Writes
course_lib/assets/moses_<kind>_vae.pt (course_lib.core.assets: float16 weights, sizes, vocabulary) and .json
(card) with the card's
scores: validity / uniqueness / novelty of 1,000 prior samples, reconstruction accuracy on
500 test molecules, time and hardware.
"""
import argparse
import json
import time

import torch
from torch import nn

from course_lib import metrics
from course_lib.chapters import molecules as mol
from course_lib.core import assets, config
from course_lib.core import data as mdata
from course_lib.core.train import fit
from course_lib.models.sequence import seq_negative_elbo


def evaluate(model, data, test, train_smiles):
    torch.manual_seed(1)
    with torch.no_grad():
        prior = model.generate(torch.randn(1000, model.latent_dim), max_len=data.length)
        mu, _ = model.encode(test.ids)
        rec = model.generate(mu, max_len=data.length)
    sampled = mol.to_smiles(data.vocab.decode(prior), data.kind)
    rebuilt = [metrics.canonical(s) for s in mol.to_smiles(data.vocab.decode(rec), data.kind)]
    truth = [metrics.canonical(s) for s in test.smiles]
    card = metrics.molecule_scores(sampled, train_smiles)
    card["reconstruction"] = sum(a == b for a, b in zip(rebuilt, truth)) / len(truth)
    return {k: round(v, 4) for k, v in card.items()}


def train(kind, train_smiles, test_smiles, minutes, beta_max, prop_weight=0.0, folder=None, batch_size=128):
    config.seed_everything(0)
    data = mol.MoleculeSet(train_smiles, kind)
    test = mol.MoleculeSet(test_smiles, kind, data.vocab, data.length)
    model = mol.SeqVAE(len(data.vocab))
    props = mol.properties(train_smiles)
    props = (props - props.mean(0)) / props.std(0)          # QED and logP, standardised
    head = nn.Sequential(nn.Linear(model.latent_dim, 64), nn.ReLU(), nn.Linear(64, 2)) if prop_weight else None
    params = list(model.parameters()) + (list(head.parameters()) if head else [])
    opt = torch.optim.Adam(params, lr=1e-3)
    start, deadline, warmup = time.time(), time.time() + 60 * minutes, {"steps": None, "beta": 0.0}

    def step(model, batch, _):   # owns its optimizer: it also updates the property head
        ids, targets = batch
        out = seq_negative_elbo(model, ids, warmup["beta"], head, targets, prop_weight)
        opt.zero_grad()
        out["loss"].backward()
        torch.nn.utils.clip_grad_norm_(params, 5.0)   # GRUs: the occasional exploding gradient
        opt.step()
        return out

    def schedule(history):   # after every step: the KL warm-up, a log line, the time budget
        steps = len(history.steps["loss"])
        if warmup["steps"] is None and steps == 50:   # estimate the total from the speed so far
            warmup["steps"] = int(50 * 60 * minutes / (time.time() - start))
        warmup["beta"] = beta_max * min(1.0, steps / (0.4 * warmup["steps"])) if warmup["steps"] else 0.0
        if steps % 200 == 0:
            print(kind, steps, f"beta={warmup['beta']:.2f}", {k: round(v[-1], 2) for k, v in history.steps.items()},
                  flush=True)
        return time.time() > deadline

    history = fit(model, mdata.loader(data.ids, props, batch_size=batch_size, seed=0), step, epochs=10_000,
                  callback=schedule, every=1, desc=kind)
    card = evaluate(model.eval(), data, test, train_smiles)
    steps = len(history.steps["loss"])
    card.update({"kind": kind, "steps": steps, "epochs": round(steps * batch_size / len(train_smiles), 1),
                 "beta": beta_max, "property_weight": prop_weight, "train_molecules": len(train_smiles),
                 "train_seconds": round(history.seconds, 1), "hardware": assets.hardware(),
                 "torch": str(torch.__version__), "final_rec_nats": round(history.steps["rec"][-1], 2),
                 "final_kl_nats": round(history.steps["kl"][-1], 2)})
    mol.save_seqvae(f"moses_{kind}_vae", model, data.vocab, data.length, card, folder)
    print(json.dumps(card, indent=2), flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=12, help="per representation")
    parser.add_argument("--beta", type=float, default=0.5)
    parser.add_argument("--property-weight", type=float, default=0.0)
    parser.add_argument("--n", type=int, default=30_000)
    parser.add_argument("--out", default=None, help="folder for the checkpoints (default: course_lib/assets)")
    parser.add_argument("--kinds", default="smiles,selfies")
    args = parser.parse_args()
    train_smiles = mol.load_smiles(args.n, "train", seed=0)
    test_smiles = mol.load_smiles(500, "test", seed=0)
    for kind in args.kinds.split(","):
        train(kind, train_smiles, test_smiles, args.minutes, args.beta, args.property_weight, args.out)


if __name__ == "__main__":
    main()
