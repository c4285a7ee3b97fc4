"""The judge of 03's probes (course_lib/teaching/probes/nb03.py): the teacher's answers they are run on, and
the comparisons, with the hints a learner reads."""
import torch

from course_lib.teaching.probes.nb03 import CENTER, FPRS, NB03, ex1_inputs, ex2_scores, ex3_inputs, ex4_start, vae03

from . import JUDGES, answers, close, first


def _judge03_ex1(got: dict, ref: dict) -> list[str]:
    out = [close(got[f"pinned@{k}"], ref[f"pinned@{k}"], f"the score with k = {k}", rtol=1e-4,
                 hint="average the reconstruction term over the k draws (divide by k), then add the KL once.")
           for k in (1, 5)]
    mc = got["mc@300"]
    if isinstance(mc, torch.Tensor) and mc.shape == ref["exact"].shape:
        # against a far longer Monte-Carlo -ELBO than the learner's 300 draws: within 1% (the hidden test's
        # tolerance), which is many times the standard error of a 300-draw mean (the judge checks that too)
        tolerance = torch.maximum(1e-2 * ref["exact"].abs(), 6 * ref["se300"])
        if not ((mc.double() - ref["exact"]).abs() <= tolerance).all():
            out.append("the score against a Monte-Carlo -ELBO is not right: s(x) = E_q[-log p(x|z)] + KL: both terms "
                       "are positive.")
    else:
        out.append(close(mc, ref["exact"], "the score against a Monte-Carlo -ELBO"))
    return first(*out)


def _ref03_ex1(data: dict) -> dict:
    """The reference data, plus the -ELBO of the random VAE's images from 20,000 draws, and the standard error of
    a 300-draw mean."""
    from course_lib.models.vae import reconstruction_nll

    from course_answers.a02_variational_autoencoders import kl_divergence, reparameterize

    generator_state = torch.get_rng_state()   # restored below: the grading process's generator is left as it was
    model, x = vae03(32, hidden=16), ex1_inputs()["mc"]
    torch.manual_seed(3300)
    with torch.no_grad():
        mu, logvar = model.encode(x)
        recs = []
        for _ in range(10):   # 2,000 draws per image at a time
            z = reparameterize(mu.repeat(2_000, 1), logvar.repeat(2_000, 1))
            recs.append(reconstruction_nll(model.decode_logits(z), x.repeat(2_000, 1, 1, 1)).view(2_000, len(x)))
        recs = torch.cat(recs).double()
        data["exact"] = recs.mean(0) + kl_divergence(mu, logvar).double()
    torch.set_rng_state(generator_state)
    data["se300"] = recs.std(0) / 300 ** 0.5
    return data


def _judge03_ex2(got: dict, ref: dict) -> list[str]:
    scores = ex2_scores()
    out = []
    for fpr, kind, t in zip(FPRS, got["types"], got["thresholds"].tolist()):
        if kind != "float":
            out.append(f"return a Python float, not {kind}")
            continue
        out.append(close(torch.tensor((scores > t).float().mean().item()), torch.tensor(fpr),
                         f"the false-positive rate at fpr = {fpr}", atol=0.002, rtol=0))
        out.append(None if scores.min() <= t <= scores.max() else "the threshold should lie within the range of the scores")
    t = got["thresholds"][len(FPRS)].item()
    out.append(None if got["types"][len(FPRS)] == "float" else f"return a Python float, not {got['types'][len(FPRS)]}")
    out.append(None if 4.0 <= t < 5.0 else
               f"for scores 1..5 and fpr 0.25 a threshold in [4, 5) keeps one score of five above it, got {t}")
    return first(*out)


def _judge03_ex3(got: dict, ref: dict) -> list[str]:
    inputs = ex3_inputs()
    x, observed = inputs["x"], inputs["observed"]
    out = [close(got["steps=0"], ref["steps=0"], "impute with 0 steps",
                 hint="start from the observed pixels with the missing ones at 1/2.")]
    for step in range(1, 6):
        mine = got[f"steps={step}"]
        out.append(close(mine, ref[f"steps={step}"], f"impute after {step} steps", atol=1e-5,
                         hint="each round: encode, decode the mean code mu (no sampling), keep the observed pixels."))
        if isinstance(mine, torch.Tensor) and mine.shape == x.shape and not torch.equal(mine[observed], x[observed]):
            out.append("observed pixels changed")
    return first(*out)


def _judge03_ex4(got: dict, ref: dict) -> list[str]:
    z0, center, path = ex4_start(), torch.tensor(CENTER), got["path"]
    expected = center + (z0 - center) * 0.8 ** torch.arange(11.0)[:, None, None]
    out = [close(path[0] if isinstance(path, torch.Tensor) and path.dim() > 0 else path, z0, "the start of the path"),
           close(path, expected, "the path on a quadratic bowl", atol=1e-5,
                 hint="z <- z + lr * grad: with f = -|z - c|^2 each step shrinks z - c by (1 - 2 lr).")]
    if not any(out):
        values = torch.stack([-((p.double() - center) ** 2).sum(dim=1) for p in path])
        out.append(None if (values[1:] >= values[:-1] - 1e-6).all() else
                   "the predicted property must never decrease along the path")
    out.append(None if got["requires_grad"] is False else "return a plain tensor (detach the path)")
    return first(*out)


JUDGES.update({
    (NB03, "ex1_hidden"): (answers(NB03), _judge03_ex1, _ref03_ex1),
    (NB03, "ex2_hidden"): (answers(NB03), _judge03_ex2, None),
    (NB03, "ex3_hidden"): (answers(NB03), _judge03_ex3, None),
    (NB03, "ex4_hidden"): (answers(NB03), _judge03_ex4, None),
})
