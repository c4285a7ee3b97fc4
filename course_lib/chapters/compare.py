"""Notebook 06: a VAE and a GAN trained on the same images and scored the same way.

Each family is trained by one function that also measures what it cost (process CPU
seconds, parameters); ``sample_*`` draw images in [0, 1]; ``scores`` puts every column of
the comparison table through the same measurements (``course_lib.metrics``/``evaluate``).

The blur argument in one line: for a squared-error (or Bernoulli) reconstruction loss, the
best single output for inputs that share one code is their *mean*,
    argmin_y E ||x - y||^2 = E[x],
and the mean of sharp images whose details disagree is blurred. A discriminator judges
samples one by one against real ones, so a blurred mean is exactly what it rejects.
"""
from __future__ import annotations

import time

import torch
import torch.nn.functional as F
from torch.distributions import Normal, kl_divergence

from ..core.data import batched
from ..core.data import loader as make_loader
from ..core.toy2d import mixture, mixture_log_density
from ..core.train import fit, linear_decay, minimize
from ..metrics import n_parameters
from ..models import VAE, gan
from ..models.vae import PRIOR, reconstruction_nll

Z_DIM = 64          # the DCGAN's noise size, as in notebook 05
LATENT = 16         # the VAE's code size, as in notebook 02
VAE_BATCH, VAE_LR = 64, 2e-3   # notebook 02's recipe: Adam 2e-3 falling linearly to 0, batches of 64


class Checkpoints:
    """A ``fit`` callback for ``n`` checkpoints over ``steps`` updates: at each, the updates so far, the training
    CPU-seconds so far (the checkpoint's own time left out) and 1,000 samples of ``sample(n)``, so that scores
    can be plotted against both budgets. ``spent`` is the time the checkpoints took."""

    def __init__(self, sample, steps: int, n: int):
        self.sample, self.every, self.rows, self.spent = sample, max(1, steps // n) if n else 0, [], 0.0
        self.start = time.process_time()

    def __call__(self, history):
        now = time.process_time()
        self._keep(history, now)
        self.spent += time.process_time() - now

    def _keep(self, history, now: float) -> None:
        self.rows.append({"updates": len(next(iter(history.steps.values()))),
                          "cpu_s": now - self.start - self.spent, "samples": self.sample(1_000)})


class CPUCheckpoints(Checkpoints):
    """A ``fit`` callback (run every few updates) that stops training at a CPU-time budget: at each mark of ``marks``
    (training CPU-seconds, its own time left out, ascending) it keeps the updates so far, the CPU-seconds and 1,000
    samples of ``sample(n)``; after the last mark it stops the run. Models compared at equal CPU-seconds."""

    def __init__(self, sample, marks):
        self.sample, self.marks, self.rows, self.spent = sample, sorted(marks), [], 0.0
        self.start = time.process_time()

    def __call__(self, history):
        now = time.process_time()
        if len(self.rows) < len(self.marks) and now - self.start - self.spent >= self.marks[len(self.rows)]:
            self._keep(history, now)
        self.spent += time.process_time() - now
        return len(self.rows) == len(self.marks)


def train_vae(x, epochs: int, loss, seed: int = 0, device=None, desc: str = "VAE", checkpoints: int = 0):
    """Notebook 02's conv VAE and recipe (Bernoulli likelihood, beta = 1, batches of 64, Adam 2e-3
    falling linearly to 0), trained on ``loss(model, x)``: notebook 02's ``negative_elbo``.
    Returns (vae, {"cpu_s", "wall_s", "params", "updates", "checkpoints"}); ``checkpoints``: see ``Checkpoints``."""
    torch.manual_seed(seed)
    vae = VAE(latent_dim=LATENT).to(device or "cpu")
    step = minimize(lambda m, batch: loss(m, batch[0]))
    loader, opt = make_loader(x, batch_size=VAE_BATCH, seed=seed), torch.optim.Adam(vae.parameters(), lr=VAE_LR)
    track = Checkpoints(lambda n: sample_vae(vae, n, seed=99), epochs * len(loader), checkpoints)
    history = fit(vae, loader, step, opt, epochs=epochs, schedule=linear_decay(opt, epochs * len(loader)), desc=desc,
                  callback=track if checkpoints else None, every=track.every)
    return vae, {"cpu_s": time.process_time() - track.start - track.spent, "wall_s": history.seconds,
                 "params": n_parameters(vae), "sampler_params": n_parameters(vae.expand, vae.generate),
                 "updates": epochs * len(loader), "checkpoints": track.rows}


def train_dcgan(x, epochs: int, step, seed: int = 0, device=None, desc: str = "DCGAN", checkpoints: int = 0):
    """Notebook 05's DCGAN (same networks, N(0, 0.02) init, Adam 2e-4 with beta1 = 0.5, batches of 128) trained
    with ``step``, notebook 04's ``gan_step`` (the non-saturating loss); real images scaled to tanh's range as
    2x - 1. Returns (G, {"cpu_s", "wall_s", "params", "updates", "checkpoints"}); ``params`` counts G and D (both
    are trained); an update is one round, D then G."""
    torch.manual_seed(seed)
    G, D = gan.DCGenerator(Z_DIM).to(device or "cpu"), gan.DCDiscriminator().to(device or "cpu")
    G.apply(gan.dcgan_init)
    D.apply(gan.dcgan_init)
    opts = gan.dcgan_optimizers(G, D)
    loader = make_loader(x, batch_size=128, seed=seed)
    track = Checkpoints(lambda n: sample_dcgan(G, n, seed=99), epochs * len(loader), checkpoints)
    history = fit(G, loader,   # the step owns both optimizers
                  lambda g, batch, _: step(g, D, 2 * batch[0] - 1, *opts, Z_DIM), epochs=epochs, desc=desc,
                  callback=track if checkpoints else None, every=track.every)
    return G, {"cpu_s": time.process_time() - track.start - track.spent, "wall_s": history.seconds,
               "params": n_parameters(G, D), "sampler_params": n_parameters(G), "updates": epochs * len(loader),
               "checkpoints": track.rows}


def train_gan_for(x, marks, kind: str, penalty=None, step=None, seed: int = 0, device=None, desc: str | None = None):
    """A DCGAN (``kind="dcgan"``: ``train_dcgan``'s networks, initialisation and Adam, trained with ``step``, notebook
    04's ``gan_step``) or a WGAN-GP (``kind="wgan-gp"``: the same generator, ``gan.wgan_critic``, the paper's Adam
    1e-4 with betas (0, 0.9), lam = 10, five critic updates per generator update, ``penalty``: notebook 05's
    ``gradient_penalty``), each on batches of 128 of ``x`` (real images as 2x - 1) until ``marks[-1]`` training
    CPU-seconds. Returns the ``CPUCheckpoints`` rows: updates of G, CPU-seconds and 1,000 samples at each mark."""
    torch.manual_seed(seed)
    dev = device or "cpu"
    G = gan.DCGenerator(Z_DIM).to(dev)
    G.apply(gan.dcgan_init)
    if kind == "dcgan":
        D = gan.DCDiscriminator().to(dev)
        D.apply(gan.dcgan_init)
        opts, update = gan.dcgan_optimizers(G, D), step
    elif kind == "wgan-gp":
        D = gan.wgan_critic().to(dev)
        opts = tuple(torch.optim.Adam(m.parameters(), 1e-4, betas=(0.0, 0.9)) for m in (G, D))
        update = gan.WassersteinStep(penalty)
    else:
        raise ValueError(f"kind must be 'dcgan' or 'wgan-gp', not {kind!r}")
    per_G = 1 if kind == "dcgan" else update.n_critic
    track = CPUCheckpoints(lambda n: sample_dcgan(G, n, seed=99), marks)
    loader = make_loader(x, batch_size=128, seed=seed)
    fit(G, loader, lambda g, batch, _: update(g, D, 2 * batch[0] - 1, *opts, Z_DIM), epochs=10_000,   # until the budget
        desc=f"{desc or kind} (stops at {marks[-1]} CPU-s; the bar's total is a bound)", callback=track, every=5)
    for row in track.rows:
        row["updates"] = -(-row["updates"] // per_G)   # fit counts calls: n_critic per generator update
    return track.rows


def vaegan_step(vae, D, batch, opt_vae, opt_D, adv_weight: float):
    """A VAE whose decoder must also fool a discriminator on its prior samples:
        D:   min BCE(d(x), 1) + BCE(d(decode(z)), 0),            z ~ N(0, I)
        VAE: min -ELBO + adv_weight * BCE(d(decode(z)), 1)        (non-saturating)
    Images go to D as 2x - 1, like the DCGAN's; from a logit d, BCE(d, 1) = softplus(-d) and
    BCE(d, 0) = softplus(d). -ELBO sums over 784 pixels (hundreds of
    nats per image), the adversarial loss is a few nats: ``adv_weight`` (a plain number) sets
    how much the discriminator's gradient counts against the pixels' at the decoder."""
    x = batch[0]
    mu, logvar = vae.encode(x)
    q = Normal(mu, torch.exp(0.5 * logvar), validate_args=False)
    rec = reconstruction_nll(vae.decode_logits(q.rsample()), x)
    fake = vae.decode(torch.randn_like(mu))
    opt_D.zero_grad()
    d_loss = F.softplus(-D(2 * x - 1)).mean() + F.softplus(D(2 * fake.detach() - 1)).mean()
    d_loss.backward()
    opt_D.step()
    opt_vae.zero_grad()
    elbo = (rec + kl_divergence(q, PRIOR).sum(dim=1)).mean()
    adv = F.softplus(-D(2 * fake - 1)).mean()
    (elbo + adv_weight * adv).backward()
    opt_vae.step()
    return {"-elbo": elbo.detach(), "adv": adv.detach(), "d_loss": d_loss.detach()}


def train_vaegan(x, epochs: int, adv_weight: float, seed: int = 0, device=None, desc: str = "VAE-GAN"):
    """``train_vae`` (same VAE, batches and learning rate) plus notebook 05's discriminator on the
    decoder's prior samples (Adam 2e-4, beta1 = 0.5, constant)."""
    torch.manual_seed(seed)
    vae, D = VAE(latent_dim=LATENT).to(device or "cpu"), gan.DCDiscriminator().to(device or "cpu")
    D.apply(gan.dcgan_init)
    opts = (torch.optim.Adam(vae.parameters(), lr=VAE_LR), *gan.dcgan_optimizers(D))
    loader = make_loader(x, batch_size=VAE_BATCH, seed=seed)
    cpu = time.process_time()
    history = fit(vae, loader,   # the step owns both optimizers; the VAE's learning rate decays as in train_vae
                  lambda m, batch, _: vaegan_step(m, D, batch, *opts, adv_weight), epochs=epochs, desc=desc,
                  schedule=linear_decay(opts[0], epochs * len(loader)))
    return vae, {"cpu_s": time.process_time() - cpu, "wall_s": history.seconds, "params": n_parameters(vae, D),
                 "sampler_params": n_parameters(vae.expand, vae.generate)}


@torch.no_grad()
def sample_vae(vae, n: int, seed: int = 0):
    """n prior samples: z ~ N(0, I), decoded to Bernoulli means in (0, 1)."""
    vae.eval()
    z = torch.randn(n, vae.latent_dim, generator=torch.Generator().manual_seed(seed))
    return batched(vae.decode, z, device=next(vae.parameters()).device)


@torch.no_grad()
def sample_dcgan(G, n: int, seed: int = 0):
    """n DCGAN samples in [0, 1], in eval mode (batch norm's running averages); G's mode is restored."""
    z = torch.randn(n, Z_DIM, generator=torch.Generator().manual_seed(seed))
    mode = G.training
    images = batched(lambda b: (G.eval()(b) + 1) / 2, z, device=next(G.parameters()).device)
    G.train(mode)
    return images


def images_per_second(sample, n: int = 1000) -> float:
    """Sampling speed: ``sample(n)`` timed once after a warm-up call."""
    sample(16)
    start = time.perf_counter()
    sample(n)
    return n / (time.perf_counter() - start)


def edge_images(positions, size: int = 28) -> torch.Tensor:
    """Sharp vertical edges: image k is 0 left of column positions[k] and 1 from there on."""
    columns = torch.arange(size)
    rows = (columns[None, :] >= torch.as_tensor(positions)[:, None]).float()
    return rows[:, None, None, :].expand(-1, 1, size, size).contiguous()


def radial_power_spectrum(images) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean power per spatial frequency (cycles/pixel, 0 to 0.5), averaged over the image
    set and over directions: (frequencies, power). The corners of the 2-D spectrum (radius
    above 0.5, diagonal frequencies with no full circle) are left out."""
    x = images.float() - images.float().mean(dim=(-2, -1), keepdim=True)
    power = torch.fft.fft2(x).abs().pow(2).mean(dim=(0, 1))
    fy, fx = torch.meshgrid(torch.fft.fftfreq(x.shape[-2]), torch.fft.fftfreq(x.shape[-1]), indexing="ij")
    radius = (fy ** 2 + fx ** 2).sqrt()
    bins = torch.linspace(0, 0.5, 15)
    keep = radius.flatten() <= 0.5
    which = torch.bucketize(radius.flatten()[keep], bins[1:-1])
    total = torch.zeros(len(bins) - 1).index_add_(0, which, power.flatten()[keep])
    count = torch.zeros(len(bins) - 1).index_add_(0, which, torch.ones_like(power.flatten()[keep]))
    return (bins[1:] + bins[:-1]) / 2, total / count.clamp_min(1)


# ---- one Gaussian fitted to a 2-D mixture by each direction of KL (section 1)


def fit_gaussian(centres: torch.Tensor, std: float, direction: str, steps: int = 600, samples: int = 512,
                 lr: float = 0.05, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """The Gaussian q = N(m, C) closest to the mixture p (``centres``, ``std``) in one direction of KL; returns (m, C).

    ``forward``: KL(p || q) = E_p[log p - log q], minimised by maximum likelihood on samples of p (what a VAE's
    training does to its model: mode-covering). ``reverse``: KL(q || p) = E_q[log q - log p], minimised through
    reparameterised samples of q (the direction a GAN's generator leans to: against the optimal discriminator the
    non-saturating loss minimises KL(q || p) - 2 JS, Arjovsky & Bottou 2017: mode-seeking). Same start, optimiser,
    steps and samples per step for both: only the direction differs."""
    g = torch.Generator().manual_seed(seed)
    mean = torch.tensor([0.3, 0.2], requires_grad=True)                  # off-centre, so no symmetry decides
    raw = torch.zeros(3, requires_grad=True)                               # C = L L^T, L lower triangular
    optimizer = torch.optim.Adam([mean, raw], lr=lr)
    for _ in range(steps):
        scale = torch.stack([torch.stack([_positive(raw[0]), torch.zeros(())]),
                             torch.stack([raw[1], _positive(raw[2])])])
        q = torch.distributions.MultivariateNormal(mean, scale_tril=scale)
        if direction == "forward":
            loss = -q.log_prob(mixture(centres, samples, std, seed=int(torch.randint(2**31, (1,), generator=g)))).mean()
        elif direction == "reverse":
            x = mean + torch.randn(samples, 2, generator=g) @ scale.T          # reparameterised samples of q
            loss = (q.log_prob(x) - mixture_log_density(x, centres, std)).mean()
        else:
            raise ValueError(f"direction must be 'forward' or 'reverse', not {direction!r}")
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return mean.detach(), (scale @ scale.T).detach()


def _positive(x: torch.Tensor) -> torch.Tensor:
    """A scale > 0 from any real number (softplus; at 0 it gives about 0.69)."""
    return torch.nn.functional.softplus(x) + 1e-4
