"""Notebook 05's answers: DCGAN's up- and down-sampling blocks, sampling in evaluation mode."""
from __future__ import annotations

import torch
from torch import nn


def up_block(in_ch: int, out_ch: int) -> nn.Sequential:
    """DCGAN's generator block: (B, in_ch, H, W) -> (B, out_ch, 2H, 2W) by a transposed conv
    (kernel 4, stride 2, padding 1; no bias, batch norm has one), batch norm, ReLU."""
    return nn.Sequential(nn.ConvTranspose2d(in_ch, out_ch, 4, 2, 1, bias=False), nn.BatchNorm2d(out_ch), nn.ReLU())


def down_block(in_ch: int, out_ch: int, batchnorm: bool = True) -> nn.Sequential:
    """DCGAN's discriminator block: (B, in_ch, H, W) -> (B, out_ch, H/2, W/2) by a strided conv
    (kernel 4, stride 2, padding 1), batch norm (not on the first block, as in the paper), LeakyReLU(0.2)."""
    layers = [nn.Conv2d(in_ch, out_ch, 4, 2, 1, bias=not batchnorm)]
    return nn.Sequential(*layers, *([nn.BatchNorm2d(out_ch)] if batchnorm else []), nn.LeakyReLU(0.2))


@torch.no_grad()
def generate(G, z):
    """Images in [0, 1] from a tanh generator, drawn in evaluation mode (batch norm uses its running
    averages, not the batch's statistics); G's mode is restored afterwards."""
    was_training = G.training
    G.eval()
    images = (G(z) + 1) / 2
    G.train(was_training)
    return images
