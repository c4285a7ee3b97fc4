"""Pictures used across the course.

Each function draws one figure and shows it; with ``show=False`` it returns the
figure instead (for tests, or to save it), so a notebook never shows a plot twice.
Every figure carries alt text, ``alt=``: one sentence saying what it shows, which screen
readers and the course website read (a default built from the title when a notebook gives
none). Colour never carries meaning alone: series differ by marker or line style too.
"""
from __future__ import annotations

import base64

import torch


class _Pyplot:
    """matplotlib.pyplot, imported when a figure is first drawn: it costs half a second, which every kernel that
    imports this module (each graded submission's, too) would pay without drawing anything."""

    def __getattr__(self, name):
        import matplotlib.pyplot
        return getattr(matplotlib.pyplot, name)


plt = _Pyplot()

MARKERS = "osD^vP*Xh<"       # one per series or class, so that meaning never rests on colour alone
LINESTYLES = ("-", "--", ":", "-.")


def figure_output(fig, alt: str) -> tuple[dict, dict]:
    """The figure as a notebook output: a PNG with its alt text (in the output's metadata, read
    by the website) and the alt text as the plain-text fallback (read where no image shows)."""
    from IPython.core.pylabtools import print_figure

    return _png_output(print_figure(fig, "png"), alt)


def _png_output(png: bytes, alt: str) -> tuple[dict, dict]:
    """(data, metadata) of a notebook output: the PNG, and its alt text in the metadata and as plain text."""
    return {"image/png": base64.b64encode(png).decode("ascii"), "text/plain": alt}, {"image/png": {"alt": alt}}


class Picture:
    """A picture made elsewhere (a PIL image, e.g. RDKit's drawings) that Jupyter shows with its alt text."""

    def __init__(self, image, alt: str):
        self.image, self.alt = image, alt

    def _repr_mimebundle_(self, include=None, exclude=None):
        import io

        if hasattr(self.image, "save"):   # a PIL image
            buffer = io.BytesIO()
            self.image.save(buffer, format="PNG")
            data = buffer.getvalue()
        else:                             # IPython's Image (RDKit returns one inside Jupyter)
            data = self.image.data
        return _png_output(data, self.alt)


def _done(fig, show: bool, alt: str):
    if not show:
        return fig
    from IPython import get_ipython

    if get_ipython() is None:   # a script or a test: matplotlib's own window (none under Agg)
        plt.show()
        return None
    from IPython.display import display

    data, metadata = figure_output(fig, alt)
    plt.close(fig)
    display(data, raw=True, metadata=metadata)
    return None


def _alt(alt: str | None, what: str, title: str | None) -> str:
    return alt or (f"{what}: {title}." if title else f"{what}.")


def show_images(images, nrow: int = 8, title: str | None = None, size: float = 1.0, alt: str | None = None, show: bool = True):
    """A grid of (N, 1, H, W) images in [0, 1]."""
    from torchvision.utils import make_grid  # here: importing torchvision costs a second

    images = torch.as_tensor(images).detach().cpu().float()
    grid = make_grid(images.clamp(0, 1), nrow=nrow, padding=2, pad_value=0.5)
    rows = (len(images) + nrow - 1) // nrow
    fig, ax = plt.subplots(figsize=(size * min(nrow, len(images)), size * rows + (0.4 if title else 0)))
    ax.imshow(grid.permute(1, 2, 0).numpy(), cmap="gray", vmin=0, vmax=1)
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return _done(fig, show, _alt(alt, "A grid of images", title))


def show_reconstructions(x, x_hat, n: int = 10, title: str = "top: input   bottom: reconstruction",
                         alt: str | None = None, show: bool = True):
    """Originals above their reconstructions."""
    pairs = torch.cat([torch.as_tensor(x)[:n], torch.as_tensor(x_hat)[:n]])
    return show_images(pairs, nrow=min(n, len(x)), title=title,
                       alt=alt or f"{min(n, len(x))} images above their reconstructions", show=show)


def show_strip(images, labels=None, title: str | None = None, alt: str | None = None, show: bool = True):
    """One row of images, e.g. an interpolation, with an optional caption under each."""
    images = torch.as_tensor(images).detach().cpu()
    fig, axes = plt.subplots(1, len(images), figsize=(1.1 * len(images), 1.5 if labels is not None else 1.2))
    for i, ax in enumerate(axes if len(images) > 1 else [axes]):
        ax.imshow(images[i, 0], cmap="gray", vmin=0, vmax=1)
        ax.set_axis_off()
        if labels is not None:
            ax.set_title(str(labels[i]), fontsize=8)
    if title:
        fig.suptitle(title)
    return _done(fig, show, _alt(alt, "A row of images", title))


def plot_history(history, keys=None, title: str = "training", alt: str | None = None, show: bool = True):
    """Loss curves per step (thin) with their exponential moving average (thick)."""
    steps = history.steps if hasattr(history, "steps") else history
    keys = keys or list(steps)
    fig, ax = plt.subplots(figsize=(6, 3.2))
    for i, key in enumerate(keys):
        values = steps[key]
        alpha, smooth, level = 2 / (max(1, len(values) // 20) + 1), [], values[0] if values else 0.0
        for value in values:  # exponential moving average
            level += alpha * (value - level)
            smooth.append(level)
        line, = ax.plot(values, alpha=0.3, lw=0.8)
        ax.plot(smooth, color=line.get_color(), ls=LINESTYLES[i % len(LINESTYLES)], label=key)
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    return _done(fig, show, _alt(alt, "Training loss curves per step", title))


def plot_curves(x, curves: dict, xlabel: str, ylabel: str, title: str = "", logx: bool = False,
                logy: bool = False, alt: str | None = None, show: bool = True):
    """Several named y-series over the same x (e.g. error vs latent size for AE and PCA); a series given as an
    (x, y) pair has its own x (e.g. scores against the CPU-seconds each model took)."""
    fig, ax = plt.subplots(figsize=(5.5, 3.5))
    for i, (name, y) in enumerate(curves.items()):
        xs, ys = y if isinstance(y, tuple) else (x, y)
        ax.plot(xs, ys, marker=MARKERS[i % len(MARKERS)], ls=LINESTYLES[i % len(LINESTYLES)], label=name)
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    if logx:
        ax.set_xscale("log", base=2)
    if logy:
        ax.set_yscale("log")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    return _done(fig, show, _alt(alt, f"{ylabel} against {xlabel}", title))


def plot_latent_scatter(z, labels, class_names=None, title: str = "latent space", alt: str | None = None, show: bool = True):
    """2-D codes coloured by class (only the first two dimensions are drawn)."""
    z = torch.as_tensor(z).detach().cpu()
    labels = torch.as_tensor(labels).cpu()
    fig, ax = plt.subplots(figsize=(6, 5))
    colours = plt.get_cmap("tab10")
    for k in labels.unique().tolist():   # a marker and a colour per class
        mine = labels == k
        name = class_names[k] if class_names is not None else str(k)
        ax.scatter(z[mine, 0], z[mine, 1], color=colours(k % 10), marker=MARKERS[k % len(MARKERS)], s=5, alpha=0.7,
                   label=name)
    ax.legend(fontsize=7, loc="best", markerscale=2)
    ax.set(xlabel="$z_1$", ylabel="$z_2$", title=title)
    fig.tight_layout()
    return _done(fig, show, _alt(alt, "Codes in the first two latent dimensions, one marker per class", title))


@torch.no_grad()
def latent_grid(decode, n: int = 15, limit: float = 2.0, title: str = "decoded 2-D latent grid",
                alt: str | None = None, show: bool = True):
    """Decode an n x n grid of codes (z1, z2) in [-limit, limit]^2 into one picture."""
    values = torch.linspace(-limit, limit, n)
    z = torch.cartesian_prod(values.flip(0), values)[:, [1, 0]]  # rows: z2 from top (high) to bottom
    images = decode(z).cpu()
    return show_images(images, nrow=n, title=title, size=0.5,
                       alt=alt or f"Images decoded from a {n} by {n} grid of 2-D codes", show=show)


@torch.no_grad()
def latent_traversal(decode, base, dims, values=None, title: str = "latent traversal", alt: str | None = None, show: bool = True):
    """One row per latent dimension in ``dims``: ``base`` with that coordinate set to each value."""
    values = torch.linspace(-2.5, 2.5, 9) if values is None else torch.as_tensor(values)
    codes = base.detach().cpu().reshape(1, -1).repeat(len(dims) * len(values), 1)
    for row, dim in enumerate(dims):
        codes[row * len(values):(row + 1) * len(values), dim] = values
    return show_images(decode(codes).cpu(), nrow=len(values), title=title, size=0.7,
                       alt=alt or f"Decoded images, one row per latent dimension varied from {float(values[0]):g} "
                                  f"to {float(values[-1]):g}", show=show)


def scatter_2d(panels: dict, real=None, limit: float = 3.0, title: str | None = None, alt: str | None = None, show: bool = True):
    """Side-by-side 2-D scatter plots: {caption: points (N, 2)}, each over the real points (grey)."""
    fig, axes = plt.subplots(1, len(panels), figsize=(2.6 * len(panels), 2.8), squeeze=False)
    for ax, (caption, points) in zip(axes[0], panels.items()):
        if real is not None:   # real: grey dots; generated: red crosses
            ax.scatter(*torch.as_tensor(real).T, s=2, c="lightgrey", marker="o")
        ax.scatter(*torch.as_tensor(points).detach().cpu().T, s=4, c="tab:red", marker="x", linewidths=0.6, alpha=0.5)
        ax.set(xlim=(-limit, limit), ylim=(-limit, limit), title=caption, aspect="equal", xticks=[], yticks=[])
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return _done(fig, show, _alt(alt, "2-D samples, " + ", ".join(panels), title))


@torch.no_grad()
def discriminator_map(D, real, fake, limit: float = 3.0, title: str = "D(x) over the plane",
                      alt: str | None = None, show: bool = True):
    """D's probability of "real" at every point, with real (white) and generated (red) samples."""
    ticks = torch.linspace(-limit, limit, 200)
    grid = torch.cartesian_prod(ticks, ticks)[:, [1, 0]]
    params = list(D.parameters()) if hasattr(D, "parameters") else []
    device = params[0].device if params else "cpu"   # D may be any function from points to logits
    with torch.no_grad():
        prob = torch.sigmoid(D(grid.to(device))).cpu().reshape(200, 200)
    fig, ax = plt.subplots(figsize=(4.6, 3.8))
    image = ax.imshow(prob, origin="lower", extent=(-limit, limit, -limit, limit), cmap="RdBu_r", vmin=0, vmax=1)
    fig.colorbar(image, ax=ax, label="D(x): 0 = fake, 1 = real")
    ax.scatter(*torch.as_tensor(real).T, s=2, c="white", marker="o", label="real")
    ax.scatter(*torch.as_tensor(fake).detach().cpu().T, s=4, c="tab:red", marker="x", linewidths=0.6, alpha=0.5,
               label="generated")
    ax.legend(fontsize=7, loc="upper right", facecolor="lightgrey")
    ax.set(title=title, aspect="equal")
    fig.tight_layout()
    return _done(fig, show, _alt(alt, "The discriminator's probability of real over the plane, with real and generated points",
                                    title))


def trajectories(paths: dict, title: str = "", alt: str | None = None, show: bool = True):
    """2-D parameter trajectories {label: (T, 2)}, each marked at its start and end."""
    fig, ax = plt.subplots(figsize=(4.2, 4.2))
    for i, (label, path) in enumerate(paths.items()):
        path = torch.as_tensor(path)
        line, = ax.plot(path[:, 0], path[:, 1], lw=1, ls=LINESTYLES[i % len(LINESTYLES)], label=label)
        ax.plot(*path[0], "o", color=line.get_color())
        ax.plot(*path[-1], "x", color=line.get_color(), ms=8)
    ax.plot(0, 0, "k*", ms=12, label="equilibrium")
    ax.set(xlabel=r"$\theta$ (generator)", ylabel=r"$\psi$ (discriminator)", title=title, aspect="equal")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return _done(fig, show, _alt(alt, "Parameter trajectories", title))
