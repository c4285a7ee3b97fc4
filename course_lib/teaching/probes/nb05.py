"""Probes of 05 · DCGAN (the grader's comparisons: grading/judges/nb05.py)."""
import torch
from torch import nn

from ..harnesses import HalfSquareCritic, LinearCritic
from . import probe

NB05 = "05_dcgan"


def fixed_input(shape, seed: int) -> torch.Tensor:
    """A batch the grader can draw again: the same numbers in the learner's process and in its own."""
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed))


def _modules(block, kind) -> list:
    return [m for m in block.modules() if isinstance(m, kind)]


def _conv(conv, prefix: str) -> dict:
    """A convolution's settings and weights (its bias only when it has one)."""
    out = {f"{prefix}kernel": list(conv.kernel_size), f"{prefix}stride": list(conv.stride),
           f"{prefix}padding": list(conv.padding), f"{prefix}bias_none": conv.bias is None,
           f"{prefix}weight": conv.weight.detach().clone()}
    if conv.bias is not None:
        out[f"{prefix}bias"] = conv.bias.detach().clone()
    return out


def _norm(norm, prefix: str) -> dict:
    """A batch norm's affine parameters (when it has them) and epsilon."""
    out = {f"{prefix}eps": float(norm.eps)}
    if norm.weight is not None:
        out[f"{prefix}weight"] = norm.weight.detach().clone()
    if norm.bias is not None:
        out[f"{prefix}bias"] = norm.bias.detach().clone()
    return out


@probe(NB05, "ex1_hidden")
def _up_block(ns):
    torch.manual_seed(30)
    block = ns["up_block"](6, 3)
    convs, norms = _modules(block, nn.ConvTranspose2d), _modules(block, nn.BatchNorm2d)
    out = {"shape": list(block(fixed_input((2, 6, 14, 14), 30)).shape), "n_convs": len(convs), "n_norms": len(norms),
           "norm_features": [m.num_features for m in norms]}
    if len(convs) == 1:
        out.update(_conv(convs[0], "conv_"))
    if len(norms) == 1:
        out.update(_norm(norms[0], "norm_"))
    out["out"] = block(fixed_input((5, 6, 7, 7), 31)).detach().clone()
    return out


@probe(NB05, "ex2_hidden")
def _down_block(ns):
    torch.manual_seed(40)
    with_bn, without = ns["down_block"](4, 6, batchnorm=True), ns["down_block"](4, 6, batchnorm=False)
    norms = _modules(with_bn, nn.BatchNorm2d)
    out = {"shape": list(with_bn(fixed_input((3, 4, 14, 14), 40)).shape), "n_norms": len(norms),
           "n_norms_without": len(_modules(without, nn.BatchNorm2d)), "norm_features": [m.num_features for m in norms]}
    convs, convs_bn = _modules(without, nn.Conv2d), _modules(with_bn, nn.Conv2d)
    if convs:
        out.update(_conv(convs[0], "without_"))
        out["out_without"] = without(fixed_input((2, 4, 14, 14), 41)).detach().clone()
    if convs_bn and len(norms) == 1:
        out.update(_conv(convs_bn[0], "with_"))
        out.update(_norm(norms[0], "norm_"))
        out["out_with"] = with_bn(fixed_input((16, 4, 6, 6), 42)).detach().clone()
    return out


@probe(NB05, "ex3_hidden")
def _dcgan_step_and_generate(ns):
    from course_lib.models import gan
    from course_lib.teaching.checks import RangeSpy

    z_dim, channels, out = 16, 16, {}
    # one round on an all-black real batch, with the course's own blocks: the ranges of what D was given
    torch.manual_seed(32)
    G, spy = gan.DCGenerator(z_dim, channels), RangeSpy(gan.DCDiscriminator(channels))
    opt_G, opt_D = torch.optim.Adam(G.parameters(), 2e-4), torch.optim.Adam(spy.parameters(), 2e-4)
    ns["dcgan_step"](G, spy, (torch.zeros(4, 1, 28, 28), torch.zeros(4)), opt_G, opt_D, z_dim)
    out["seen"] = torch.tensor(spy.seen, dtype=torch.float64).reshape(-1, 2)
    # generate from a generator in training mode whose batch norms have running averages of their own
    torch.manual_seed(33)
    G = gan.DCGenerator(z_dim, channels)
    with torch.no_grad():
        for _ in range(3):
            G(2 * torch.randn(32, z_dim) + 1)
    G.train()
    z = torch.randn(6, z_dim)
    images = ns["generate"](G, z)
    out["requires_grad"] = bool(images.requires_grad)
    out["modes"] = torch.tensor([m.training for m in G.modules()])
    out["images"] = images.detach().clone()
    out["one"] = ns["generate"](G, z[:1]).detach().clone()
    return out


def _unit(shape, seed: int, norm: float) -> torch.Tensor:
    w = fixed_input(shape, seed)
    return norm * w / w.norm()


@probe(NB05, "ex4_hidden")
def _gradient_penalty(ns):
    penalty, out = ns["gradient_penalty"], {}
    got = penalty(LinearCritic(_unit((3,), 50, 2.5)), fixed_input((7, 3), 51), fixed_input((7, 3), 52))
    out["dim0"] = isinstance(got, torch.Tensor) and got.dim() == 0
    out["linear"] = got.detach().clone().reshape(-1)[:1] if isinstance(got, torch.Tensor) else None
    for name, shape, norm in [("grey", (1, 12, 12), 1.5), ("colour", (3, 8, 8), 0.2)]:
        value = penalty(LinearCritic(_unit(shape, 53, norm)), fixed_input((6, *shape), 54), fixed_input((6, *shape), 55))
        out[name] = value.detach().clone().reshape(-1)[:1] if isinstance(value, torch.Tensor) else None
    # real (0, 4), fake (0, 1): gradient norm 1 + 3 eps, penalty 9 eps^2, mean 3; its derivative in s, mean 9
    critic = HalfSquareCritic()
    real, fake = torch.tensor([[0.0, 4.0]]).expand(4_000, 2), torch.tensor([[0.0, 1.0]]).expand(4_000, 2)
    for k in range(3):
        torch.manual_seed(60 + k)
        value = penalty(critic, real, fake)
        out[f"between@{k}"] = value.detach().clone().reshape(-1)[:1]
    out["requires_grad"] = bool(value.requires_grad)
    out["critic_grad_none"] = critic.s.grad is None
    out["d/ds"] = torch.autograd.grad(value, critic.s)[0].reshape(1) if value.requires_grad else None
    # real (3, 3, 3), fake (-1, -1, -1): one eps per sample keeps x_hat on the diagonal, where this critic is flat
    flat = penalty(lambda x: (x - x.mean(1, keepdim=True)).pow(2).sum(1, keepdim=True), torch.full((1_000, 3), 3.0),
                   torch.full((1_000, 3), -1.0))
    out["diagonal"] = flat.detach().clone().reshape(-1)[:1] if isinstance(flat, torch.Tensor) else None
    return out
