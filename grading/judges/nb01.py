"""The judge of 01's probes (course_lib/teaching/probes/nb01.py): the teacher's answers they are run on, and
the comparisons, with the hints a learner reads."""
import torch

from course_lib.teaching.probes import weights
from course_lib.teaching.probes.nb01 import HIDDEN, LATENT, NB01, ex1_inputs, tiny01

from . import JUDGES, answers, close, first


def _shape_problem(got: dict, key: str, shape: tuple, name: str) -> str | None:
    """check_shape's message, on a recorded output and its recorded shape (or type)."""
    if not isinstance(got[f"{key}_shape"], list):
        return f"`{name}` should be a torch.Tensor but is a {got[f'{key}_shape']}."
    if tuple(got[f"{key}_shape"]) != shape:
        return f"`{name}` should have shape {shape} but has shape {tuple(got[f'{key}_shape'])}."
    value = got[key]
    if not isinstance(value, torch.Tensor) or (value.is_floating_point() and not torch.isfinite(value).all()):
        return f"`{name}` contains NaN or infinite values."
    return None


def _layers(got: dict, part: str) -> list:
    """The recorded (weight, bias) of a part's two Linear layers, in float64, as leaves for autograd."""
    return [(w.double(), None if b is None else b.double().requires_grad_())
            for w, b in zip(got[f"{part}_weights"], got[f"{part}_biases"])]


def _linear(h, layer):
    w, b = layer
    return h @ w.T + (b if b is not None else 0)


def _judge01_ex1(got: dict, ref: dict) -> list[str]:
    inputs = ex1_inputs()
    problem = _shape_problem(got, "z", (6, LATENT), f"encoder(x) with latent_dim={LATENT}")
    if problem:
        return [problem]
    if got["enc_widths"] != [HIDDEN, LATENT]:
        return [f"the encoder's layers should map 784 -> {HIDDEN} -> {LATENT} (hidden={HIDDEN}), "
                f"found outputs {got['enc_widths']}"]
    if got["errors"]:
        return [f"your code raised {got['errors'][0]}"]
    problem = _shape_problem(got, "x_hat", (6, 1, 28, 28), f"decoder(z) with latent_dim={LATENT}")
    if problem:
        return [problem]
    far = got["far"]
    if not isinstance(far, torch.Tensor) or far.shape != (6, 1, 28, 28) or not torch.isfinite(far).all() or \
            far.min() < 0 or far.max() > 1:
        return ["`decoder(z) for codes far from 0` should lie in [0, 1]: only a sigmoid keeps every possible code "
                "inside [0, 1]."]
    z = got["z"]
    if not (z[0] - z[1]).abs().max() > 0:
        return ["different images should get different codes"]
    if not (z < 0).any():
        return ["codes are never negative: no activation after the last encoder layer"]
    if len(got["enc_weights"]) != 2 or len(got["dec_weights"]) != 2 or \
            any(w is None for w in got["enc_weights"] + got["dec_weights"]):
        return [f"the encoder and the decoder should each have two nn.Linear layers (784 -> {HIDDEN} -> {LATENT} and "
                f"{LATENT} -> {HIDDEN} -> 784), found outputs {got['enc_widths']} and {got['dec_widths']}"]
    enc, dec = _layers(got, "enc"), _layers(got, "dec")
    e_a = _linear(torch.relu(_linear(inputs["a"].flatten(1).double(), enc[0])), enc[1])
    d_z = torch.sigmoid(_linear(torch.relu(_linear(inputs["z_a"].double(), dec[0])), dec[1]))
    dec_z_a = got["dec_z_a"]
    problems = [close(got["enc_a"], e_a.detach(), "encoder(x): Linear -> ReLU -> Linear", atol=1e-5),
                close(dec_z_a.flatten(1) if isinstance(dec_z_a, torch.Tensor) else dec_z_a, d_z.detach(),
                      "decoder(z): Linear -> ReLU -> Linear -> sigmoid", atol=1e-5)]
    if got["nonzero_first"] == 0 or got["nonzero_last"] == 0:
        name = "the encoder's first layer" if got["nonzero_first"] == 0 else "the decoder's last layer"
        problems.append(f"no gradient reaches `{name}` from `decoder(encoder(x))`, so training could not change it.")
    # the recorded gradients of the biases against the network the recorded weights make
    x_hat = torch.sigmoid(_linear(torch.relu(_linear(
        _linear(torch.relu(_linear(inputs["x"].flatten(1).double(), enc[0])), enc[1]), dec[0])), dec[1]))
    leaves = [b for _, b in enc + dec if b is not None]
    want = torch.autograd.grad((x_hat * weights((6, 1, 28, 28), 1).flatten(1).double()).sum(), leaves) if leaves else []
    recorded = [g for (_, b), g in zip(enc + dec, got["grad_biases"]) if b is not None]
    for i, (g, w) in enumerate(zip(recorded, want)):
        problems.append(None if g is not None else
                        "no gradient reaches a layer's bias from `decoder(encoder(x))`, so training could not change it.")
        if g is not None:
            problems.append(close(g, w, f"the gradient of layer {i + 1}'s bias through decoder(encoder(x))", atol=1e-5,
                                  hint="keep every layer in the graph: no .detach(), no torch.no_grad()."))
    return first(*problems)


def _judge01_ex2(got: dict, ref: dict) -> list[str]:
    return first(close(got["random"], ref["random"], "reconstruction_loss of random images"),
                 close(got["doubled"], ref["random"], "the loss of a batch repeated twice",
                       hint="average over the images of the batch, don't sum."),
                 close(got["perfect"], torch.tensor(0.0), "the loss of a perfect reconstruction"),
                 close(got["flat"], ref["random"], "the loss of flattened images"),
                 None if got["requires_grad"] is True else
                 "`reconstruction_loss` carries no gradient: it was computed without autograd (e.g. under "
                 "torch.no_grad(), with .detach(), or from a fresh tensor). Return a tensor, not loss.item().",
                 close(got["grad_x_hat"], ref["grad_x_hat"], "the gradient of reconstruction_loss with respect to x_hat",
                       hint="return a tensor, not loss.item()."))


def _judge01_ex3(got: dict, ref: dict) -> list[str]:
    """The reference step, built on the learner's own loss (a wrong loss already costs ex2's points):
    each step returns the loss before the update, and moves the weights by -lr x that loss's gradient."""
    hint = "zero the old gradients before backward(), and call optimizer.step() after it."
    with torch.random.fork_rng():   # tiny01 seeds torch: leave the grading process's generator as it was
        names = [name for name, _ in tiny01().named_parameters()]
    problems = [close(p, q, "the starting weights", atol=0, rtol=0) for p, q in zip(got["params0"], ref["params0"])]
    for i in range(3):
        problems.append(close(got["returned"][i:i + 1], got["before"][i:i + 1].double(),
                              f"the loss returned at step {i + 1}", atol=1e-6,
                              hint="return the batch's loss computed before the update."))
    for i in range(3):   # a loss with no gradient (rebound after exercise 2 was judged) moves nothing: not a step
        if max(float(g.abs().max()) for g in got["grads"][i]) < 1e-6:
            problems.append("the loss train_step follows has no gradient: minimise reconstruction_loss(model(x), x)")
    for i in range(3):
        start = got["params0"] if i == 0 else got["params"][i - 1]
        for name, p, b, g in zip(names, got["params"][i], start, got["grads"][i]):
            problems.append(close(p, b.double() - 0.01 * g.double(), f"parameter {name} after step {i + 1}",
                                  atol=1e-6, hint=hint))
    return first(*problems)


JUDGES.update({
    (NB01, "ex1_hidden"): (answers(NB01), _judge01_ex1, None),
    (NB01, "ex2_hidden"): (answers(NB01), _judge01_ex2, None),
    (NB01, "ex3_hidden"): (answers(NB01), _judge01_ex3, None),
})
