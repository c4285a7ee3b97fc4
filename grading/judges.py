"""The grader's half of each probe (``course_lib.teaching.probes``): the reference answers a probe is run on
here, and the comparisons that give a graded cell its verdict, with the hints the visible tests use. Runs in
the grading process, never in the learner's; imports the teacher's answers."""
from __future__ import annotations

import math

import torch

from course_lib.teaching.probes import NB02, weights

Problems = list


def _close(got, want, what: str, atol=1e-5, rtol=1e-4, hint: str = "") -> str | None:
    if not isinstance(got, torch.Tensor) or not isinstance(want, torch.Tensor):
        return f"{what}: expected a tensor"
    if got.shape != want.shape:
        return f"{what} has shape {tuple(got.shape)}, expected {tuple(want.shape)}" + (f": {hint}" if hint else "")
    if not torch.allclose(got.double(), want.double(), atol=atol, rtol=rtol, equal_nan=False):
        return f"{what} is not right" + (f": {hint}" if hint else "")
    return None


def _first(*checks) -> list[str]:
    return [c for c in checks if c][:1]


# ---- 02 ----
def _ns02() -> dict:
    from course_answers import a02_variational_autoencoders as a02

    def train_step(model, batch, optimizer, beta=1.0):
        optimizer.zero_grad()
        losses = a02.negative_elbo(model, batch[0], beta=beta)
        losses["loss"].backward()
        optimizer.step()
        return {k: v.item() for k, v in losses.items()}
    return {"reparameterize": a02.reparameterize, "kl_divergence": a02.kl_divergence,
            "negative_elbo": lambda model, x, beta=1.0: a02.negative_elbo(model, x, beta=beta), "train_step": train_step}


def _judge02_ex1(got: dict, ref: dict) -> list[str]:
    z, mu, logvar = got["z"], ref["mu"], ref["logvar"]
    if not isinstance(z, torch.Tensor) or z.shape != mu.shape:
        return [f"reparameterize(mu, logvar) should have the shape of mu, {tuple(mu.shape)}"]
    mean, std = z.double().mean(0), z.double().std(0)
    return _first(
        None if torch.allclose(mean, torch.tensor([1.0, -2.0], dtype=torch.float64), atol=0.08) else
        "the mean of z is not mu",
        None if torch.allclose(std, torch.tensor([2.0, 0.5], dtype=torch.float64), atol=0.08) else
        "the standard deviation of z is not right: sigma = exp(logvar / 2), as logvar is the log of the *variance*",
        _close(got["grad_mu"], weights(z.shape, 1), "dz/dmu", hint="build z from mu and logvar (z = mu + sigma * eps), "
               "don't sample it directly: torch.normal(mu, sigma) cuts the gradients."),
        _close(got["grad_logvar"], weights(z.shape, 1) * 0.5 * (z - mu), "dz/dlogvar", atol=1e-4,
               hint="dz/dlogvar = sigma * eps / 2."),
        "two calls should draw different noise: draw eps = torch.randn_like(mu) on every call (do not re-seed)"
        if isinstance(got["draw_a"], torch.Tensor) and torch.equal(got["draw_a"], got["draw_b"]) else None)


def _judge02_ex2(got: dict, ref: dict) -> list[str]:
    hint = "KL = 1/2 sum(mu^2 + sigma^2 - 1 - log sigma^2) over the latent dimensions (dim=1), one value per example"
    return _first(_close(got["wide"], ref["wide"], "KL for sigma^2 = 4", hint="the variance term is sigma^2 = exp(logvar)."),
                  _close(got["shifted"], ref["shifted"], "KL for mu = (0.7, -1.2)", hint=hint),
                  _close(got["batch"], ref["batch"], "per-example KL", hint=hint),
                  _close(got["doubled"], ref["doubled"], "per-example KL of a doubled batch", hint=hint))


def _judge02_ex3(got: dict, ref: dict) -> list[str]:
    out = []
    for beta in (0.0, 1.0, 2.5):
        out += [_close(got[f"rec@{beta}"], ref[f"rec@{beta}"], f"rec (beta = {beta})", rtol=1e-4,
                       hint="rec is reconstruction_nll(decode_logits(z), x), summed over each image's pixels, then .mean()."),
                _close(got[f"kl@{beta}"], ref[f"kl@{beta}"], f"kl (beta = {beta})", rtol=1e-4,
                       hint="kl is kl_divergence(mu, logvar).mean()."),
                _close(got[f"loss@{beta}"], ref[f"loss@{beta}"], f"loss (beta = {beta})", rtol=1e-4,
                       hint="loss = rec + beta * kl: the KL is *added*, and beta multiplies only the KL.")]
    decoded = got["decoded"]
    if not isinstance(decoded, torch.Tensor) or decoded.shape != (6, 3) or not torch.isfinite(decoded).all() or \
            (decoded - ref["mu_noisy"]).abs().max() < 1e-3:
        out.append("decode the sampled z = reparameterize(mu, logvar), not mu itself")
    out += [_close(got["step_losses"], ref["step_losses"], "the losses train_step returned", atol=1e-4, rtol=1e-4,
                   hint="return the losses the step was computed from (before the update), and pass beta on."),
            None if got["step_returns_floats"] is True else "train_step should return floats (value.item())"]
    out += [_close(got.get(k), v, f"parameter {k[6:]} after 3 SGD steps", atol=1e-5,
                   hint="zero the gradients, backward the loss, then optimizer.step().")
            for k, v in ref.items() if k.startswith("param:")]
    return _first(*out)


def _ref02_ex3(data: dict) -> dict:
    """The reference data, plus what the decoder would get were it given mu (the noisy model's mean)."""
    from course_lib.teaching.checks import PointVAE

    x = torch.rand(6, 1, 28, 28, generator=torch.Generator().manual_seed(13))
    data["mu_noisy"] = PointVAE(seed=13, logvar=0.0).encode(x)[0].detach()
    return data


JUDGES = {
    (NB02, "ex1_hidden"): (_ns02, _judge02_ex1, None),
    (NB02, "ex2_hidden"): (_ns02, _judge02_ex2, None),
    (NB02, "ex3_hidden"): (_ns02, _judge02_ex3, _ref02_ex3),
}
_REFERENCE: dict = {}


def reference_data(notebook: str, cell: str) -> dict:
    """The probe run on the teacher's answers (once per grading process)."""
    from course_lib.teaching.probes import PROBES

    key = (notebook, cell)
    if key not in _REFERENCE:
        namespace, _, extra = JUDGES[key]
        state = torch.get_rng_state()
        try:
            data = PROBES[key](namespace())
        finally:
            torch.set_rng_state(state)
        _REFERENCE[key] = extra(data) if extra else data
    return _REFERENCE[key]


def judge(notebook: str, cell: str, got: dict) -> list[str]:
    """What is wrong with the learner's probe data (empty: full points)."""
    if "error" in got:
        return [f"your code raised {got['error']}"]
    ref = reference_data(notebook, cell)
    _, compare, _ = JUDGES[(notebook, cell)]
    try:
        return compare(got, ref)
    except (KeyError, TypeError, ValueError, RuntimeError) as error:
        return [f"the recorded answer could not be checked ({type(error).__name__}: {error})"]


__all__ = ["JUDGES", "judge", "reference_data", "math"]
