"""One training loop for every notebook and script (checkpoints: ``course_lib.assets``).

``fit`` owns the boilerplate (epochs, batches, device, progress bar, loss history,
a live loss plot, Ctrl-C, a callback); the notebook owns the idea, as a ``step`` function:

    def step(model, batch, optimizer) -> float | dict[str, float]:
        ...one update, returns the loss(es) of this batch...

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
    if torch.is_tensor(batch):
        return batch.to(device)
    return type(batch)(b.to(device) if torch.is_tensor(b) else b for b in batch)


def fit(model, loader, step, optimizer=None, epochs: int = 1, *, device=None, live_plot: bool = False,
        desc: str = "training", history: History | None = None, callback=None, every: int = 0) -> History:
    """Run ``step(model, batch, optimizer)`` over ``loader`` for ``epochs``.

    Ctrl-C (Kernel > Interrupt) stops after the current step and keeps the model and
    the history so far. ``history`` continues an earlier run's history. ``callback(history)``
    runs after every epoch (``every=0``) or every ``every`` steps, with the model back in
    training mode afterwards; when it returns True, training stops there.
    """
    device = device or next(model.parameters()).device
    history = history or History()
    plot = _LivePlot() if live_plot else None
    start, n_steps = time.perf_counter(), max((len(v) for v in history.steps.values()), default=0)
    model.train()
    bar = tqdm(total=epochs * len(loader), desc=desc, unit="step")
    stop = False

    def call_back() -> bool:
        stop = bool(callback(history))
        model.train()  # the callback may have sampled in eval mode
        return stop

    try:
        for _ in range(epochs):
            done = 0
            for batch in loader:
                values = _as_floats(step(model, _to(batch, device), optimizer), n_steps)
                history.log(values)
                n_steps, done = n_steps + 1, done + 1
                bar.update()
                bar.set_postfix({k: f"{v:.4g}" for k, v in values.items()}, refresh=False)
                if callback and every and n_steps % every == 0 and call_back():
                    stop = True
                    break
            history.close_epoch(done)
            if plot:
                plot.update(history)
            if stop or (callback and not every and call_back()):
                break
    except KeyboardInterrupt:
        history.interrupted = True
        print(f"Stopped by you after {n_steps} steps; the model keeps what it learned so far.")
    finally:
        bar.close()
        model.eval()
        history.seconds += time.perf_counter() - start
    return history


def minimize(loss, clip: float | None = None):
    """The usual step for one model and its optimizer (notebook 01's exercise), as a ``step`` for
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
        return {name: value.item() for name, value in out.items()}
    return step


class _LivePlot:
    """Redraws the loss curves in place in a notebook, once per epoch."""

    def __init__(self):
        from IPython.display import display
        self.handle = display(display_id=True)

    def update(self, history: History) -> None:
        import matplotlib.pyplot as plt

        from .plots import plot_history
        fig = plot_history(history, show=False)
        if self.handle is not None:
            self.handle.update(fig)
        plt.close(fig)
