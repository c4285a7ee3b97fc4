"""The course's reference models against pytorch/examples' at equal CPU time.

    COURSE_DATA=../shared/data python scripts/benchmark_equal_compute.py              # the full comparison
    COURSE_DATA=../shared/data python scripts/benchmark_equal_compute.py --vae-seconds 30 --gan-seconds 30 --seeds 1
    COURSE_DATA=../shared/data python scripts/benchmark_equal_compute.py --only vae --jobs 2   # VAEs, 2 at a time

One thread, process CPU time of the training steps only (evaluation is not counted), Fashion-MNIST.

* VAE: notebook 02's conv VAE and recipe (``course_lib.models.VAE``, batches of 64, Adam 2e-3
  falling linearly to 0 over the run: here over the CPU budget) against pytorch/examples'
  vae/main.py as published (an MLP 784-400-20-400-784, batches of 128, Adam 1e-3), and the same MLP
  given the course's decay too. All share the Bernoulli likelihood, -ELBO = BCE + KL summed over
  pixels. Reported: test -ELBO and the IWAE bound (nats) after the same CPU budget and after one
  epoch, and images per CPU-second in the step.
* DCGAN: notebook 05's DCGAN (``gan.DCGenerator`` / ``DCDiscriminator``, 28x28) against
  pytorch/examples' dcgan/main.py (64x64, ngf = ndf = 64, nz = 100, images resized to 64). Both use
  Adam 2e-4 with beta1 = 0.5 and BCE. Reported: FID, precision and recall with the course
  classifier (2,000 samples against 2,000 test images) after the same CPU budget.

The networks of pytorch/examples are rewritten here (same layers and sizes), not imported: the
course runs offline. Nothing here runs in the test suite; it times things, which tests must not.
"""
from __future__ import annotations

import argparse
import time
from concurrent.futures import ProcessPoolExecutor

import torch
import torch.nn.functional as F
from torch import nn

from course_lib import metrics
from course_lib.chapters import compare
from course_lib.core import assets, data
from course_lib.core.train import fit, minimize
from course_lib.metrics.likelihood import importance_weighted_nll
from course_lib.models import VAE, gan

from course_answers.a02_variational_autoencoders import negative_elbo
from course_answers.a04_gan_basics import gan_step
from course_answers.a05_dcgan import generate


class ExamplesVAE(nn.Module):
    """pytorch/examples vae/main.py: fc1 784->400, fc21/fc22 400->20, fc3 20->400, fc4 400->784,
    with the course's encode / decode_logits interface so both models share one loss."""

    def __init__(self):
        super().__init__()
        self.fc1, self.fc21, self.fc22 = nn.Linear(784, 400), nn.Linear(400, 20), nn.Linear(400, 20)
        self.fc3, self.fc4 = nn.Linear(20, 400), nn.Linear(400, 784)

    def encode(self, x, y=None):
        h = F.relu(self.fc1(x.flatten(1)))
        return self.fc21(h), self.fc22(h)

    def decode_logits(self, z, y=None):
        return self.fc4(F.relu(self.fc3(z))).view(-1, 1, 28, 28)


class ExamplesGenerator(nn.Module):
    """pytorch/examples dcgan/main.py's generator for 64x64, one channel: nz -> 4 -> 8 -> 16 -> 32 -> 64."""

    def __init__(self, nz: int = 100, ngf: int = 64):
        super().__init__()
        self.nz = nz
        chans = [ngf * 8, ngf * 4, ngf * 2, ngf]
        layers = [nn.ConvTranspose2d(nz, chans[0], 4, 1, 0, bias=False), nn.BatchNorm2d(chans[0]), nn.ReLU(True)]
        for a, b in zip(chans, chans[1:]):
            layers += [nn.ConvTranspose2d(a, b, 4, 2, 1, bias=False), nn.BatchNorm2d(b), nn.ReLU(True)]
        self.main = nn.Sequential(*layers, nn.ConvTranspose2d(ngf, 1, 4, 2, 1, bias=False), nn.Tanh())

    def forward(self, z):
        return self.main(z.view(len(z), self.nz, 1, 1))


class ExamplesDiscriminator(nn.Module):
    """pytorch/examples dcgan/main.py's discriminator for 64x64 (returns the logit; its Sigmoid + BCELoss
    is the same loss as BCE-with-logits)."""

    def __init__(self, ndf: int = 64):
        super().__init__()
        chans = [ndf, ndf * 2, ndf * 4, ndf * 8]
        layers = [nn.Conv2d(1, ndf, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, True)]
        for a, b in zip(chans, chans[1:]):
            layers += [nn.Conv2d(a, b, 4, 2, 1, bias=False), nn.BatchNorm2d(b), nn.LeakyReLU(0.2, True)]
        self.main = nn.Sequential(*layers, nn.Conv2d(ndf * 8, 1, 4, 1, 0, bias=False), nn.Flatten())

    def forward(self, x):
        return self.main(x)


def on_budget(step, seconds: float, optimizer=None, lr: float = 0.0, decay: bool = False):
    """``step`` for ``fit`` that counts its own process CPU time and images in ``spent`` (data loading
    and ``fit``'s bookkeeping are not counted); ``decay``: the learning rate falls linearly to 0 as the
    budget is spent (a notebook decays over its planned steps; here the plan is the budget)."""
    spent = {"cpu": 0.0, "images": 0}

    def timed(model, batch, opt):
        if decay:
            optimizer.param_groups[0]["lr"] = lr * max(0.0, 1 - spent["cpu"] / seconds)
        start = time.process_time()
        out = step(model, batch, opt)
        spent["cpu"] += time.process_time() - start
        if spent["cpu"] < seconds:
            spent["images"] += len(batch[0])
        return out

    return timed, spent


@torch.no_grad()
def vae_scores(model, x_test, k: int) -> tuple[float, float]:
    """Test -ELBO (one z per image) and the IWAE bound with k samples (on the first 500 images), nats."""
    torch.manual_seed(0)
    elbo = [negative_elbo(model, b) for b in x_test.split(500)]
    iwae = torch.cat([importance_weighted_nll(model, b, k=k) for b in x_test[:500].split(100)])
    return sum((o["rec"] + o["kl"]).item() for o in elbo) / len(elbo), iwae.mean().item()


def run_vae(make, x, x_test, seconds: float, seed: int, k: int, batch_size: int, lr: float, decay: bool) -> dict:
    """Train with ``fit`` for ``seconds`` of step CPU time, and at least one epoch (scored after it)."""
    torch.manual_seed(seed)
    model = make()
    opt = torch.optim.Adam(model.parameters(), lr)
    loader = data.loader(x, batch_size=batch_size, seed=seed)
    step, spent = on_budget(minimize(lambda m, b: negative_elbo(m, b[0])), seconds, opt, lr, decay)
    after_epoch = []

    def stop(history) -> bool:
        if len(history.steps["loss"]) == len(loader):   # the first epoch just ended
            after_epoch.append(vae_scores(model.eval(), x_test, k)[0])
        return spent["cpu"] >= seconds and bool(after_epoch)

    fit(model, loader, step, opt, epochs=10_000, callback=stop, every=1, desc="VAE")
    elbo, iwae = vae_scores(model.eval(), x_test, k)
    return {"elbo": elbo, "iwae": iwae, "elbo_epoch1": after_epoch[0],
            "img_per_cpu_s": spent["images"] / min(spent["cpu"], seconds)}


VAES = {   # name: (model, batch size, learning rate, linear decay)
    "course conv VAE": (VAE, compare.VAE_BATCH, compare.VAE_LR, True),
    "pytorch/examples MLP": (lambda: ExamplesVAE(), 128, 1e-3, False),
    "examples MLP + decay": (lambda: ExamplesVAE(), 128, 1e-3, True),
}


def _vae_job(name: str, seconds: float, seed: int, k: int) -> dict:
    torch.set_num_threads(1)
    x, _ = data.fashion_mnist("train")
    x_test, _ = data.fashion_mnist("test", n=2000)
    make, batch_size, lr, decay = VAES[name]
    return run_vae(make, x, x_test, seconds, seed, k, batch_size, lr, decay)


def run_gan(G, D, to_d, x, seconds: float, seed: int, z_dim: int) -> dict:
    """Train with ``fit`` for ``seconds`` of step CPU time; ``to_d`` maps images in [0, 1] to D's input."""
    G.apply(gan.dcgan_init)
    D.apply(gan.dcgan_init)
    opt_G, opt_D = gan.dcgan_optimizers(G, D)
    step, spent = on_budget(lambda g, batch, _: gan_step(g, D, to_d(batch[0]), opt_G, opt_D, z_dim), seconds)
    fit(G, data.loader(x, batch_size=128, seed=seed), step, epochs=10_000, every=1,
        callback=lambda history: spent["cpu"] >= seconds, desc="DCGAN")
    return {"img_per_cpu_s": spent["images"] / spent["cpu"], "steps": spent["images"] // 128}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--vae-seconds", type=float, default=150)
    parser.add_argument("--gan-seconds", type=float, default=300)
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--k", type=int, default=100, help="importance samples for the IWAE bound")
    parser.add_argument("--only", default="vae,gan", help="vae, gan or both (vae,gan)")
    parser.add_argument("--jobs", type=int, default=1, help="VAE runs at once, one thread each (at most the cores)")
    args = parser.parse_args()

    if "vae" in args.only:
        print(f"VAE, {args.vae_seconds:.0f} CPU-s each, test -ELBO / IWAE (k = {args.k}) in nats, lower is better, "
              f"mean of {args.seeds} seeds")
        jobs = [(name, seed) for name in VAES for seed in range(args.seeds)]
        with ProcessPoolExecutor(args.jobs) as pool:   # one thread each: jobs <= cores keeps them apart
            runs = list(pool.map(_vae_job, *zip(*[(n, args.vae_seconds, s, args.k) for n, s in jobs])))
        rows = {}
        for name in VAES:
            mine = [r for (n, _), r in zip(jobs, runs) if n == name]
            rows[name] = r = {key: sum(m[key] for m in mine) / len(mine) for key in mine[0]}
            seeds = ", ".join(f"{m['elbo']:.1f}" for m in mine)
            print(f"  {name:22} -ELBO {r['elbo']:7.1f}   IWAE {r['iwae']:7.1f}   after one epoch {r['elbo_epoch1']:7.1f}"
                  f"   {r['img_per_cpu_s']:7.0f} images per CPU-s   (seeds: -ELBO {seeds})")
        c = rows["course conv VAE"]
        for other in list(VAES)[1:]:
            e = rows[other]
            print(f"  course / {other}: -ELBO {c['elbo'] / e['elbo']:.4f}, IWAE {c['iwae'] / e['iwae']:.4f}, after one "
                  f"epoch {c['elbo_epoch1'] / e['elbo_epoch1']:.4f}, step cost {e['img_per_cpu_s'] / c['img_per_cpu_s']:.1f}x")
    if "gan" not in args.only:
        return
    torch.set_num_threads(1)
    x, _ = data.fashion_mnist("train")
    x_test, _ = data.fashion_mnist("test", n=2000)

    print(f"DCGAN, {args.gan_seconds:.0f} CPU-s each, 2,000 samples vs 2,000 test images (course classifier)")
    real = x_test
    classifier = assets.pretrained(metrics.CLASSIFIER)[0]
    for name, build in [("course DCGAN 28x28", course_dcgan), ("pytorch/examples 64x64", examples_dcgan)]:
        for seed in range(args.seeds):
            torch.manual_seed(seed)
            G, D, to_d, z_dim, sample = build()
            cost = run_gan(G, D, to_d, x, args.gan_seconds, seed, z_dim)
            codes = torch.randn(2000, z_dim, generator=torch.Generator().manual_seed(seed))
            fake = torch.cat([sample(G, chunk) for chunk in codes.split(250)]).clamp(0, 1)
            rep = metrics.report(real, fake, classifier)
            print(f"  {name:24} seed {seed}: FID {rep['fid']:7.1f}  precision {rep['precision']:.2f}  recall {rep['recall']:.2f}"
                  f"   {cost['steps']} steps, {cost['img_per_cpu_s']:6.0f} images per CPU-s")


def course_dcgan():
    """(G, D, images in [0, 1] -> D's input, z size, sampler to [0, 1] 28x28): notebook 05's DCGAN."""
    return gan.DCGenerator(64), gan.DCDiscriminator(), lambda imgs: 2 * imgs - 1, 64, generate


def examples_dcgan():
    """The same for pytorch/examples' 64x64 DCGAN: images resized up for D, samples resized down."""
    def up(imgs):
        return 2 * F.interpolate(imgs, size=64, mode="bilinear") - 1

    def sample(G, codes):
        return F.interpolate(generate(G, codes), size=28, mode="area")

    return ExamplesGenerator(), ExamplesDiscriminator(), up, 100, sample


if __name__ == "__main__":
    main()
