"""Shipped checkpoints that describe themselves, one way in and one way out: every shipped model
keeps the arguments that rebuild it in ``model.config`` (nanoGPT's habit), ``save`` stores them with
the weights and the model's class, ``pretrained`` rebuilds it (the scripts in ``scripts/`` make them;
notebooks load them).

    assets.save("stylegan_fmnist", G, card, half=True)
    G, card, extra = assets.pretrained("stylegan_fmnist", device)

``<name>.pt`` holds ``{"model", "model_args", "state_dict", "extra"}``: the model is rebuilt as
``model(**model_args)``, so a checkpoint never depends on today's defaults, and it is read with
``torch.load(..., weights_only=True)``: plain tensors and containers, never code (``model`` names a
class of ``course_lib.models``, nothing else is imported). ``<name>.json`` is the card: metrics, time,
hardware, kept readable for review in git.
"""
from __future__ import annotations

import importlib
import json
import platform
from pathlib import Path

import torch

FOLDER = Path(__file__).resolve().parents[1] / "assets"   # course_lib/assets


def path(name: str, folder: Path | str | None = None) -> Path:
    """Where checkpoint ``name`` lives (``folder``: another place, e.g. a script's ``--out``)."""
    return Path(folder or FOLDER) / f"{name}.pt"


def hardware() -> str:
    """The card's hardware line: device / processor / threads."""
    from .config import device
    return f"{device()} / {platform.processor() or platform.machine()} / {torch.get_num_threads()} threads"


def save(name: str, model: torch.nn.Module, card: dict, *, extra: dict | None = None, half: bool = False,
         folder: Path | str | None = None) -> Path:
    """Write ``<name>.pt`` (weights, float16 when ``half``; the class and ``model.config`` that rebuild
    it; ``extra``: plain data only) and the card ``<name>.json``. Returns the checkpoint's path."""
    if not isinstance(getattr(model, "config", None), dict):
        raise TypeError(f"{type(model).__name__} has no config: give it `self.config = {{...its __init__ arguments}}`")
    target = path(name, folder)
    target.parent.mkdir(parents=True, exist_ok=True)
    state = {k: (v.half() if half and v.is_floating_point() else v).detach().cpu() for k, v in model.state_dict().items()}
    torch.save({"model": f"{type(model).__module__}.{type(model).__qualname__}", "model_args": dict(model.config),
                "state_dict": state, "extra": extra or {}}, target)
    card = {**card, "license": card.get("license", "MIT, like the course's code (LICENSE)")}
    target.with_suffix(".json").write_text(json.dumps(card, indent=2) + "\n")
    return target


def pretrained(name: str, device=None, folder: Path | str | None = None):
    """(the model rebuilt with its saved weights in float32, in eval mode and frozen, its card, its
    extra). A missing file raises one sentence saying which script makes it."""
    source = path(name, folder)
    if not source.is_file():
        raise FileNotFoundError(f"{source} is missing: run the script in scripts/ that makes {name} "
                                f"(see docs/checkpoints.md), or reinstall the course.")
    ckpt = torch.load(source, map_location="cpu", weights_only=True)
    module, _, cls = ckpt["model"].rpartition(".")
    if not module.startswith("course_lib.models."):   # every network of the course lives in course_lib.models
        raise ValueError(f"{source} names {ckpt['model']}: only the course's own models are rebuilt")
    model = getattr(importlib.import_module(module), cls)(**ckpt["model_args"])
    model.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in ckpt["state_dict"].items()})
    return model.to(device or "cpu").eval().requires_grad_(False), card(name, folder), ckpt["extra"]


def card(name: str, folder: Path | str | None = None) -> dict:
    """The card written beside checkpoint ``name``."""
    return json.loads(path(name, folder).with_suffix(".json").read_text())
