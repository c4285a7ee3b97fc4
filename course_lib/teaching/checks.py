"""Checks behind the visible and hidden tests of the exercises.

Each raises ``ExerciseError`` (an ``AssertionError``, so nbgrader counts it as a
failed test) with a sentence a learner can act on, or returns quietly.
"""
from __future__ import annotations

import sys
import warnings

import torch
from torch import nn


def show_warnings_on_stdout() -> None:
    """nbgrader scores a test cell that writes to stderr as failed, and Python prints warnings
    there: a correct answer that triggers a harmless warning (``float(loss)`` on a tensor that
    requires grad, ``torch.tensor(z)``) would lose its points. Each graded notebook calls this in
    its setup cell, so warnings are shown on stdout instead: still visible, never a failure.
    Importing this module changes nothing."""
    def show(message, category, filename, lineno, file=None, line=None):
        sys.stdout.write(warnings.formatwarning(message, category, filename, lineno, line))

    warnings.showwarning = show


class ExerciseError(AssertionError):
    """The exercise's answer is not right yet; the message says what is wrong."""


def _fail(message: str, hint: str | None):
    raise ExerciseError(message + (f" Hint: {hint}" if hint else ""))


def check_tensor(value, name: str, hint: str | None = None) -> torch.Tensor:
    """``value`` is a tensor without NaN or infinity."""
    if value is None:
        _fail(f"`{name}` is None: did the function forget to `return` it?", hint)
    if not torch.is_tensor(value):
        _fail(f"`{name}` should be a torch.Tensor but is a {type(value).__name__}.", hint)
    if value.is_floating_point() and not torch.isfinite(value).all():
        _fail(f"`{name}` contains NaN or infinite values.", hint)
    return value


def check_shape(value, shape, name: str, hint: str | None = None) -> None:
    """``value`` is a tensor of exactly ``shape``."""
    check_tensor(value, name, hint)
    if tuple(value.shape) != tuple(shape):
        _fail(f"`{name}` should have shape {tuple(shape)} but has shape {tuple(value.shape)}.", hint)


def check_range(value, low: float, high: float, name: str, hint: str | None = None) -> None:
    """Every entry of ``value`` lies in [low, high]."""
    check_tensor(value, name, hint)
    lo, hi = value.min().item(), value.max().item()
    if lo < low or hi > high:
        _fail(f"`{name}` should lie in [{low}, {high}] but ranges over [{lo:.4g}, {hi:.4g}].", hint)


def check_close(actual, expected, name: str, atol: float = 1e-5, rtol: float = 1e-4,
                hint: str | None = None) -> None:
    """``actual`` equals ``expected`` within tolerance (numbers or tensors)."""
    if not torch.is_tensor(actual):
        if isinstance(actual, (int, float)) and not isinstance(actual, bool):
            actual = torch.tensor(float(actual))
        else:
            check_tensor(actual, name, hint)
    expected = torch.as_tensor(expected, dtype=actual.dtype if actual.is_floating_point() else None)
    check_tensor(actual, name, hint)
    if actual.shape != expected.shape:
        _fail(f"`{name}` should have shape {tuple(expected.shape)} but has shape {tuple(actual.shape)}.", hint)
    actual, expected = actual.detach().cpu().double(), expected.detach().cpu().double()
    if not torch.allclose(actual, expected, atol=atol, rtol=rtol):
        err = (actual - expected).abs().max().item()
        shown = f"{actual.item():.6g}, expected {expected.item():.6g}" if actual.numel() == 1 else \
            f"values that differ from the expected ones by up to {err:.3g}"
        _fail(f"`{name}` is not right: got {shown}.", hint)


def check_scalar(value, name: str, hint: str | None = None) -> float:
    """``value`` is a single finite number (a Python float or a 0-dim tensor); returns it."""
    if torch.is_tensor(value):
        if value.numel() != 1:
            _fail(f"`{name}` should be one number but is a tensor of shape {tuple(value.shape)}: "
                  f"reduce it with .mean() or .sum().", hint)
        value = value.item()
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        _fail(f"`{name}` should be a number but is a {type(value).__name__}.", hint)
    if value != value or value in (float("inf"), float("-inf")):
        _fail(f"`{name}` is {value}.", hint)
    return float(value)


def check_grad_flow(output: torch.Tensor, inputs: dict, name: str, hint: str | None = None) -> None:
    """Back-propagating a fixed random weighting of ``output`` gives a non-zero gradient to every
    tensor in ``inputs``.

    Not ``output.sum()``: some wrong answers have a sum that does not depend on the inputs at all
    (a softmax over the pixels sums to 1), so its gradient is zero in exact arithmetic and whatever
    rounding leaves of it depends on the CPU, the math library and the thread count. A random
    weighting (the same on every machine: its own seeded generator) is a direction along which
    every output that depends on the inputs changes, so its gradient is far from zero for them."""
    check_tensor(output, name, hint)
    if not output.requires_grad:
        _fail(f"`{name}` carries no gradient: it was computed without autograd "
              f"(e.g. under torch.no_grad(), with .detach(), or from a fresh tensor).", hint)
    tensors = list(inputs.values())
    weights = torch.rand(output.shape, generator=torch.Generator().manual_seed(0), dtype=output.dtype)
    weights = (weights + 0.5).to(output.device)   # in [0.5, 1.5): every entry counts, none cancels out
    grads = torch.autograd.grad((output * weights).sum(), tensors, allow_unused=True, retain_graph=True)
    for input_name, grad in zip(inputs, grads):
        if grad is None or not torch.any(grad != 0):
            _fail(f"no gradient reaches `{input_name}` from `{name}`, so training could not change it.", hint)


def check_same_steps(step, reference, make_model, batch, make_optimizer, steps: int = 3, atol: float = 1e-6,
                     rtol: float = 1e-4, hint: str | None = None) -> None:
    """``steps`` updates by the learner's ``step(model, batch, optimizer)`` and by ``reference``, each
    from its own ``make_model()`` (seed inside it, so the two start equal): the losses they return
    (a float, or a dict's "loss") and then every parameter must agree."""
    mine, ref = make_model(), make_model()
    opt_mine, opt_ref = make_optimizer(mine), make_optimizer(ref)
    for i in range(steps):
        got, want = step(mine, batch, opt_mine), reference(ref, batch, opt_ref)
        got, want = (got["loss"] if isinstance(got, dict) else got), (want["loss"] if isinstance(want, dict) else want)
        check_close(got, want, f"the loss returned at step {i + 1}", atol=atol, rtol=rtol,
                    hint="return the batch's loss computed before the update.")
    for (name, p_mine), p_ref in zip(mine.named_parameters(), ref.parameters()):
        check_close(p_mine, p_ref, f"parameter {name} after {steps} steps", atol=max(atol, 1e-6), hint=hint)


class RangeSpy(nn.Module):
    """Wraps a network and notes the (min, max) of every batch it is given, in ``seen``: a test can
    then tell whether a discriminator saw real images in [-1, 1] or in [0, 1]."""

    def __init__(self, inner: nn.Module):
        super().__init__()
        self.inner, self.seen = inner, []

    def forward(self, x):
        self.seen.append((x.min().item(), x.max().item()))
        return self.inner(x)


class PointVAE(nn.Module):
    """A test VAE whose clouds are (almost) points: every log-variance is ``logvar`` (-30: sigma ~ 3e-7),
    so z = mu and a VAE's losses are deterministic. Linear 784 -> ``latent`` -> 784 logits, weights
    drawn from ``seed``."""

    def __init__(self, seed: int, logvar: float = -30.0, latent: int = 3):
        super().__init__()
        torch.manual_seed(seed)
        self.enc, self.dec, self.logvar = nn.Linear(784, latent), nn.Linear(latent, 784), logvar

    def encode(self, x, y=None):
        mu = self.enc(x.flatten(1))
        return mu, torch.full_like(mu, self.logvar)

    def decode_logits(self, z, y=None):
        return self.dec(z).view(-1, 1, 28, 28)


def passed(what: str) -> None:
    """Tell the learner a check passed."""
    print(f"\u2714 {what}")
