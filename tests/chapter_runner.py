"""A chapter as executed top to bottom, with what it glued, for the chapter tests.

``executed_by_build`` returns the notebook the build executed (``make test`` builds
first), when its cache record carries the chapter's current dependency key (the
build's own analysis decides): the chapter is not executed again. Otherwise
``execute_chapter`` runs it in a fresh kernel, read exactly as the build reads it
(MyST-NB's own Markdown reader), from ``book/`` (the build's working folder). Every
value passed to ``myst_nb.glue`` is returned by name, so tests can assert the claims
the prose makes with those values.
"""

from __future__ import annotations

import ast
import functools
import importlib.util
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from myst_nb.core.read import read_myst_markdown_notebook
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
GLUE_MIME = "application/papermill.record/text/plain"


@dataclass
class ExecutedChapter:
    notebook: nbformat.NotebookNode
    glued: dict[str, object] = field(default_factory=dict)
    seconds: float = 0.0

    def stdout(self) -> str:
        """Everything the chapter's cells printed, in order."""
        parts = []
        for cell in self.notebook.cells:
            for out in cell.get("outputs", []):
                if out.get("output_type") == "stream" and out.get("name") == "stdout":
                    parts.append(out["text"])
        return "".join(parts)

    def errors(self) -> list[str]:
        """The names of the errors raised by cells (only tagged cells may raise)."""
        return [
            out["ename"]
            for cell in self.notebook.cells
            for out in cell.get("outputs", [])
            if out.get("output_type") == "error"
        ]

    def html_outputs(self, marker: str) -> list[str]:
        """The HTML outputs of the chapter's cells that contain ``marker``."""
        return [
            out["data"]["text/html"]
            for cell in self.notebook.cells
            for out in cell.get("outputs", [])
            if marker in out.get("data", {}).get("text/html", "")
        ]

    def images(self) -> int:
        """How many images the chapter's cells displayed."""
        return sum(
            1
            for cell in self.notebook.cells
            for out in cell.get("outputs", [])
            if any(k.startswith("image/") for k in out.get("data", {}))
        )


def read_chapter(path: Path) -> nbformat.NotebookNode:
    """The chapter as a notebook, read by MyST-NB's reader."""
    return read_myst_markdown_notebook(path.read_text(encoding="utf-8"), path=str(path))


def _literal(text: str) -> object:
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text.strip("'\"")


def execute_chapter(path: Path, timeout: int = 900) -> ExecutedChapter:
    """Run ``path`` in a fresh kernel; cells tagged ``raises-exception`` may fail."""
    nb = read_chapter(path)
    start = time.perf_counter()
    NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(BOOK)}},
    ).execute()
    return _collect(nb, time.perf_counter() - start)


@functools.cache
def _build_state() -> tuple[dict, object]:
    """The build's analysis of the repository's chapters (path -> chapter) and its
    jupyter-cache, or ``({}, None)`` when nothing was built yet."""
    spec = importlib.util.spec_from_file_location(
        "book_build", ROOT / "scripts" / "build.py"
    )
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    config = build.book_deps.load_config(ROOT)
    folder = ROOT / ((config.get("execute") or {}).get("cache") or "")
    if not (folder / "global.db").is_file():
        return {}, None
    from jupyter_cache import get_cache

    cache = get_cache(str(folder))
    return {c.path.resolve(): c for c in build.analyse(config, cache)}, cache


def executed_by_build(path: Path) -> ExecutedChapter | None:
    """The chapter as the last build executed it, or None if the build's outputs
    of it are missing or stale (its cells, modules or environment changed)."""
    chapters, cache = _build_state()
    found = chapters.get(path.resolve())
    if found is None or found.record is None or found.stale:
        return None
    try:
        nb = cache.get_cache_bundle(found.record.pk).nb
    except KeyError:  # a broken record: the next build repairs it
        return None
    return _collect(nb, found.record.data.get("execution_seconds") or 0.0)


def _collect(nb: nbformat.NotebookNode, seconds: float) -> ExecutedChapter:
    chapter = ExecutedChapter(nb, seconds=seconds)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            meta = out.get("metadata", {}).get("scrapbook", {})
            if "name" in meta and GLUE_MIME in out.get("data", {}):
                chapter.glued[meta["name"]] = _literal(out["data"][GLUE_MIME])
    return chapter
