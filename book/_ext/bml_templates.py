"""The HTML templates compiled once, not at every build.

Sphinx compiles each Jinja template of the theme (about forty: sphinx-book-theme,
pydata-sphinx-theme and Sphinx's basic theme) in every build, which is about a
fifth of the CPU time of a rebuild after a prose edit. This extension gives Sphinx's
template environment Jinja's own file cache of compiled templates, in
``_build/.doctrees/jinja2-bytecode``: a template is compiled again when its source
changes (Jinja checks a checksum of the source) or Python does (its bytecode
version); the HTML is the same either way.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import FileSystemBytecodeCache
from sphinx.application import Sphinx

FOLDER = "jinja2-bytecode"


def cache_compiled_templates(app: Sphinx) -> None:
    templates = getattr(app.builder, "templates", None)
    environment = getattr(templates, "environment", None)
    if environment is None or environment.bytecode_cache is not None:
        return
    folder = Path(app.doctreedir) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    environment.bytecode_cache = FileSystemBytecodeCache(str(folder))


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", cache_compiled_templates)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
