"""Sphinx settings of the course website (make site builds it with website/build.py, which
writes the pages into the build folder; this file is read from here)."""
from pathlib import Path

from myst_nb.core.render import NbElementRenderer

from course_lib.core import settings

REPOSITORY = settings.get("COURSE_REPOSITORY")   # set by build.py; default pyproject.toml's project.urls

project = "Generative models: from autoencoders to StyleGAN"
author = "the course's authors"
copyright = "code: MIT License; text and figures: CC BY 4.0"
extensions = ["myst_nb"]
exclude_patterns = ["_build"]

html_theme = "sphinx_book_theme"
html_title = "Generative models: from autoencoders to StyleGAN"
html_copy_source = False        # the pages' sources hold the reference cells: never published
html_show_sourcelink = False
html_theme_options = {
    "repository_url": REPOSITORY,
    "use_repository_button": True,
    "use_download_button": False,
    "show_toc_level": 2,
    "extra_footer": (f'Code: <a href="{REPOSITORY}/blob/main/LICENSE">MIT License</a>. Text and figures: '
                     f'<a href="{REPOSITORY}/blob/main/LICENSE-CONTENT.md">CC BY 4.0</a>.'),
}
html_last_updated_fmt = None
html_context = {"default_mode": "light"}
# MathJax 3 served from the site itself, not a CDN (the files of the sphinx-mathjax-offline package).
mathjax_path = "mathjax/tex-chtml.js"

myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3

# Notebooks: run once, cached per profile (jupyter-cache re-runs a notebook only when its code changes).
nb_execution_mode = "cache"
nb_execution_cache_path = settings.require("COURSE_SITE_CACHE")   # set by build.py
nb_execution_timeout = 1200
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_merge_streams = True
# No kernel runs on the website: widgets are left out (each page says what the explorer does).
nb_mime_priority_overrides = [("html", "application/vnd.jupyter.widget-view+json", None)]


# Figures carry their alt text in the output's metadata (course_lib.core.plots.figure_output);
# myst-nb reads alt text only from cell metadata, so give each image node its own.
_render_image = NbElementRenderer.render_image


def _render_image_with_alt(self, data):
    nodes = _render_image(self, data)
    alt = data.output_metadata.get(data.mime_type, {}).get("alt")
    if alt:
        nodes[0]["alt"] = alt
    return nodes


NbElementRenderer.render_image = _render_image_with_alt

# No widget state either: it would load ipywidgets' JavaScript from a CDN for widgets nobody can move.
_finalise = NbElementRenderer.render_nb_finalise
NbElementRenderer.render_nb_finalise = lambda self, metadata: _finalise(self, {k: v for k, v in metadata.items()
                                                                              if k != "widgets"})


def _copy_mathjax(app, exc):
    if exc is None:
        from importlib.util import find_spec

        from sphinx.util.fileutil import copy_asset
        package = Path(find_spec("sphinx-mathjax-offline").origin).parent
        copy_asset(str(package / "static" / "mathjax"), str(Path(app.outdir) / "_static" / "mathjax"))


def setup(app):
    app.connect("build-finished", _copy_mathjax)
    return {"parallel_read_safe": True}
