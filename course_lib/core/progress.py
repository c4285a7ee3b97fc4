"""Progress bars: a live widget while a cell runs, one line of text once the loop is done.

A widget's state is not saved with the notebook, so a reopened notebook would show
"Error displaying widget: model not found" where a plain ``tqdm.auto`` bar was. This bar
replaces its widget by its final text line (``a progress bar: 100%|████| 20/20 [00:00<00:00]``)
when it closes, so the saved notebook keeps a readable trace. Outside Jupyter it is plain tqdm.
"""
from __future__ import annotations

from tqdm.auto import tqdm as _auto_tqdm
from tqdm.std import tqdm as _text_tqdm

_WIDGETS = hasattr(_auto_tqdm, "status_printer") and _auto_tqdm.status_printer is not _text_tqdm.status_printer


class tqdm(_auto_tqdm):  # noqa: N801  (the name learners know)
    """``tqdm.auto.tqdm`` whose widget becomes its last text line on close."""

    def __init__(self, *args, **kwargs):
        self._handle = None
        if not _WIDGETS:
            super().__init__(*args, **kwargs)
            return
        show = kwargs.pop("display", True)
        super().__init__(*args, display=False, **kwargs)
        if show and not self.disable and self.delay <= 0:
            from IPython.display import display
            self._handle = display(self.container, display_id=True)
            self.displayed = True

    def close(self):
        handle, self._handle = self._handle, None
        super().close()
        if handle is not None:
            text = str(self) if self.leave else ""
            handle.update({"text/plain": text}, raw=True)


def trange(*args, **kwargs):
    """``tqdm(range(*args), **kwargs)``."""
    return tqdm(range(*args), **kwargs)
