"""The judge of 07's probes (course_lib/teaching/probes/nb07.py): the teacher's answers they are run on, and
the comparisons, with the hidden tests' hints."""
import torch

from course_lib.teaching.probes.nb07 import NB07

from . import JUDGES, answers, close, first


def _tensor_of(got, shape, what: str, hint: str = "") -> str | None:
    """None when ``got`` is a finite tensor of ``shape``; else what is wrong."""
    if not isinstance(got, torch.Tensor):
        return f"`{what}` should be a tensor but is {got if isinstance(got, str) else type(got).__name__}"
    if tuple(got.shape) != tuple(shape):
        return f"`{what}` should have shape {tuple(shape)} but has shape {tuple(got.shape)}" + \
            (f": {hint}" if hint else "")
    if not got.is_floating_point() or not torch.isfinite(got).all():
        return f"`{what}` should hold finite floating-point numbers"
    return None


def _judge07_ex1(got: dict, ref: dict) -> list[str]:
    out = got["out"]
    problem = _tensor_of(out, ref["out"].shape, "adain(x, scale, bias)")
    if problem:
        return [problem]
    return first(
        close(out.mean(dim=(2, 3)), ref["bias"], "the mean of each output channel", atol=1e-4),
        close(out.std(dim=(2, 3), unbiased=False), ref["scale"], "the std of each output channel", rtol=1e-3,
              hint="normalise each image's channel over (H, W) with the population std (unbiased=False)."),
        close(got["one"], out[:1], "one image alone", atol=1e-5, hint="statistics are per image: do not pool over the batch."),
        close(got["rescaled"], out, "the output after rescaling the input", atol=1e-3,
              hint="AdaIN erases the input's own scale and offset."),
        close(out, ref["out"], "adain(x, scale, bias)", atol=1e-4, rtol=1e-4,
              hint="scale * (x - mu) / sqrt(Var + eps) + bias, with each image's channel's mean and population "
                   "variance over (H, W)."))


def _judge07_ex2(got: dict, ref: dict) -> list[str]:
    x, strength = ref["x"], ref["strength"].view(1, 4, 1, 1)
    given = close(got["given"], ref["given"], "x + B n", atol=1e-6)
    shape = _tensor_of(got["fresh_a"], x.shape, "the added noise")
    if given or shape:
        return first(given, shape)
    per_pixel = (got["fresh_a"] - x) / strength
    checks = [close(per_pixel[:, 1:], per_pixel[:, :1].expand(-1, 3, -1, -1), "the noise behind each channel",
                    atol=1e-5, hint="one noise image per sample, (N, 1, H, W), shared by all channels.")]
    many = got["many"]
    problem = _tensor_of(many, (32, 16, 16), "add_noise(x, strength) on 32 maps of 16 x 16 (channel 0)")
    if problem:
        checks.append(problem)
    else:   # 8,192 draws: the standard errors of the mean, std and tail share are 0.011, 0.008 and 0.0024
        n = many.double()
        tails = (n.abs() > 1.96).double().mean().item()
        if not (abs(n.mean().item()) < 0.05 and 0.95 < n.std().item() < 1.05 and 0.035 < tails < 0.065):
            checks.append("the fresh noise should be standard normal")
    checks.append("one noise image per sample, not one for the batch"
                  if torch.allclose(per_pixel[0], per_pixel[1]) else None)
    fresh_b = got["fresh_b"]
    checks.append("each call should draw fresh noise"
                  if isinstance(fresh_b, torch.Tensor) and fresh_b.shape == got["fresh_a"].shape and
                  torch.equal(fresh_b, got["fresh_a"]) else None)
    return first(*checks)


def _judge07_ex3(got: dict, ref: dict) -> list[str]:
    checks = [close(got[f"psi={psi}"], ref[f"psi={psi}"], f"psi = {psi}", atol=1e-6) for psi in (0.25, 0.7, 1.5)]
    half = got["psi=0.5"]
    w, w_avg = ref["w"], ref["w_avg"]
    problem = _tensor_of(half, w.shape, "truncate(w, w_avg, 0.5)")
    checks.append(problem or close((half - w_avg).norm(dim=1) / (w - w_avg).norm(dim=1), torch.full((6,), 0.5),
                                   "the distance to w_avg at psi = 0.5", atol=1e-5))
    return first(*checks)


def _judge07_ex4(got: dict, ref: dict) -> list[str]:
    w1, w2 = ref["w1"], ref["w2"]
    checks = []
    for k in (0, 1, 3, 7):
        ws = got[f"crossover={k}"]
        problem = _tensor_of(ws, (4, 7, 6), f"mix_styles with crossover {k}")
        if problem:
            checks.append(problem)
            continue
        checks += [close(ws[:, layer], w1 if layer < k else w2, f"layer {layer} with crossover {k}", atol=0,
                         hint="layers below the crossover take w1, the others w2.") for layer in range(7)]
    return first(*checks)


JUDGES.update({
    (NB07, "ex1_hidden"): (answers(NB07), _judge07_ex1, None),
    (NB07, "ex2_hidden"): (answers(NB07), _judge07_ex2, None),
    (NB07, "ex3_hidden"): (answers(NB07), _judge07_ex3, None),
    (NB07, "ex4_hidden"): (answers(NB07), _judge07_ex4, None),
})
