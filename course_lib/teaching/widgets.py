"""Interactive explorers. Each draws a static picture first, so exported notebooks and
test runs (where widgets do not render) still show the idea."""
from __future__ import annotations

import torch


def _draw(out, images) -> None:
    """Replace what the output widget ``out`` shows by the first of ``images`` (N, 1, H, W)."""
    import matplotlib.pyplot as plt
    from IPython.display import clear_output

    with out:
        clear_output(wait=True)
        fig, ax = plt.subplots(figsize=(2.2, 2.2))
        ax.imshow(images.detach().cpu()[0, 0], cmap="gray", vmin=0, vmax=1)
        ax.set_axis_off()
        plt.show()


def latent_explorer(decode, base: torch.Tensor, n_sliders: int = 4, limit: float = 3.0):
    """Sliders for the first ``n_sliders`` coordinates of the code ``base``; the decoded image
    is redrawn as they move. Returns the sliders (a test can set their values)."""
    import ipywidgets as w
    from IPython.display import display

    base = base.detach().cpu().reshape(1, -1)
    sliders = [w.FloatSlider(value=float(base[0, j]), min=-limit, max=limit, step=0.1, description=f"z{j + 1}",
                             continuous_update=False) for j in range(min(n_sliders, base.shape[1]))]
    out = w.Output()

    def redraw(*_):
        z = base.clone()
        z[0, :len(sliders)] = torch.tensor([s.value for s in sliders])
        with torch.no_grad():
            _draw(out, decode(z))

    for slider in sliders:
        slider.observe(redraw, names="value")
    redraw()
    display(w.HBox([w.VBox(sliders), out]))
    return sliders


def style_explorer(render, n_layers: int, seeds: int = 1000):
    """StyleGAN controls: seed pickers for source A (coarse styles) and B (fine styles), the
    crossover layer and truncation psi. ``render(seed_a, seed_b, crossover, psi)`` returns
    one image (1, 1, H, W) in [0, 1]. Returns the controls (a test can set their values)."""
    import ipywidgets as w
    from IPython.display import display

    controls = {
        "seed_a": w.BoundedIntText(value=1, min=0, max=seeds, description="seed A"),
        "seed_b": w.BoundedIntText(value=2, min=0, max=seeds, description="seed B"),
        "crossover": w.IntSlider(value=n_layers // 2, min=0, max=n_layers, description="A's layers",
                                 continuous_update=False),
        "psi": w.FloatSlider(value=0.7, min=0.0, max=1.0, step=0.05, description="psi", continuous_update=False),
    }
    out = w.Output()

    def redraw(*_):
        with torch.no_grad():
            _draw(out, render(*(c.value for c in controls.values())))

    for control in controls.values():
        control.observe(redraw, names="value")
    redraw()
    display(w.HBox([w.VBox(list(controls.values())), out]))
    return controls


def blend_explorer(paths: dict):
    """One slider from 0 to 100% along decoded interpolation paths, one per model:
    ``paths`` maps a name to images (steps, 1, H, W) in [0, 1]. Returns the slider."""
    import ipywidgets as w
    from IPython.display import display

    steps = min(len(p) for p in paths.values())
    slider = w.IntSlider(value=50, min=0, max=100, step=100 // (steps - 1) or 1, description="blend %",
                         continuous_update=False)
    outs = {name: w.Output() for name in paths}

    def redraw(*_):
        i = round(slider.value / 100 * (steps - 1))
        for name, path in paths.items():
            _draw(outs[name], path[i:i + 1])

    slider.observe(redraw, names="value")
    redraw()
    display(w.VBox([slider, w.HBox([w.VBox([w.Label(name), out]) for name, out in outs.items()])]))
    return slider
