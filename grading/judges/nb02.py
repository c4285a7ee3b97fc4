"""The judge of 02's probes (course_lib/teaching/probes/nb02.py): the teacher's answers they are run on, and
the comparisons, with the visible tests' hints."""
import torch

from course_lib.teaching.probes import weights
from course_lib.teaching.probes.nb02 import NB02

from . import JUDGES, answers, close, first


def _judge02_ex1(got: dict, ref: dict) -> list[str]:
    z, mu = got["z"], ref["mu"]
    if not isinstance(z, torch.Tensor) or z.shape != mu.shape:
        return [f"reparameterize(mu, logvar) should have the shape of mu, {tuple(mu.shape)}"]
    mean, std = z.double().mean(0), z.double().std(0)
    return first(
        None if torch.allclose(mean, torch.tensor([1.0, -2.0], dtype=torch.float64), atol=0.08) else
        "the mean of z is not mu",
        None if torch.allclose(std, torch.tensor([2.0, 0.5], dtype=torch.float64), atol=0.08) else
        "the standard deviation of z is not right: sigma = exp(logvar / 2), as logvar is the log of the *variance*",
        close(got["grad_mu"], weights(z.shape, 1), "dz/dmu", hint="build z from mu and logvar (z = mu + sigma * eps), "
               "don't sample it directly: torch.normal(mu, sigma) cuts the gradients."),
        close(got["grad_logvar"], weights(z.shape, 1) * 0.5 * (z - mu), "dz/dlogvar", atol=1e-4,
               hint="dz/dlogvar = sigma * eps / 2."),
        "two calls should draw different noise: draw eps = torch.randn_like(mu) on every call (do not re-seed)"
        if isinstance(got["draw_a"], torch.Tensor) and torch.equal(got["draw_a"], got["draw_b"]) else None)


def _judge02_ex2(got: dict, ref: dict) -> list[str]:
    hint = "KL = 1/2 sum(mu^2 + sigma^2 - 1 - log sigma^2) over the latent dimensions (dim=1), one value per example"
    return first(close(got["wide"], ref["wide"], "KL for sigma^2 = 4", hint="the variance term is sigma^2 = exp(logvar)."),
                  close(got["shifted"], ref["shifted"], "KL for mu = (0.7, -1.2)", hint=hint),
                  close(got["batch"], ref["batch"], "per-example KL", hint=hint),
                  close(got["doubled"], ref["doubled"], "per-example KL of a doubled batch", hint=hint))


def _judge02_ex3(got: dict, ref: dict) -> list[str]:
    out = []
    for beta in (0.0, 1.0, 2.5):
        out += [close(got[f"rec@{beta}"], ref[f"rec@{beta}"], f"rec (beta = {beta})", rtol=1e-4,
                       hint="rec is reconstruction_nll(decode_logits(z), x), summed over each image's pixels, then .mean()."),
                close(got[f"kl@{beta}"], ref[f"kl@{beta}"], f"kl (beta = {beta})", rtol=1e-4,
                       hint="kl is kl_divergence(mu, logvar).mean()."),
                close(got[f"loss@{beta}"], ref[f"loss@{beta}"], f"loss (beta = {beta})", rtol=1e-4,
                       hint="loss = rec + beta * kl: the KL is *added*, and beta multiplies only the KL.")]
    decoded = got["decoded"]
    if not isinstance(decoded, torch.Tensor) or decoded.shape != (6, 3) or not torch.isfinite(decoded).all() or \
            (decoded - ref["mu_noisy"]).abs().max() < 1e-3:
        out.append("decode the sampled z = reparameterize(mu, logvar), not mu itself")
    out += [close(got["step_losses"], ref["step_losses"], "the losses train_step returned", atol=1e-4, rtol=1e-4,
                   hint="return the losses the step was computed from (before the update), and pass beta on."),
            None if got["step_returns_floats"] is True else "train_step should return floats (value.item())"]
    out += [close(got.get(k), v, f"parameter {k[6:]} after 3 SGD steps", atol=1e-5,
                   hint="zero the gradients, backward the loss, then optimizer.step().")
            for k, v in ref.items() if k.startswith("param:")]
    return first(*out)


def _ref02_ex3(data: dict) -> dict:
    """The reference data, plus what the decoder would get were it given mu (the noisy model's mean)."""
    from course_lib.teaching.checks import PointVAE

    x = torch.rand(6, 1, 28, 28, generator=torch.Generator().manual_seed(13))
    data["mu_noisy"] = PointVAE(seed=13, logvar=0.0).encode(x)[0].detach()
    return data


JUDGES.update({
    (NB02, "ex1_hidden"): (answers(NB02), _judge02_ex1, None),
    (NB02, "ex2_hidden"): (answers(NB02), _judge02_ex2, None),
    (NB02, "ex3_hidden"): (answers(NB02), _judge02_ex3, _ref02_ex3),
})
