"""Notebook 08's image-to-image networks: the AdaIN transfer net (an encoder f, AdaIN on feature statistics, a
decoder g), pix2pix's small U-Net generator and patch discriminator, and CycleGAN's pair of U-Nets."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class TransferNet(nn.Module):
    """f: 28 -> 14 (32 channels), AdaIN (6), g: 14 -> 28. AdaIN is the learner's ``transfer`` (notebook 08's
    exercise) where given, else PyTorch's instance norm with the style's per-channel statistics."""

    def __init__(self, channels: int = 32, transfer=None):
        super().__init__()
        c = channels
        self.transfer = transfer
        self.f = nn.Sequential(nn.Conv2d(1, c, 3, 1, 1), nn.ReLU(), nn.Conv2d(c, c, 4, 2, 1), nn.ReLU())
        self.g = nn.Sequential(nn.ConvTranspose2d(c, c, 4, 2, 1), nn.ReLU(), nn.Conv2d(c, 1, 3, 1, 1), nn.Sigmoid())

    def forward(self, content, style):
        h, s = self.f(content), self.f(style)
        if self.transfer:
            return self.g(self.transfer(h, s))
        var, mean = torch.var_mean(s, dim=(2, 3), unbiased=False, keepdim=True)
        return self.g(F.instance_norm(h) * (var + 1e-5).sqrt() + mean)   # (6)


NORMS = {"batch": nn.BatchNorm2d,                                    # pix2pix: statistics over the batch
         "instance": lambda n: nn.InstanceNorm2d(n, affine=True)}     # CycleGAN: each image alone, the same in eval


class UNet(nn.Module):
    """pix2pix's generator, small: 28 -> 14 -> 7 -> 14 -> 28, the 14x14 features skip across. ``norm``: one of NORMS."""

    def __init__(self, c: int = 32, norm: str = "batch"):
        super().__init__()
        self.down1 = nn.Sequential(nn.Conv2d(1, c, 4, 2, 1), nn.LeakyReLU(0.2))
        self.down2 = nn.Sequential(nn.Conv2d(c, 2 * c, 4, 2, 1), NORMS[norm](2 * c), nn.LeakyReLU(0.2))
        self.up1 = nn.Sequential(nn.ConvTranspose2d(2 * c, c, 4, 2, 1), NORMS[norm](c), nn.ReLU())
        self.up2 = nn.Sequential(nn.ConvTranspose2d(2 * c, c, 4, 2, 1), nn.ReLU(), nn.Conv2d(c, 1, 3, 1, 1),
                                 nn.Sigmoid())

    def forward(self, x):
        h1 = self.down1(x)
        return self.up2(torch.cat([self.up1(self.down2(h1)), h1], dim=1))


def patch_discriminator(c: int = 32, in_channels: int = 2) -> nn.Module:
    """pix2pix: (x, y) side by side as 2 channels -> a 7x7 grid of logits, one per overlapping patch.
    CycleGAN (``in_channels=1``): the image alone, since an unpaired output has no input to be judged beside."""
    return nn.Sequential(nn.Conv2d(in_channels, c, 4, 2, 1), nn.LeakyReLU(0.2), nn.Conv2d(c, 2 * c, 4, 2, 1),
                         nn.LeakyReLU(0.2), nn.Conv2d(2 * c, 1, 3, 1, 1))


class CycleGAN(nn.Module):
    """Two U-Nets, one per direction: ``ab`` maps domain A (plain fabric) to B (striped), ``ba`` maps back. Instance
    norm, as in the paper: each generator sees a real batch, a translated one and (identity) the other domain's in
    one step, and batch norm would normalise each by its own statistics in training but by a mix of all in eval."""

    def __init__(self, c: int = 32, norm: str = "instance"):
        super().__init__()
        self.config = {"c": c, "norm": norm}   # what assets.pretrained rebuilds it from
        self.ab, self.ba = UNet(c, norm), UNet(c, norm)
