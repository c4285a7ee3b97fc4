"""A synthetic wardrobe: 28x28 clothing silhouettes with known, continuous factors.

Each image is drawn from five numbers in [0, 1] (``FACTORS``), so later notebooks can
*measure* what a latent space learned, e.g. whether halfway between a short and a
long sleeve decodes to a 3/4 sleeve. Shapes are signed distances (positive inside)
turned into soft masks, so every factor changes the pixels smoothly.

    data = make_wardrobe(10_000, seed=0)        # images (N,1,28,28), labels (N,), factors (N,5)
    img = render([0, 0], [[1, .5, .5, 0, 1], [0, .5, .5, 0, 1]])   # long vs no sleeve
"""
from __future__ import annotations

from typing import NamedTuple

import torch

CLASSES = ("top", "trousers", "dress", "sneaker", "bag")
FACTORS = ("sleeve", "width", "length", "texture", "brightness")
HAS_SLEEVES = (True, False, True, False, False)
SIZE = 28
_SOFT = 0.04  # edge softness in image units (a pixel is 2/28 = 0.07 wide)


class Wardrobe(NamedTuple):
    images: torch.Tensor   # (N, 1, 28, 28) float in [0, 1]
    labels: torch.Tensor   # (N,) int64, index into CLASSES
    factors: torch.Tensor  # (N, 5) float in [0, 1], columns FACTORS; sleeve = 0 without sleeves


def _grid():
    c = (torch.arange(SIZE, dtype=torch.float32) + 0.5) / SIZE * 2 - 1  # pixel centres in [-1, 1]
    v, u = torch.meshgrid(c, c, indexing="ij")  # u: left -> right, v: top -> bottom
    return u[None], v[None]


def _rect(u, v, cx, cy, hw, hh):
    return torch.minimum(hw - (u - cx).abs(), hh - (v - cy).abs())


def _capsule(u, v, ax, ay, bx, by, r):
    """Signed distance of a segment a-b thickened to radius r."""
    dx, dy = bx - ax, by - ay
    t = (((u - ax) * dx + (v - ay) * dy) / (dx * dx + dy * dy + 1e-8)).clamp(0, 1)
    return r - torch.hypot(u - ax - t * dx, v - ay - t * dy)


def _ellipse(u, v, cx, cy, rx, ry):
    return (1 - torch.hypot((u - cx) / rx, (v - cy) / ry)) * torch.minimum(rx, ry)


def _sleeves(u, v, hw, y0, sleeve):
    """Two sleeves from the shoulders, hanging outwards; length grows with ``sleeve``."""
    length = 0.08 + 0.8 * sleeve
    sd = None
    for side in (-1.0, 1.0):
        ax, ay = side * (hw - 0.04), y0 + 0.12
        arm = _capsule(u, v, ax, ay, ax + side * 0.42 * length, ay + 0.9 * length, 0.12)
        sd = arm if sd is None else torch.maximum(sd, arm)
    return sd


def _top(u, v, f):
    hw, y0 = 0.28 + 0.22 * f["width"], -0.75
    body = _rect(u, v, 0.0, y0 + (0.9 + 0.6 * f["length"]) / 2, hw, (0.9 + 0.6 * f["length"]) / 2)
    body = torch.maximum(body, _sleeves(u, v, hw, y0, f["sleeve"]))
    neck = _ellipse(u, v, torch.zeros_like(hw), torch.full_like(hw, y0), torch.full_like(hw, 0.16),
                    torch.full_like(hw, 0.1))
    return torch.minimum(body, -neck)


def _trousers(u, v, f):
    y0, lw = -0.8, 0.12 + 0.12 * f["width"]
    leg_len = 0.9 + 0.7 * f["length"]
    waist = _rect(u, v, 0.0, y0 + 0.1, 2 * lw + 0.04, torch.full_like(lw, 0.1))
    legs = [_rect(u, v, s * (lw + 0.04), y0 + leg_len / 2, lw, leg_len / 2) for s in (-1, 1)]
    return torch.maximum(waist, torch.maximum(*legs))


def _dress(u, v, f):
    y0, y1 = -0.75, -0.75 + 0.9 + 0.6 * f["length"]
    top_hw, bottom_hw = 0.18 + 0.1 * f["width"], 0.35 + 0.4 * f["width"]
    hw = top_hw + (bottom_hw - top_hw) * ((v - y0) / (y1 - y0)).clamp(0, 1)
    body = torch.minimum(hw - u.abs(), torch.minimum(v - y0, y1 - v))
    return torch.maximum(body, _sleeves(u, v, top_hw, y0, f["sleeve"]))


def _sneaker(u, v, f):
    half = 0.5 + 0.35 * f["width"]
    height = 0.25 + 0.35 * f["length"]
    sole = _rect(u, v, 0.0, torch.full_like(half, 0.45), half, torch.full_like(half, 0.07))
    upper = torch.minimum(_ellipse(u, v, -0.15 * half, torch.full_like(half, 0.4), 0.85 * half, height),
                          0.4 - v)
    return torch.maximum(sole, upper)


def _bag(u, v, f):
    hw, bottom = 0.35 + 0.3 * f["width"], 0.75
    hh = (0.6 + 0.5 * f["length"]) / 2
    top = bottom - 2 * hh
    body = _rect(u, v, 0.0, bottom - hh, hw, hh)
    ring = 0.06 - (torch.hypot(u, v - top) - 0.3).abs()
    handle = torch.minimum(ring, top - v)
    return torch.maximum(body, handle)


_SHAPES = (_top, _trousers, _dress, _sneaker, _bag)


def render(labels, factors) -> torch.Tensor:
    """Draw images for given class indices (N,) and factors (N, 5) in [0, 1]."""
    labels = torch.as_tensor(labels, dtype=torch.long)
    factors = torch.as_tensor(factors, dtype=torch.float32).reshape(-1, len(FACTORS)).clamp(0, 1)
    if labels.shape != factors.shape[:1]:
        raise ValueError(f"labels {tuple(labels.shape)} and factors {tuple(factors.shape)} disagree on N")
    u, v = _grid()
    images = torch.zeros(len(labels), SIZE, SIZE)
    for k, shape in enumerate(_SHAPES):
        idx = (labels == k).nonzero().flatten()
        if len(idx) == 0:
            continue
        f = {name: factors[idx, i, None, None] for i, name in enumerate(FACTORS)}
        mask = torch.sigmoid(shape(u, v, f) / _SOFT)
        freq = 5.0 * f["texture"]  # stripes per image height; 0 = plain fabric
        stripes = 1 - 0.35 * (1 - torch.cos(torch.pi * freq * (v + 1))) / 2
        images[idx] = mask * stripes * (0.45 + 0.55 * f["brightness"])
    return images.unsqueeze(1)


def make_wardrobe(n: int = 10_000, seed: int = 0, classes=None) -> Wardrobe:
    """``n`` random garments (uniform classes and factors), the same for the same ``seed``."""
    g = torch.Generator().manual_seed(seed)
    allowed = torch.as_tensor(range(len(CLASSES)) if classes is None else
                              [CLASSES.index(c) if isinstance(c, str) else int(c) for c in classes])
    labels = allowed[torch.randint(len(allowed), (n,), generator=g)]
    factors = torch.rand(n, len(FACTORS), generator=g)
    factors[:, 0] *= torch.tensor(HAS_SLEEVES)[labels].float()
    return Wardrobe(render(labels, factors), labels, factors)


# ---- avatars and the try-on (notebook 08, (9)): a person drawn in the wardrobe's size scale

THRESHOLD = 0.15          # try-on mask: a wardrobe garment is never darker than 0.29 inside, the background 0
TOP = 8                   # the garment frame's top row on the avatar's canvas


def _canvas_grid(size):
    """Canvas pixel centres in the garment frame's units (a garment placed at row TOP, centred)."""
    h, w = size
    v = (torch.arange(h) - TOP + 0.5)[:, None] / 28 * 2 - 1
    u = ((torch.arange(w) + 0.5)[None, :] - w / 2) / 28 * 2
    return u, v


def torso(width: float, height: float, size=(56, 40)) -> torch.Tensor:
    """The torso (H, W) as a boolean mask, drawn with the wardrobe top's formulas: half-width
    0.28 + 0.22 width, from -0.75 down to -0.75 + 0.9 + 0.6 height."""
    u, v = _canvas_grid(size)
    return (u.abs() <= 0.28 + 0.22 * width) & (v >= -0.75) & (v <= 0.15 + 0.6 * height)


def avatar(width: float, height: float, size=(56, 40)) -> torch.Tensor:
    """A drawn person (1, H, W), grey 0.35 on black: head, torso, arms, legs, in the wardrobe's size
    scale, so that a top requested at (width, height) fits the torso."""
    u, v = _canvas_grid(size)
    hw, end = 0.28 + 0.22 * width, 0.15 + 0.6 * height
    head = (u ** 2 + (v + 1.05) ** 2).sqrt() <= 0.28
    arms = ((u.abs() - hw - 0.12).abs() <= 0.1) & (v >= -0.7) & (v <= end - 0.1)
    legs = ((u.abs() - hw / 2).abs() <= hw / 2 - 0.04) & (v > end) & (v <= end + 1.1)
    return 0.35 * (torso(width, height, size) | head | arms | legs).float()[None]


def place(garment, size=(56, 40)) -> torch.Tensor:
    """The garment (1, 28, 28) alone on an empty canvas (1, H, W), its frame's top at row TOP."""
    canvas = torch.zeros(1, *size)
    left = (size[1] - 28) // 2
    canvas[:, TOP:TOP + 28, left:left + 28] = garment
    return canvas


def try_on(person, garment) -> torch.Tensor:
    """(9): out = m * garment + (1 - m) * avatar, m = 1 where the placed garment is visible."""
    layer = place(garment, tuple(person.shape[-2:]))
    m = (layer > THRESHOLD).float()
    return m * layer + (1 - m) * person
