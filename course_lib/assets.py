"""Shipped checkpoints that describe themselves: weights, the arguments that rebuild the model,
and a card of what it scored (the scripts in ``scripts/`` make them; notebooks load them).

    assets.save("stylegan_fmnist", G, {"z_dim": 64, "w_dim": 64}, card, half=True)
    G, card = assets.load("stylegan_fmnist", stylegan.Generator)

``<name>.pt`` holds ``{"model_args", "state_dict", "extra"}``: the model is rebuilt as
``cls(**model_args)`` (nanoGPT's habit), so a checkpoint never depends on today's defaults, and it
is read with ``torch.load(..., weights_only=True)``: plain tensors and containers, never code.
``<name>.json`` is the card: metrics, time, hardware, kept readable for review in git.
"""
from __future__ import annotations

import json
import platform
from pathlib import Path

import torch

FOLDER = Path(__file__).parent / "assets"


def path(name: str, folder: Path | str | None = None) -> Path:
    """Where checkpoint ``name`` lives (``folder``: another place, e.g. a script's ``--out``)."""
    return Path(folder or FOLDER) / f"{name}.pt"


def hardware() -> str:
    """The card's hardware line: device / processor / threads."""
    from .config import device
    return f"{device()} / {platform.processor() or platform.machine()} / {torch.get_num_threads()} threads"


def save(name: str, model: torch.nn.Module, model_args: dict, card: dict, *, extra: dict | None = None,
         half: bool = False, folder: Path | str | None = None) -> Path:
    """Write ``<name>.pt`` (weights, float16 when ``half``, + ``model_args`` + ``extra``: plain data
    only) and the card ``<name>.json``. Returns the checkpoint's path."""
    target = path(name, folder)
    target.parent.mkdir(parents=True, exist_ok=True)
    state = {k: (v.half() if half and v.is_floating_point() else v).detach().cpu() for k, v in model.state_dict().items()}
    torch.save({"model_args": dict(model_args), "state_dict": state, "extra": extra or {}}, target)
    target.with_suffix(".json").write_text(json.dumps(card, indent=2) + "\n")
    return target


def load(name: str, cls, device=None, folder: Path | str | None = None):
    """(model rebuilt as ``cls(**model_args)`` with the saved weights in float32, in eval mode,
    card, extra). A missing file raises one sentence saying which script makes it."""
    source = path(name, folder)
    if not source.is_file():
        raise FileNotFoundError(f"{source} is missing: run the script in scripts/ that makes {name} "
                                f"(see README, 'Shipped checkpoints'), or reinstall the course.")
    ckpt = torch.load(source, map_location="cpu", weights_only=True)
    model = cls(**ckpt["model_args"])
    model.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in ckpt["state_dict"].items()})
    return model.to(device or "cpu").eval(), card(name, folder), ckpt["extra"]


def card(name: str, folder: Path | str | None = None) -> dict:
    """The card written beside checkpoint ``name``."""
    return json.loads(path(name, folder).with_suffix(".json").read_text())
