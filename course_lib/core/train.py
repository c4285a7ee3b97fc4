"""One training loop for every notebook and script (checkpoints: ``course_lib.core.assets``).

``fit`` owns the boilerplate (epochs, batches, device, progress bar, loss history,
a live loss plot, Ctrl-C, a callback); the notebook owns the idea, as a ``step`` function:

    def step(model, batch, optimizer) -> float | dict[str, float]:
        ...one update, returns the loss(es) of this batch (floats, or 0-dim tensors)...

    history = fit(model, loader, step, optimizer, epochs=5)

A step that owns its optimizers (a GAN's, which updates two networks) holds them itself and
``fit`` gets no optimizer: ``fit(G, loader, lambda g, batch, _: gan_step(g, D, batch[0], opt_G,
opt_D, z_dim))``, or an object such as ``stylegan.Trainer``. ``callback(history)`` runs after
each epoch, or every ``every`` steps (snapshots, checkpoints); returning True stops training.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import torch

from .progress import tqdm


@dataclass
class History:
    """Losses per step and their means per epoch, keyed by name."""

    steps: dict = field(default_factory=dict)
    epochs: dict = field(default_factory=dict)
    seconds: float = 0.0
    interrupted: bool = False

    def log(self, values: dict) -> None:
        for name, value in values.items():
            self.steps.setdefault(name, []).append(value)

    def close_epoch(self, n_steps: int) -> None:
        for name, values in self.steps.items():
            self.epochs.setdefault(name, []).append(sum(values[-n_steps:]) / max(1, len(values[-n_steps:])))

    def as_dict(self) -> dict:
        return {"steps": self.steps, "epochs": self.epochs, "seconds": self.seconds,
                "interrupted": self.interrupted}


def _as_floats(out, step_no: int) -> dict:
    values = out if isinstance(out, dict) else {"loss": out}
    floats = {}
    for name, value in values.items():
        value = float(value.detach()) if torch.is_tensor(value) else float(value)
        if not math.isfinite(value):
            raise FloatingPointError(
                f"{name} became {value} at step {step_no}: lower the learning rate, or check the loss "
                f"function for a log of 0 or a division by 0.")
        floats[name] = value
    return floats


def _to(batch, device):
    # non_blocking: a copy from pinned memory (data.loader pins on a GPU machine) overlaps compute
    if torch.is_tensor(batch):
        return batch.to(device, non_blocking=True)
    return type(batch)(b.to(device, non_blocking=True) if torch.is_tensor(b) else b for b in batch)


def _bf16_autocast(device: torch.device) -> bool:
    """True bfloat16 arithmetic: NVIDIA GPUs from Ampere on (compute capability 8). Older ones
    only emulate it, slower than float32."""
    return device.type == "cuda" and torch.cuda.get_device_capability(device)[0] >= 8


def _unsafe_to_autocast(error: Exception) -> bool:
    # CUDA autocast refuses a few ops outright, e.g. F.binary_cross_entropy on probabilities
    return isinstance(error, RuntimeError) and "unsafe to autocast" in str(error)


def _detached(out):
    """A step's output, kept as it is (a tensor stays on its device: reading it would wait for the GPU)."""
    if isinstance(out, dict):
        return {k: v.detach() if torch.is_tensor(v) else v for k, v in out.items()}
    return out.detach() if torch.is_tensor(out) else out


def fit(model, loader, step, optimizer=None, epochs: int = 1, *, device=None, live_plot: bool = False,
        desc: str = "training", history: History | None = None, callback=None, every: int = 0,
        amp: bool | None = None, sync_every: int | None = None, schedule=None) -> History:
    """Run ``step(model, batch, optimizer)`` over ``loader`` for ``epochs``.

    Ctrl-C (Kernel > Interrupt) stops after the current step and keeps the model and
    the history so far. ``history`` continues an earlier run's history. ``callback(history)``
    runs after every epoch (``every=0``) or every ``every`` steps, with the model back in
    training mode afterwards; when it returns True, training stops there. ``schedule``: a
    learning-rate scheduler, stepped after every step (e.g. ``linear_decay(optimizer, steps)``).

    On a GPU (what ``config.device()`` picks when there is one) two things make it fast, and
    neither changes anything on a CPU:
    * ``amp``: the step runs under bfloat16 autocast (default: on for CUDA GPUs with native
      bfloat16, Ampere and later). Matrix products and convolutions run in bfloat16, losses and
      reductions stay float32 (autocast's own rules), and bfloat16 has float32's range, so no loss
      scaling. A step that uses an op autocast refuses (``F.binary_cross_entropy`` on
      probabilities: use the ``_with_logits`` form) is run again without it, and so is the rest
      of that training run, with a one-line note, unless you asked for ``amp=True``.
    * ``sync_every``: a step may return tensors; ``fit`` reads them back to floats (and checks
      them for NaN) every ``sync_every`` steps (default 25 on a GPU, 1 on a CPU), so the CPU
      can queue the next steps instead of waiting for the GPU after each one.
    """
    if device is None:
        first = next(model.parameters(), None)
        device = first.device if first is not None else torch.device("cpu")
    device = torch.device(device)
    auto_amp = amp is None
    amp = _bf16_autocast(device) if auto_amp else amp
    sync_every = sync_every or (25 if device.type == "cuda" else 1)
    history = history or History()
    plot = _LivePlot() if live_plot else None
    start, n_steps = time.perf_counter(), max((len(v) for v in history.steps.values()), default=0)
    model.train()
    bar = tqdm(total=epochs * len(loader), desc=desc, unit="step")
    stop, pending = False, []   # pending: the outputs of steps not yet read back

    def flush():
        done_now, values = 0, None
        while pending:   # one at a time: an interrupt in here never logs a step twice
            values = _as_floats(pending[0], n_steps - len(pending))
            history.log(values)
            pending.pop(0)
            done_now += 1
        if done_now:
            bar.update(done_now)
            bar.set_postfix({k: f"{v:.4g}" for k, v in values.items()}, refresh=False)

    def call_back() -> bool:
        stop = bool(callback(history))
        model.train()  # the callback may have sampled in eval mode
        return stop

    try:
        for _ in range(epochs):
            done = 0
            for batch in loader:
                batch = _to(batch, device)
                try:
                    with torch.autocast(device.type, dtype=torch.bfloat16, enabled=amp):
                        out = step(model, batch, optimizer)
                except RuntimeError as error:
                    if not (amp and auto_amp and _unsafe_to_autocast(error)):
                        raise
                    print(f"bfloat16 autocast is off for this run: {str(error).splitlines()[0][:120]}")
                    amp = False
                    out = step(model, batch, optimizer)   # the refused op stopped it before any update
                pending.append(_detached(out))
                n_steps, done = n_steps + 1, done + 1
                if schedule is not None:
                    schedule.step()
                if len(pending) >= sync_every:
                    flush()
                if callback and every and n_steps % every == 0:
                    flush()
                    if call_back():
                        stop = True
                        break
            flush()
            history.close_epoch(done)
            if plot:
                plot.update(history)
            if stop or (callback and not every and call_back()):
                break
    except KeyboardInterrupt:
        flush()   # the steps that finished before the interrupt
        history.interrupted = True
        print(f"Stopped by you after {n_steps} steps; the model keeps what it learned so far.")
    finally:
        bar.close()
        model.eval()
        history.seconds += time.perf_counter() - start
    return history


def linear_decay(optimizer, steps: int):
    """A scheduler for ``fit(..., schedule=)``: the learning rate falls in a straight line from its
    starting value to 0 over ``steps`` steps (for E epochs: ``steps = E * len(loader)``). Ending at
    0 takes the last steps' noise out of the weights; for the course's VAE it was worth 0.8 nats of
    test -ELBO in the same training time (docs/benchmarks.md, "Equal compute")."""
    steps = max(1, steps)
    return torch.optim.lr_scheduler.LambdaLR(optimizer, lambda i: max(0.0, 1 - i / steps))


def minimize(loss, clip: float | None = None):
    """The usual step for one model and its optimizer (notebook 01's exercise, which returns
    ``loss.item()``; this returns the detached tensors and lets ``fit`` read them back), as a ``step`` for
    ``fit``: zero the gradients, ``loss(model, batch)`` (a tensor, or a dict whose "loss" is
    minimised and whose other entries are logged), backward, clip the gradient norm to ``clip``
    if given, update. ``fit(vae, loader, minimize(lambda m, b: negative_elbo(m, b[0])), opt)``."""
    def step(model, batch, optimizer):
        optimizer.zero_grad()
        out = loss(model, batch)
        out = out if isinstance(out, dict) else {"loss": out}
        out["loss"].backward()
        if clip:
            torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        optimizer.step()
        return {name: value.detach() for name, value in out.items()}   # fit reads them back
    return step


class _LivePlot:
    """Redraws the loss curves in place in a notebook, once per epoch."""

    def __init__(self):
        from IPython.display import display
        self.handle = display(display_id=True)

    def update(self, history: History) -> None:
        import matplotlib.pyplot as plt

        from .plots import figure_output, plot_history
        fig = plot_history(history, show=False)
        if self.handle is not None:
            data, metadata = figure_output(fig, "Training loss curves per step so far, each with its moving average.")
            self.handle.update(data, raw=True, metadata=metadata)
        plt.close(fig)
