"""Probes of 01 · Autoencoders (the grader's comparisons: grading/judges/nb01.py)."""
import math

import torch
from torch import nn

from . import grad_of, probe, weights

NB01 = "01_autoencoders"
LATENT, HIDDEN = 5, 16        # the sizes ex1's probe asks for (not the defaults)
MOST_WEIGHTS = 40_000         # more than the asked-for layers hold: their sizes are recorded, not their weights


def _inputs01(seed: int, *shape, scale: float = 1.0, uniform: bool = False) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    return (torch.rand(*shape, generator=g) if uniform else torch.randn(*shape, generator=g)) * scale


def _out(value, most: int = 10_000):
    """A learner's output as data: a detached copy of a tensor (None if it is not one or is too large)."""
    if isinstance(value, torch.Tensor) and value.numel() <= most:
        return value.detach().clone()
    return None


def _shape(value):
    return list(value.shape) if isinstance(value, torch.Tensor) else type(value).__name__


def ex1_inputs() -> dict:
    """The images and codes ex1's probe feeds the learner's encoder and decoder."""
    return {"x": _inputs01(101, 6, 1, 28, 28, uniform=True), "far": _inputs01(102, 6, LATENT, scale=1000.0),
            "a": _inputs01(103, 6, 1, 28, 28, scale=3.0), "z_a": _inputs01(104, 6, LATENT, scale=3.0)}


@probe(NB01, "ex1_hidden")
def _encoder_decoder(ns):
    torch.manual_seed(1)
    encoder, decoder = ns["make_mlp_autoencoder"](latent_dim=LATENT, hidden=HIDDEN)
    inputs = ex1_inputs()
    out = {}
    for part, module in (("enc", encoder), ("dec", decoder)):
        linears = [m for m in module.modules() if isinstance(m, nn.Linear)]
        out[f"{part}_widths"] = [m.out_features for m in linears]
        small = sum(p.numel() for m in linears for p in m.parameters()) <= MOST_WEIGHTS
        out[f"{part}_weights"] = [m.weight.detach().clone() if small else None for m in linears]
        out[f"{part}_biases"] = [m.bias.detach().clone() if small and m.bias is not None else None for m in linears]
    z = encoder(inputs["x"])
    out["errors"] = []   # what a later call raised: the grader reports it after the checks the earlier data allow

    def call(function, *args):
        try:
            return function(*args)
        except Exception as error:  # noqa: BLE001 -- the learner's code may raise anything
            out["errors"].append(f"{type(error).__name__}: {error}"[:300])
            return None
    x_hat = call(decoder, z)
    out.update({"z": _out(z), "z_shape": _shape(z), "x_hat": _out(x_hat), "x_hat_shape": _shape(x_hat)})
    with torch.no_grad():
        out["far"] = _out(call(decoder, inputs["far"]))
        out["enc_a"] = _out(call(encoder, inputs["a"]))
        out["dec_z_a"] = _out(call(decoder, inputs["z_a"]))
    # a fixed weighting of decoder(encoder(x)), back-propagated: the gradient of every layer's bias (the grader
    # recomputes them from the weights), and how many entries of the encoder's first parameter's gradient and of
    # the decoder's last one's are non-zero
    first, last = next(encoder.parameters()), list(decoder.parameters())[-1]
    biases = [m.bias for part in (encoder, decoder) for m in part.modules() if isinstance(m, nn.Linear)]
    wanted = [p for p in {id(p): p for p in [first, last, *[b for b in biases if b is not None]]}.values()
              if p.requires_grad]
    found = {}
    if isinstance(x_hat, torch.Tensor) and x_hat.requires_grad and wanted:
        grads = torch.autograd.grad((x_hat * weights(x_hat.shape, 1)).sum(), wanted, allow_unused=True)
        found = {id(p): g for p, g in zip(wanted, grads) if g is not None}
    out["grad_biases"] = [found[id(b)].detach().clone() if b is not None and id(b) in found else None for b in biases]
    out["nonzero_first"] = int((found[id(first)] != 0).sum()) if id(first) in found else 0
    out["nonzero_last"] = int((found[id(last)] != 0).sum()) if id(last) in found else 0
    return out


@probe(NB01, "ex2_hidden")
def _reconstruction_loss(ns):
    loss = ns["reconstruction_loss"]
    x = _inputs01(201, 5, 1, 28, 28, uniform=True)
    x_hat = _inputs01(202, 5, 1, 28, 28, uniform=True).requires_grad_()

    def value(v):
        if isinstance(v, torch.Tensor):
            return v.detach().clone()
        return torch.tensor(float(v)) if isinstance(v, (int, float)) and not isinstance(v, bool) else None
    out = {"random": value(loss(x_hat, x)), "doubled": value(loss(torch.cat([x_hat, x_hat]), torch.cat([x, x]))),
           "perfect": value(loss(x, x)), "flat": value(loss(x_hat.flatten(1), x.flatten(1)))}
    got = loss(x_hat, x)
    out["requires_grad"] = isinstance(got, torch.Tensor) and got.requires_grad
    if out["requires_grad"]:
        (got * weights(got.shape, 2)).sum().backward()
    out["grad_x_hat"] = grad_of(x_hat)
    return out


def tiny01() -> nn.Module:
    """ex3's model: a linear autoencoder, seeded."""
    from course_lib.models.ae import Autoencoder

    torch.manual_seed(5)
    return Autoencoder(nn.Sequential(nn.Flatten(), nn.Linear(784, 2)),
                       nn.Sequential(nn.Linear(2, 784), nn.Sigmoid(), nn.Unflatten(1, (1, 28, 28))))


@probe(NB01, "ex3_hidden")
def _train_step(ns):
    """Three SGD steps of the learner's train_step on a tiny model: before each, the loss and gradient of the
    learner's reconstruction_loss at the current weights; after each, what the step returned and the weights."""
    model, x = tiny01(), _inputs01(301, 8, 1, 28, 28, uniform=True)
    batch = (x, torch.zeros(8))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    params = list(model.parameters())
    out = {"params0": [p.detach().clone() for p in params], "before": [], "returned": [], "grads": [], "params": []}
    for _ in range(3):
        before = ns["reconstruction_loss"](model(x), x)
        out["before"].append(float(before.detach() if isinstance(before, torch.Tensor) else before))
        out["grads"].append([g.detach().clone() for g in torch.autograd.grad(before, params)])
        got = ns["train_step"](model, batch, optimizer)
        got = got["loss"] if isinstance(got, dict) else got
        if isinstance(got, torch.Tensor) and got.dim() == 0:
            got = got.item()
        out["returned"].append(float(got) if isinstance(got, (int, float)) and not isinstance(got, bool) else math.nan)
        out["params"].append([p.detach().clone() for p in params])
    out["before"], out["returned"] = torch.tensor(out["before"]), torch.tensor(out["returned"], dtype=torch.float64)
    return out
