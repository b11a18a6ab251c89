"""Sphinx configuration of the skdl documentation.

Builds and reads offline: no intersphinx, no remote assets at build time, and
the built pages load no script from another host (MathJax is copied into the
site's ``_static/mathjax`` by the ``sphinx-mathjax-offline`` extension;
``tests/test_docs.py`` checks both). Two builds, doctrees kept outside the
published HTML:

    python -m sphinx -W --keep-going -b html -d docs/_build/doctrees docs docs/_build/html
    python -m sphinx -W --keep-going -b html -D plot_gallery=0 -d docs/_build/doctrees-quick docs docs/_build/html-quick

The second skips executing the gallery examples.

Adding an estimator family needs no edit here: add ``docs/api/<module>.rst``,
``docs/user_guide/<family>.rst`` and ``examples/<family>/`` (with a README.rst);
the toctrees glob them and the gallery picks up the new folder.
"""

import importlib.util
import os
import re
import sys

from sphinx.errors import ConfigError

# A build without the docs extra fails here, naming the extra, instead of with
# an ImportError from the middle of the configuration.
_DOCS_MODULES = ["matplotlib", "numpydoc", "pydata_sphinx_theme", "sphinx_gallery", "sphinx-mathjax-offline"]
_MISSING = [name for name in _DOCS_MODULES if importlib.util.find_spec(name) is None]
if _MISSING:
    raise ConfigError(
        f"the documentation needs {', '.join(_MISSING)}: install the docs extra, "
        "python -m pip install -c constraints.txt -e \".[docs]\" (or run make docs)"
    )

# Before any OpenMP runtime loads (torch, scikit-learn's TSNE): idle OpenMP
# threads sleep instead of spinning, which on a busy 2-core machine made one
# gallery example (TSNE) ten times slower.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import matplotlib  # noqa: E402  (after OMP_WAIT_POLICY is set)

matplotlib.use("Agg")

# The package is normally installed (pip install -e .); this keeps a plain
# checkout importable too.
sys.path.insert(0, os.path.abspath(".."))

import skdl  # noqa: E402

# -- Project ----------------------------------------------------------------

project = "skdl"
author = "The skdl developers"
copyright = "The skdl developers"
version = release = skdl.__version__

# -- General ----------------------------------------------------------------

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    # Serves MathJax 3 from the built site instead of a CDN, so math renders
    # in a copy read without network.
    "sphinx-mathjax-offline",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

templates_path = ["_templates"]
# sg_execution_times.rst: left by older builds (see write_computation_times).
exclude_patterns = ["_build", "_templates", "Thumbs.db", ".DS_Store", "**sg_execution_times.rst"]
root_doc = "index"

# References to objects outside skdl (sklearn.cluster.KMeans, torch.device,
# numpy.ndarray, ...) cannot be resolved without intersphinx, which needs the
# network. They render as code without a link; nitpicky mode would turn each
# of them into a warning, so it stays off (the Sphinx default).
nitpicky = False

# -- autodoc / autosummary / numpydoc ----------------------------------------

# Class pages document inherited methods too (fit_predict, get_params,
# set_output, ...). Their docstrings come from scikit-learn and point into
# scikit-learn's own documentation with :ref:, :term: and :doc: roles, which
# cannot resolve here and, unlike :class: and :func:, warn even when not
# nitpicky. For objects defined outside skdl, such a role is replaced by its
# text. skdl's own docstrings are left alone, so their broken references still
# fail the build.
_FOREIGN_DOC_ROLE = re.compile(r":(?:ref|term|doc):`([^`]*?)`")


def _role_text(match):
    """The text a :ref:/:term:/:doc: role displays: its title, else its target."""
    content = match.group(1)
    titled = re.fullmatch(r"(.*?)\s*<([^<>]*)>", content, flags=re.DOTALL)
    return titled.group(1) if titled else content


def _unlink_foreign_doc_roles(app, what, name, obj, options, lines):
    module = getattr(obj, "__module__", None) or ""
    if module == "skdl" or module.startswith("skdl."):
        return
    text = "\n".join(lines)
    if ":" not in text:
        return
    lines[:] = _FOREIGN_DOC_ROLE.sub(_role_text, text).split("\n")


def setup(app):
    app.connect("autodoc-process-docstring", _unlink_foreign_doc_roles)


autosummary_generate = True
autodoc_default_options = {"member-order": "alphabetical"}
autodoc_typehints = "none"

# numpydoc renders the Parameters/Attributes sections; the method listing comes
# from the autosummary class template (_templates/autosummary/class.rst).
numpydoc_show_class_members = False
numpydoc_show_inherited_class_members = False
numpydoc_class_members_toctree = False
# numpydoc_validation_checks stays off: inherited scikit-learn methods do not
# all follow every numpydoc rule, and the docs build must not depend on them.

# -- HTML -------------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"skdl {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "header_links_before_dropdown": 6,
}
html_sidebars = {
    "index": [],
    "install": [],
    "benchmarks": [],
}
html_show_sourcelink = False

# -- sphinx-gallery ---------------------------------------------------------

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    # Each sub-folder of examples/ (one per family, with a README.rst) is a
    # subsection of the gallery; subsections are sorted by folder name.
    "filename_pattern": r"/plot_",
    "doc_module": ("skdl",),
    # "Examples using ..." mini-galleries on the API pages.
    "backreferences_dir": os.path.join("generated", "backreferences"),
    "remove_config_comments": True,
    "min_reported_time": 1,
    # The execution-time pages load jQuery and DataTables from CDNs; the site
    # must read offline, so they are not written.
    "write_computation_times": False,
    # -D plot_gallery=0 on the command line skips executing the examples.
    "plot_gallery": "True",
}
