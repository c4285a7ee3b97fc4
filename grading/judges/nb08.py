"""The judge of 08's probes (course_lib/teaching/probes/nb08.py): the teacher's answers they are run on, and
the comparisons, with the hidden tests' messages."""
import torch

from course_lib.teaching.probes.nb08 import NB08

from . import JUDGES, answers, close, first


def _unchanged(got: dict, ref: dict, keys, message: str) -> str | None:
    same = all(isinstance(got[k], torch.Tensor) and got[k].shape == ref[k].shape and got[k].dtype == ref[k].dtype
               and torch.equal(got[k], ref[k]) for k in keys)
    return None if same else message


def _judge08_ex1(got: dict, ref: dict) -> list[str]:
    out = []
    for n, d, k, s in [(7, 4, 5, 2), (1, 1, 3, 0), (5, 8, 10, 3)]:
        key = f"h:{n},{d},{k},{s}"
        out.append(close(got[key], ref[key], f"conditioned_input with d={d}, {k} classes, {s} sizes",
                         hint="join [z, one_hot(labels, n_classes), sizes] along dim=1: the one-hot length is "
                              "n_classes, whatever labels the batch holds."))
    out += [None if got["float64_dtype"] == "torch.float64" else
            f"a float64 code should give a float64 input, not {got['float64_dtype']}",
            close(got["float64"], ref["float64"], "conditioned_input with a float64 code, 3 classes, 1 size"),
            _unchanged(got, ref, ("z_after", "labels_after", "sizes_after"), "conditioned_input should not change its inputs")]
    return first(*out)


def _judge08_ex2(got: dict, ref: dict) -> list[str]:
    hint = "d(x, y) = psi(phi) squeezed to (N,), plus embed(labels) . phi summed over the features (dim=1)."
    out = [close(got[f"logit:{n},{f},{k}"], ref[f"logit:{n},{f},{k}"], f"projection_logit with N={n}, F={f}",
                 atol=1e-5, hint=hint) for n, f, k in [(5, 8, 10), (1, 4, 3), (9, 16, 5)]]
    out.append(close(got["label_term"], ref["label_term"], "the label term",
                     hint="with psi = 0, d(x, y) = embed(y) . phi: the label must select the embedding row."))
    return first(*out)


def _judge08_ex3(got: dict, ref: dict) -> list[str]:
    out = []
    for shape_c, shape_s in [((4, 2, 3, 3), (4, 2, 7, 2)), ((1, 5, 6, 6), (1, 5, 6, 6))]:
        key = f"out:{shape_c}"
        out.append(close(got[key], ref[key], f"adain_transfer with content {shape_c} and style {shape_s}", atol=1e-4,
                         hint="the content normalised per image and channel, times the style's std sqrt(var + eps) "
                              "(population variance, over (H, W)), plus the style's mean."))
    out += [close(got["same"], ref["same"], "adain_transfer(s, s)", atol=1e-3,
                  hint="a content already in the style's statistics should pass (almost) unchanged."),
            _unchanged(got, ref, ("content_after", "style_after"), "adain_transfer should not change its inputs")]
    return first(*out)


JUDGES.update({
    (NB08, "ex1_hidden"): (answers(NB08), _judge08_ex1, None),
    (NB08, "ex2_hidden"): (answers(NB08), _judge08_ex2, None),
    (NB08, "ex3_hidden"): (answers(NB08), _judge08_ex3, None),
})
