"""Interactive explorers. Each draws a static picture first, so exported notebooks and
test runs (where widgets do not render) still show the idea."""
from __future__ import annotations

import torch


def latent_explorer(decode, base: torch.Tensor, n_sliders: int = 4, limit: float = 3.0):
    """Sliders for the first ``n_sliders`` coordinates of the code ``base``; the decoded image
    is redrawn as they move. Returns the sliders (a test can set their values)."""
    import ipywidgets as w
    import matplotlib.pyplot as plt
    from IPython.display import clear_output, display

    base = base.detach().cpu().reshape(1, -1)
    sliders = [w.FloatSlider(value=float(base[0, j]), min=-limit, max=limit, step=0.1, description=f"z{j + 1}",
                             continuous_update=False) for j in range(min(n_sliders, base.shape[1]))]
    out = w.Output()

    def redraw(*_):
        z = base.clone()
        z[0, :len(sliders)] = torch.tensor([s.value for s in sliders])
        with torch.no_grad():
            image = decode(z).cpu()[0, 0]
        with out:
            clear_output(wait=True)
            fig, ax = plt.subplots(figsize=(2.2, 2.2))
            ax.imshow(image, cmap="gray", vmin=0, vmax=1)
            ax.set_axis_off()
            plt.show()

    for slider in sliders:
        slider.observe(redraw, names="value")
    redraw()
    display(w.HBox([w.VBox(sliders), out]))
    return sliders
