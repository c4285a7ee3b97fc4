"""The judge of 04's probes (course_lib/teaching/probes/nb04.py): the teacher's answers they are run on, and
the comparisons, with the hidden tests' hints."""
import math

import torch

from course_lib.teaching.probes.nb04 import NB04

from . import JUDGES, answers, close, first

KEYS = ("d_loss", "g_loss", "D(x)", "D(G(z))")


def _judge04_ex1(got: dict, ref: dict) -> list[str]:
    wrong_way = got["wrong_way"]
    return first(
        None if isinstance(wrong_way, torch.Tensor) and wrong_way.numel() == 1 and wrong_way.item() > 30 else
        "a D that calls real data fake (and fake real) must pay a large loss",
        close(got["random"], ref["random"], "discriminator_loss of random logits",
              hint="average each term over its own batch; real -> 1, fake -> 0."),
        close(got["grad_real"], ref["grad_real"], "the gradient of discriminator_loss with respect to d(x)",
              hint="raising d(x) on real data should lower the loss"))


def _judge04_ex2(got: dict, ref: dict) -> list[str]:
    hint = "the non-saturating loss is -log D(G(z)), not log(1 - D(G(z)))."
    return first(
        close(got["random"], ref["random"], "generator_loss of random logits", hint=hint),
        close(got["losing"], ref["losing"], "generator_loss when D spots every fake", hint=hint),
        close(got["grad_losing"], ref["grad_losing"], "the gradient of generator_loss when D spots every fake",
              hint="when D spots every fake, the non-saturating loss must still give G a strong gradient"))


def _returned_problem(returned, what: str) -> str | None:
    if not isinstance(returned, dict) or not set(KEYS) <= set(returned):
        return f"gan_step should return the four numbers {list(KEYS)} ({what})"
    if not all(isinstance(returned[k], float) and math.isfinite(returned[k]) for k in KEYS):
        return f"gan_step should return four finite numbers ({what})"
    return None


def _judge04_ex3(got: dict, ref: dict) -> list[str]:
    out = []
    hints = {"d_loss": "D's loss on the real batch and the generated one, before D's update.",
             "D(x)": "report probabilities: the sigmoid of D's logits on the real batch, averaged.",
             "D(G(z))": "the sigmoid of D's logits on the fakes, averaged, before D's update.",
             "g_loss": "G's loss is the non-saturating loss of the *updated* D on the fakes."}
    for r in range(1, 4):
        returned = got[f"returned@{r}"]
        problem = _returned_problem(returned, f"round {r}")
        if problem:
            return [problem]
        out += [close(torch.tensor(returned[k]), torch.tensor(ref[f"returned@{r}"][k]), f"{k} in round {r}", hint=hints[k])
                for k in ("d_loss", "D(x)", "D(G(z))")]
        out += [close(got.get(k), v, f"D's {k[2:].split('@')[0]} after round {r}", atol=1e-5,
                      hint="D's update is one step of opt_D on D's loss alone: opt_D.zero_grad() first "
                           "(old gradients pile up otherwise), then backward, then opt_D.step().")
                for k, v in ref.items() if k.startswith("D:") and k.endswith(f"@{r}")]
        out += [close(torch.tensor(returned["g_loss"]), torch.tensor(ref[f"returned@{r}"]["g_loss"]),
                      f"g_loss in round {r}", hint=hints["g_loss"]),
                close(got[f"G@{r}"], ref[f"G@{r}"], f"G's point after round {r}", atol=1e-5,
                      hint="G's update is one step of opt_G on G's loss, through the updated D.")]
    out.append(None if got["G_gradients"] == ref["G_gradients"] else
               "the discriminator's step sent gradients into the generator: use D(fake.detach()) there, so D's step "
               "leaves G alone")
    for name in ("G", "D"):
        keys = [k[len("before:"):] for k in ref if k.startswith(f"before:{name}:")]
        moved = [isinstance(got.get(f"before:{k}"), torch.Tensor) and isinstance(got.get(f"after:{k}"), torch.Tensor)
                 and got[f"before:{k}"].shape == got[f"after:{k}"].shape
                 and not torch.equal(got[f"before:{k}"], got[f"after:{k}"]) for k in keys]
        out.append(None if all(moved) else f"every weight of {name} should move")
    last = got["adam_returned"]
    out.append(_returned_problem(last, "after 3 Adam rounds") or (
        None if 0 < last["D(x)"] < 1 and 0 < last["D(G(z))"] < 1 and last["d_loss"] > 0 and last["g_loss"] > 0 else
        "after 3 Adam rounds, gan_step returned D(x) or D(G(z)) outside (0, 1), or a loss that is not positive"))
    return first(*out)


JUDGES.update({
    (NB04, "ex1_hidden"): (answers(NB04), _judge04_ex1, None),
    (NB04, "ex2_hidden"): (answers(NB04), _judge04_ex2, None),
    (NB04, "ex3_hidden"): (answers(NB04), _judge04_ex3, None),
})
