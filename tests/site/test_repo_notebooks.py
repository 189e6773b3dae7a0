"""notebooks/ (what Colab and Binder open) matches the chapters of the table of
contents; regenerate it with `make notebooks`."""

from __future__ import annotations

import importlib.util
import sys

import nbformat
import yaml

from tests.site.conftest import CHAPTERS, SITE_ROOT


def _generator():
    path = SITE_ROOT / "book" / "_ext" / "bml_notebooks.py"
    spec = importlib.util.spec_from_file_location("bml_notebooks_under_test", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_notebooks_folder_is_in_sync_with_the_chapters():
    stale = _generator().sync(SITE_ROOT, check=True)
    assert stale == [], "out of date: run `make notebooks` and commit notebooks/"


def test_each_notebook_starts_by_installing_the_package_from_the_repository():
    config = yaml.safe_load((SITE_ROOT / "_config.yml").read_text(encoding="utf-8"))
    url = config["repository"]["url"].rstrip("/")
    names = sorted(p.name for p in (SITE_ROOT / "notebooks").glob("*.ipynb"))
    assert names == sorted(f"{c.rsplit('/', 1)[-1]}.ipynb" for c in CHAPTERS)
    for name in names:
        nb = nbformat.read(SITE_ROOT / "notebooks" / name, as_version=4)
        nbformat.validate(nb)
        setup = nb.cells[0]
        assert setup.cell_type == "code"
        assert f"git+{url}" in setup.source
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
        # the chapter's own cells follow, in order, with the listings written out
        assert "{literalinclude}" not in "".join(c.source for c in nb.cells)
