"""Style transfer, design by interpolation and a try-on view for the virtual wardrobe (notebook 08).

    (6) AdaIN transfer  t = sigma(f(s)) (f(c) - mu(f(c))) / sigma(f(c)) + mu(f(s)),  image = g(t)
                        (Huang & Belongie 2017): content c's feature maps keep their spatial layout,
                        the style s gives each channel its mean and std; f an encoder, g a decoder
    (7) pix2pix         G: min BCE(D(x, G(x)), 1) + lambda |y - G(x)|_1,  lambda = 100
                        D: min BCE(D(x, y), 1) + BCE(D(x, G(x)), 0), D a patch discriminator that
                        sees the input x beside the output (Isola et al. 2017)
    (7') L1 alone       G: min |y - G(x)|_1, no discriminator (Isola et al.'s key ablation)
    (8) blend           design(t) = decode((1 - t) a + t b), t from 0 to 100%
    (9) composite       out = m * garment + (1 - m) * avatar, m the garment's mask
    (10) CycleGAN       G: min (D_b(G_ab(a)) - 1)^2 + (D_a(G_ba(b)) - 1)^2                  look like the other domain
                              + 10 (|G_ba(G_ab(a)) - a|_1 + |G_ab(G_ba(b)) - b|_1)         cycle consistency
                              + 0.5 (|G_ab(b) - b|_1 + |G_ba(a) - a|_1)                    identity
                        D_b: min ((D_b(b) - 1)^2 + D_b(G_ab(a))^2) / 2, D_a likewise: least squares (Mao et
                        al. 2017), on unpaired sets A and B (Zhu et al. 2017)

Wardrobe pairs are free: ``wardrobe.render`` draws the same shape with another fabric, so both
transfer networks (``course_lib.models.translation``) are trained on exact targets. CycleGAN (10) never
sees a pair: it learns from plain garments and other, striped ones (``fabric_domain``).
"""
from __future__ import annotations

import time

import torch
import torch.nn.functional as F

from ..core import wardrobe
from ..core.data import loader as make_loader
from ..core.train import fit, minimize
from ..models import gan
from ..models.translation import CycleGAN, TransferNet, UNet, patch_discriminator

STYLE = (3, 4)            # the fabric factors: texture (stripes) and brightness
PRETRAINED_CYCLEGAN = "cyclegan_wardrobe"   # made by scripts/train_cyclegan.py: assets.pretrained(PRETRAINED_CYCLEGAN)


def restyle(labels, factors, fabric) -> torch.Tensor:
    """The exact answer: the garments ``labels, factors`` drawn with the fabric factors of ``fabric``."""
    target = factors.clone()
    target[:, list(STYLE)] = fabric[:, list(STYLE)]
    return wardrobe.render(labels, target)


def style_pairs(n: int, seed: int = 0):
    """(content images, style images, target images): target = content's shape in style's fabric."""
    a, b = wardrobe.make_wardrobe(n, seed=seed), wardrobe.make_wardrobe(n, seed=seed + 1)
    return a.images, b.images, restyle(a.labels, a.factors, b.factors)


def train_transfer(content, style, target, epochs: int, seed: int = 0, transfer=None):
    """f and g learn from exact targets (binary cross-entropy per pixel), Adam 1e-3, batch 64.
    Returns (net, {"cpu_s"})."""
    torch.manual_seed(seed)
    net = TransferNet(transfer=transfer)
    step = minimize(lambda m, batch: F.binary_cross_entropy(m(batch[0], batch[1]), batch[2]))
    cpu = time.process_time()
    fit(net, make_loader(content, style, target, batch_size=64, seed=seed), step,
        torch.optim.Adam(net.parameters(), 1e-3), epochs=epochs, desc="AdaIN transfer")
    return net.eval(), {"cpu_s": time.process_time() - cpu}


def pix2pix_step(G, D, x, y, opt_G, opt_D, l1_weight: float = 100.0) -> dict:
    """(7): one D update on (x, y) vs (x, G(x)), then one G update."""
    fake = G(x)
    opt_D.zero_grad()
    d_real, d_fake = D(torch.cat([x, y], 1)), D(torch.cat([x, fake.detach()], 1))
    d_loss = (F.softplus(-d_real).mean() + F.softplus(d_fake).mean()) / 2   # BCE(d, 1) + BCE(d, 0); the paper halves it
    d_loss.backward()
    opt_D.step()
    opt_G.zero_grad()
    d_out = D(torch.cat([x, fake], 1))
    adv, l1 = F.softplus(-d_out).mean(), (fake - y).abs().mean()   # BCE(d, 1): the non-saturating loss
    (adv + l1_weight * l1).backward()
    opt_G.step()
    return {"d_loss": d_loss.detach(), "adv": adv.detach(), "l1": l1.detach()}   # fit reads them back in groups


def train_pix2pix(x, y, epochs: int, seed: int = 0, l1_weight: float = 100.0, adversarial: bool = True):
    """Adam 2e-4 with beta1 = 0.5, batch 64 (pix2pix used batch 1-10 on big images); lambda = 100
    as in the paper. ``adversarial=False``: (7') the same G, optimizer, batches and updates on the L1 term
    alone. Returns (G, {"cpu_s"})."""
    torch.manual_seed(seed)
    G, D = UNet(), patch_discriminator()
    opts = gan.dcgan_optimizers(G, D)   # pix2pix kept DCGAN's settings
    batches = make_loader(x, y, batch_size=64, seed=seed)
    cpu = time.process_time()
    if adversarial:   # the step owns both optimizers
        fit(G, batches, lambda g, b, _: pix2pix_step(g, D, *b, *opts, l1_weight), epochs=epochs, desc="pix2pix")
    else:
        fit(G, batches, minimize(lambda g, b: l1_weight * (g(b[0]) - b[1]).abs().mean()), opts[0], epochs=epochs,
            desc="L1 only")
    return G.eval(), {"cpu_s": time.process_time() - cpu}


def fabric_domain(n: int, seed: int, lowest: float, highest: float) -> wardrobe.Wardrobe:
    """One domain of unpaired translation: n garments (``wardrobe.make_wardrobe(n, seed)``) drawn again with
    stripes of a texture from U[lowest, highest] (0, 0: plain); the factors say which."""
    garments = wardrobe.make_wardrobe(n, seed=seed)
    factors = garments.factors.clone()
    draw = torch.Generator().manual_seed(seed)
    factors[:, STYLE[0]] = lowest + (highest - lowest) * torch.rand(n, generator=draw)
    return wardrobe.Wardrobe(wardrobe.render(garments.labels, factors), garments.labels, factors)


def cyclegan_step(model, D_a, D_b, a, b, opt_G, opt_D, cycle_weight: float = 10.0, identity_weight: float = 0.5) -> dict:
    """(10): one update of both generators (``model.ab``, ``model.ba``), then one of both discriminators."""
    fake_b, fake_a = model.ab(a), model.ba(b)
    opt_G.zero_grad()
    adv = ((D_b(fake_b) - 1) ** 2).mean() + ((D_a(fake_a) - 1) ** 2).mean()
    cycle = (model.ba(fake_b) - a).abs().mean() + (model.ab(fake_a) - b).abs().mean()
    identity = (model.ab(b) - b).abs().mean() + (model.ba(a) - a).abs().mean()
    (adv + cycle_weight * cycle + identity_weight * identity).backward()
    opt_G.step()
    opt_D.zero_grad()
    d_loss = (((D_b(b) - 1) ** 2).mean() + (D_b(fake_b.detach()) ** 2).mean()
              + ((D_a(a) - 1) ** 2).mean() + (D_a(fake_a.detach()) ** 2).mean()) / 2
    d_loss.backward()
    opt_D.step()
    return {"d_loss": d_loss.detach(), "adv": adv.detach(), "cycle": cycle.detach(), "identity": identity.detach()}


def train_cyclegan(a, b, updates: int, seed: int = 0, batch_size: int = 16, check=None, every: int = 500):
    """(10) on unpaired images a and b: each update draws its own random batches from both. Adam 2e-4 with
    beta1 = 0.5 (DCGAN's, as in the paper), batch 16 (the paper: 1, on 256x256 photos). ``check(model, updates,
    cpu_s)`` runs every ``every`` updates, outside the timed part. Returns (model in eval mode, {"cpu_s"})."""
    torch.manual_seed(seed)
    model, D_a, D_b = CycleGAN(), patch_discriminator(in_channels=1), patch_discriminator(in_channels=1)
    opt_G, opt_D = gan.dcgan_optimizers(model, torch.nn.ModuleList([D_a, D_b]))
    draw, cpu = torch.Generator().manual_seed(seed + 1), 0.0
    for update in range(1, updates + 1):
        start = time.process_time()
        pick_a = torch.randint(len(a), (batch_size,), generator=draw)
        pick_b = torch.randint(len(b), (batch_size,), generator=draw)
        cyclegan_step(model, D_a, D_b, a[pick_a], b[pick_b], opt_G, opt_D)
        cpu += time.process_time() - start
        if check is not None and update % every == 0:
            check(model.eval(), update, cpu)
            model.train()
    return model.eval(), {"cpu_s": cpu}


@torch.no_grad()
def blend(decode, a, b, steps: int = 11):
    """(8): decode((1 - t) a + t b) for t = 0, 0.1, ..., 1: (steps, 1, 28, 28)."""
    t = torch.linspace(0, 1, steps)[:, None]
    return decode(torch.lerp(a[None], b[None], t))
