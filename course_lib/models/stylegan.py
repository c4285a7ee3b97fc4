"""A compact StyleGAN (Karras, Laine, Aila 2019) for 32x32 grayscale images (notebook 07).

Fashion-MNIST is padded from 28x28 to 32x32 so the resolutions double: 4 -> 8 -> 16 -> 32.
The numbers refer to the equations of notebook 07:

    (1) mapping       w = f(z),  z ~ N(0, I) pixel-normalised, f an MLP          (z -> w)
    (2) AdaIN         AdaIN(x_i, w) = y_s,i (x_i - mu(x_i)) / sigma(x_i) + y_b,i,  (y_s, y_b) = A(w)
    (3) noise         x_i <- x_i + B_i * n,  n ~ N(0, 1) one value per pixel, B_i learned per channel
    (4) truncation    w' = w_avg + psi (w - w_avg),  w_avg tracked during training
    (5) style mixing  layers [0, k) take w1 (coarse: 4x4, 8x8), layers [k, L) take w2 (fine)

The synthesis network starts from a learned constant, not from z; every layer is
conv -> noise (3) -> LeakyReLU -> AdaIN (2) with its own style. StyleGAN2 replaced (2)
by modulating and demodulating the conv weights (``modulated_conv``, shown for comparison).
Left out for size: equalised learning rate, progressive growing, blur filters.
(2)-(5) as functions are the learner's exercises (``course_answers.a07_stylegan``); the layers here write
them with PyTorch's ``F.instance_norm`` and ``torch.lerp``.
"""
from __future__ import annotations

import copy

import torch
import torch.nn.functional as F
from torch import nn

from . import gan
from .gan import MinibatchStd


def pixel_norm(z, eps: float = 1e-8):
    """z / sqrt(mean(z^2)): every code on the same sphere before the mapping network."""
    return z * torch.rsqrt(z.pow(2).mean(dim=1, keepdim=True) + eps)


def modulated_conv(x, weight, style, demodulate: bool = True, eps: float = 1e-8):
    """StyleGAN2's replacement for AdaIN: scale the conv weights by the style per input
    channel (modulation), then rescale each output channel to unit std (demodulation).
    x: (N, C_in, H, W); weight: (C_out, C_in, k, k); style: (N, C_in)."""
    n, c_in, h, w = x.shape
    wgt = weight[None] * style[:, None, :, None, None]                      # (N, C_out, C_in, k, k)
    if demodulate:
        wgt = wgt * torch.rsqrt(wgt.pow(2).sum(dim=(2, 3, 4), keepdim=True) + eps)
    out = F.conv2d(x.reshape(1, n * c_in, h, w), wgt.reshape(-1, c_in, *weight.shape[2:]),
                   padding=weight.shape[-1] // 2, groups=n)                 # one conv per image
    return out.reshape(n, -1, h, w)


class StyleLayer(nn.Module):
    """[upsample] -> 3x3 conv -> noise (3) -> LeakyReLU -> AdaIN (2) with style A(w)."""

    def __init__(self, in_ch: int, out_ch: int, w_dim: int, upsample: bool = False):
        super().__init__()
        self.upsample = upsample
        self.conv = nn.Conv2d(in_ch, out_ch, 3, padding=1)
        self.noise_strength = nn.Parameter(torch.zeros(out_ch))  # B: starts silent
        self.affine = nn.Linear(w_dim, 2 * out_ch)                # A: w -> (y_s, y_b)
        nn.init.normal_(self.affine.weight, 0.0, w_dim ** -0.5)   # styles vary by about +-1 ...
        nn.init.zeros_(self.affine.bias)
        self.affine.bias.data[:out_ch] = 1.0                      # ... around y_s = 1, y_b = 0

    def forward(self, x, w, noise=None):
        if self.upsample:
            x = F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)
        x = self.conv(x)
        if noise is None:
            noise = torch.randn_like(x[:, :1])   # one value per pixel, shared by the channels
        x = F.leaky_relu(x + self.noise_strength[None, :, None, None] * noise, 0.2)           # (3)
        scale, bias = self.affine(w).chunk(2, dim=1)
        return F.instance_norm(x, eps=1e-5) * scale[:, :, None, None] + bias[:, :, None, None]  # (2)


class Generator(nn.Module):
    """Mapping network (1) + synthesis network: a learned 4x4 constant and 2 style layers
    per resolution (1 at 4x4): L = 7 styles for 32x32. ``channels`` per resolution 4, 8, 16, 32."""

    def __init__(self, z_dim: int = 64, w_dim: int = 64, mapping_layers: int = 4, channels=(64, 64, 32, 16)):
        super().__init__()
        self.z_dim, self.w_dim = z_dim, w_dim
        self.config = {"z_dim": z_dim, "w_dim": w_dim, "mapping_layers": mapping_layers, "channels": list(channels)}
        dims = [z_dim] + [w_dim] * mapping_layers
        self.mapping = nn.Sequential(*[m for a, b in zip(dims, dims[1:]) for m in (nn.Linear(a, b), nn.LeakyReLU(0.2))])
        for layer in self.mapping[::2]:  # keep |w| about |z| through the layers
            nn.init.kaiming_normal_(layer.weight, a=0.2)
            nn.init.zeros_(layer.bias)
        self.const = nn.Parameter(torch.randn(1, channels[0], 4, 4))
        layers = [StyleLayer(channels[0], channels[0], w_dim)]
        for c_in, c_out in zip(channels, channels[1:]):
            layers += [StyleLayer(c_in, c_out, w_dim, upsample=True), StyleLayer(c_out, c_out, w_dim)]
        self.layers = nn.ModuleList(layers)
        self.to_image = nn.Conv2d(channels[-1], 1, 1)
        self.register_buffer("w_avg", torch.zeros(w_dim))
        # layer i > 0 works at 4 * 2^(i // 2 + 1): layers 1-2 at 8x8, 3-4 at 16x16, 5-6 at 32x32
        # (each resolution's first layer upsamples, the second refines)
        self.resolutions = [4] + [4 * 2 ** (i // 2 + 1) for i in range(len(layers) - 1)]

    @property
    def num_layers(self) -> int:
        return len(self.layers)

    def map(self, z, psi: float = 1.0):
        """(1), then (4) when psi < 1."""
        w = self.mapping(pixel_norm(z))
        return w if psi == 1.0 else torch.lerp(self.w_avg, w, psi)   # (4): w_avg + psi (w - w_avg)

    def synthesis(self, ws, noise=None):
        """ws: (N, w_dim), one style for all layers, or (N, L, w_dim), one per layer.
        noise: None (fresh) or a list of L tensors (N, 1, H, W), e.g. from ``make_noise``."""
        if ws.dim() == 2:
            ws = ws[:, None, :].expand(-1, self.num_layers, -1)
        x = self.const.expand(len(ws), -1, -1, -1)
        for i, layer in enumerate(self.layers):
            x = layer(x, ws[:, i], None if noise is None else noise[i])
        return self.to_image(x)

    def forward(self, z, psi: float = 1.0, noise=None):
        return self.synthesis(self.map(z, psi), noise)

    def make_noise(self, n: int, seed: int | None = None) -> list:
        """One fixed noise image per layer, to hold the noise still while w changes."""
        gen = torch.Generator().manual_seed(seed) if seed is not None else None
        dev = self.const.device
        return [torch.randn(n, 1, r, r, generator=gen).to(dev) for r in self.resolutions]

    @torch.no_grad()
    def track_w_avg(self, w, decay: float = 0.995):
        self.w_avg.lerp_(w.mean(dim=0), 1 - decay)


class Discriminator(nn.Module):
    """32x32 -> 16 -> 8 -> 4 with strided convs and LeakyReLU, minibatch std, one logit."""

    def __init__(self, channels=(32, 64, 64)):
        super().__init__()
        blocks, c_prev = [nn.Conv2d(1, channels[0] // 2, 3, padding=1), nn.LeakyReLU(0.2)], channels[0] // 2
        for c in channels:
            blocks += [nn.Conv2d(c_prev, c, 4, 2, 1), nn.LeakyReLU(0.2)]
            c_prev = c
        self.features = nn.Sequential(*blocks, nn.Flatten())
        self.head = nn.Sequential(MinibatchStd(), nn.Linear(c_prev * 16 + 1, 64), nn.LeakyReLU(0.2), nn.Linear(64, 1))

    def forward(self, x):
        return self.head(self.features(x))


def pad32(images):
    """Fashion-MNIST (N, 1, 28, 28) in [0, 1] -> (N, 1, 32, 32) in [-1, 1], black border."""
    return F.pad(images * 2 - 1, (2, 2, 2, 2), value=-1.0)


def crop28(images):
    """Generated (N, 1, 32, 32) in about [-1, 1] -> (N, 1, 28, 28) in [0, 1], for plots and metrics."""
    return ((images[:, :, 2:30, 2:30] + 1) / 2).clamp(0, 1)


def training_styles(G, n: int, mixing_prob: float, device=None):
    """Per-layer styles for one training batch, with mixing regularisation (StyleGAN section 3.1):
    with probability ``mixing_prob`` two codes and a random crossover layer (5), else one
    code for all layers. Returns (styles (N, L, w_dim), the first code's w for ``track_w_avg``)."""
    z1, z2 = torch.randn(2, n, G.z_dim, device=device)
    w1 = G.map(z1)
    crossover = G.num_layers
    if torch.rand(()) < mixing_prob:
        crossover = int(torch.randint(1, G.num_layers, ()))
    w2 = G.map(z2)
    return torch.stack([w1 if layer < crossover else w2 for layer in range(G.num_layers)], dim=1), w1


class Trainer:
    """The StyleGAN training step for ``course_lib.core.train.fit`` (it owns its optimizers, so ``fit``
    gets none): notebook 04's ``step`` (its ``gan_step(G, D, real, opt_G, opt_D, z_dim)``: the non-saturating
    loss) on images made from mixed styles, R1 added by ``gan.with_r1``,
    lazy R1 on D, tracking of w_avg and an exponential moving average of G (``G_ema``, the one to
    sample from). The defaults are the papers' (Karras et al. 2019, 2020), scaled to this small model:

    - Adam betas (0.0, 0.99): no momentum (beta1 = 0), which keeps the two-player updates from
      overshooting; a long average of squared gradients (beta2 = 0.99).
    - the mapping network learns at lr / 10 (StyleGAN's 0.01x, softened): w moves slowly, so the
      synthesis network is not chasing a moving style space.
    - mixing_prob 0.9 (paper: 90%); r1_gamma 1.0 (the paper uses 10 at 1024x1024 and less for
      small images); lazy R1 every 8 steps (StyleGAN2 section 3.1), weighted by 8 so its average
      strength is unchanged; ema_decay 0.999 (a half-life of about 700 steps).
    """

    def __init__(self, G, D, step, lr: float = 1e-3, mixing_prob: float = 0.9, r1_gamma: float = 1.0,
                 r1_every: int = 8, ema_decay: float = 0.999):
        self.G, self.D, self.gan_step, self.G_ema = G, D, step, copy.deepcopy(G).eval().requires_grad_(False)
        mapping = list(G.mapping.parameters())
        rest = [p for p in G.parameters() if all(p is not q for q in mapping)]
        self.opt_G = torch.optim.Adam([{"params": rest}, {"params": mapping, "lr": lr / 10}], lr, betas=(0.0, 0.99))
        self.opt_D = torch.optim.Adam(D.parameters(), lr, betas=(0.0, 0.99))
        self.mixing_prob, self.r1_gamma, self.r1_every, self.ema_decay = mixing_prob, r1_gamma, r1_every, ema_decay
        self.steps = 0

    def __call__(self, G, batch, _optimizer=None) -> dict:
        real = batch[0]
        ws, w1 = training_styles(G, len(real), self.mixing_prob, real.device)
        lazy_r1 = self.r1_gamma * self.r1_every if self.steps % self.r1_every == 0 else 0.0
        step = gan.with_r1(self.gan_step, lazy_r1) if lazy_r1 else self.gan_step
        # the step's G turns its z (of size 0: no noise is drawn) into the images of the mixed styles
        out = step(lambda _z: G.synthesis(ws), self.D, real, self.opt_G, self.opt_D, 0)
        G.track_w_avg(w1)
        self.update_ema()
        self.steps += 1
        return out

    @torch.no_grad()
    def update_ema(self):
        for p_ema, p in zip(self.G_ema.parameters(), self.G.parameters()):
            p_ema.lerp_(p, 1 - self.ema_decay)
        self.G_ema.w_avg.copy_(self.G.w_avg)


@torch.no_grad()
def sample(G, n: int, psi: float = 1.0, seed: int | None = None, batch_size: int = 500):
    """n images (N, 1, 28, 28) in [0, 1] from codes z drawn with ``seed``."""
    gen = torch.Generator().manual_seed(seed) if seed is not None else None
    z = torch.randn(n, G.z_dim, generator=gen)
    dev = G.const.device
    return torch.cat([crop28(G(b.to(dev), psi)).cpu() for b in z.split(batch_size)])


PRETRAINED = "stylegan_fmnist"   # made by scripts/train_stylegan.py: assets.pretrained(PRETRAINED)


