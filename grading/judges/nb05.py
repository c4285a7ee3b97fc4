"""The judge of 05's probes (course_lib/teaching/probes/nb05.py): the teacher's answers they are run on, and
the comparisons, with the hidden tests' hints. The blocks' outputs are checked against the block's own recorded
weights, put through the layers the text asks for."""
import torch
import torch.nn.functional as F

from course_lib.teaching.probes.nb05 import NB05, fixed_input

from . import JUDGES, answers, close, first


def _normalised(h, got: dict, prefix: str) -> torch.Tensor:
    return F.batch_norm(h, None, None, got.get(f"{prefix}weight"), got.get(f"{prefix}bias"), training=True,
                        eps=got[f"{prefix}eps"])


def _judge05_ex1(got: dict, ref: dict) -> list[str]:
    if got["shape"] != ref["shape"]:
        return [f"up_block(6, 3) on 14x14 gave shape {tuple(got['shape'])}, expected {tuple(ref['shape'])}"]
    if got["n_convs"] != 1 or got.get("conv_bias_none") is not True or got.get("conv_kernel") != [4, 4]:
        return ["use one nn.ConvTranspose2d(in_ch, out_ch, kernel_size=4, stride=2, padding=1, bias=False)"]
    if got["n_norms"] != 1 or got["norm_features"] != [3]:
        return ["normalise the block's output with nn.BatchNorm2d(out_ch)"]
    if got["conv_stride"] != [2, 2] or got["conv_padding"] != [1, 1]:
        return ["use one nn.ConvTranspose2d(in_ch, out_ch, kernel_size=4, stride=2, padding=1, bias=False)"]
    h = F.conv_transpose2d(fixed_input((5, 6, 7, 7), 31), got["conv_weight"], None, stride=2, padding=1)
    return first(close(got["out"], torch.relu(_normalised(h, got, "norm_")), "up_block(6, 3)(x)", atol=1e-5,
                       hint="transposed conv -> batch norm -> nn.ReLU()."))


def _judge05_ex2(got: dict, ref: dict) -> list[str]:
    if got["shape"] != ref["shape"]:
        return [f"down_block(4, 6) on 14x14 gave shape {tuple(got['shape'])}, expected {tuple(ref['shape'])}"]
    if got["n_norms"] < 1:
        return ["batchnorm=True should add nn.BatchNorm2d"]
    if got["n_norms_without"] != 0:
        return ["batchnorm=False should leave it out"]
    if got["n_norms"] != 1 or got["norm_features"] != [6]:
        return ["normalise the conv's output with nn.BatchNorm2d(out_ch)"]
    for prefix in ("without_", "with_"):
        if got.get(f"{prefix}kernel") != [4, 4] or got.get(f"{prefix}stride") != [2, 2] or \
                got.get(f"{prefix}padding") != [1, 1]:
            return ["kernel 4, stride 2, padding 1"]
    h = F.conv2d(fixed_input((2, 4, 14, 14), 41), got["without_weight"], got.get("without_bias"), stride=2, padding=1)
    h_bn = F.conv2d(fixed_input((16, 4, 6, 6), 42), got["with_weight"], got.get("with_bias"), stride=2, padding=1)
    return first(close(got["out_without"], F.leaky_relu(h, 0.2), "LeakyReLU(0.2) after the conv", atol=1e-5,
                       hint="after the conv comes LeakyReLU with slope 0.2, nn.LeakyReLU(0.2)."),
                 close(got["out_with"], F.leaky_relu(_normalised(h_bn, got, "norm_"), 0.2), "down_block(4, 6)(x)",
                       atol=1e-5, hint="conv -> batch norm -> LeakyReLU(0.2)"))


def _judge05_ex3(got: dict, ref: dict) -> list[str]:
    seen = got["seen"]
    black = isinstance(seen, torch.Tensor) and seen.ndim == 2 and seen.shape[1] == 2 and \
        bool(((seen + 1).abs() < 1e-6).all(dim=1).any())
    ranges = [tuple(round(v, 3) for v in row) for row in seen.tolist()] if isinstance(seen, torch.Tensor) else seen
    return first(
        None if black else f"D never saw the black real batch as all -1 (it saw ranges {ranges}): feed D the real "
                           "images as 2 * x - 1",
        None if isinstance(got["modes"], torch.Tensor) and torch.equal(got["modes"], ref["modes"]) else
        "generate should put G and its layers back into training mode",
        "draw images under torch.no_grad()" if got["requires_grad"] is not False else None,
        close(got["images"], ref["images"], "generate(G, z)", atol=1e-5,
              hint="call G.eval() before drawing: batch norm must use its running averages."),
        close(got["one"], ref["one"], "generate(G, z) for a single code", atol=1e-5))


def _judge05_ex4(got: dict, ref: dict) -> list[str]:
    mix = "draw one eps ~ U[0, 1] per sample (torch.rand(len(real), 1, ...)) and take x_hat = eps * real + (1 - eps) * fake."
    return first(
        None if got["dim0"] else "return one number, a 0-dim tensor: the batch mean of the samples' penalties",
        close(got["linear"], ref["linear"], "the penalty of a linear critic on 3-D points", atol=1e-4,
              hint="(||gradient|| - 1)^2 for each sample, averaged over the batch."),
        close(got["grey"], ref["grey"], "the penalty of a linear critic on one-channel images", atol=1e-4,
              hint="the norm is over all of a sample's dimensions: grad.flatten(1).norm(dim=1)."),
        close(got["colour"], ref["colour"], "the penalty of a linear critic on three-channel images", atol=1e-4,
              hint="the norm is over all of a sample's dimensions, its channels too."),
        close(got["diagonal"], torch.tensor([1.0]), "the penalty of a critic that is flat where eps is shared", atol=1e-4,
              hint="one eps per sample, shared by all of its coordinates: torch.rand(len(real), 1, ...), not "
                   "torch.rand_like(real)."),
        *[close(got[f"between@{k}"], torch.tensor([3.0]), f"the penalty between two points (draw {k + 1} of 3)",
                atol=0.25, rtol=0, hint=mix) for k in range(3)],
        None if got["requires_grad"] else "the penalty must keep its graph, so that it trains the critic: "
                                          "torch.autograd.grad(..., create_graph=True)",
        None if got["critic_grad_none"] else "gradient_penalty changed the critic's .grad fields: take the gradient "
                                             "with torch.autograd.grad(...), not .backward()",
        close(got["d/ds"], torch.tensor([9.0]), "the penalty's gradient with respect to the critic's weights", atol=0.6,
              rtol=0, hint="create_graph=True, so that the penalty's gradient reaches the critic's weights."))


JUDGES.update({
    (NB05, "ex1_hidden"): (answers(NB05), _judge05_ex1, None),
    (NB05, "ex2_hidden"): (answers(NB05), _judge05_ex2, None),
    (NB05, "ex3_hidden"): (answers(NB05), _judge05_ex3, None),
    (NB05, "ex4_hidden"): (answers(NB05), _judge05_ex4, None),
})
