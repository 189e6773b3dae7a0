"""Small copies of the book for the build tests: a few real chapters, optional extra
pages and modules, built with the repository's own ``scripts/build.py``."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_HEADER = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

"""
#: Not needed by a build of the copy (node_modules is linked, not copied).
_SKIP = {
    ".git",
    ".venv",
    "_build",
    "node_modules",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    "tests",
    "notebooks",
}
_DOC_REF = re.compile(r"\{doc\}`([^`]*)`")


def _ignore(folder: str, names: list[str]) -> set[str]:
    return {
        n
        for n in names
        if n in _SKIP
        or n.endswith(".egg-info")
        or (Path(folder, n) / "pyvenv.cfg").exists()  # any virtual environment
    }


def _keep_present_doc_refs(text: str, present: set[str]) -> str:
    """Turn ``{doc}`` links to pages this small book lacks into plain text."""

    def replace(match: re.Match) -> str:
        inner = match.group(1)
        title, _, target = inner.rpartition("<")
        target = target.rstrip(">") if title else inner
        if Path(target).stem in present:
            return match.group(0)
        return f"*{title.strip() or target}*"

    return _DOC_REF.sub(replace, text)


def make_book(
    dest: Path,
    chapters: list[str],
    pages: dict[str, str] | None = None,
    modules: dict[str, str] | None = None,
) -> Path:
    """A copy of the repository at ``dest`` whose table of contents has a plain intro,
    the real ``chapters`` (file names in book/), ``pages`` (name: text, added after
    them), the glossary and the execution report; ``modules`` (file name: text) are
    added to src/examples. Links to the chapters left out become plain text."""
    pages = pages or {}
    shutil.copytree(ROOT, dest, ignore=_ignore)
    if (ROOT / "node_modules").is_dir():
        (dest / "node_modules").symlink_to(ROOT / "node_modules")
    for name, text in (modules or {}).items():
        (dest / "src" / "examples" / name).write_text(text, encoding="utf-8")
    book = dest / "book"
    for name, text in pages.items():
        (book / f"{name}.md").write_text(text, encoding="utf-8")
    names = [Path(c).stem for c in chapters] + list(pages)
    names += ["glossary", "execution-report"]
    present = {"intro", *names}
    for page in book.glob("*.md"):
        text = page.read_text(encoding="utf-8")
        page.write_text(_keep_present_doc_refs(text, present), encoding="utf-8")
    # a plain intro: the real one presents every chapter of the whole book
    (book / "intro.md").write_text("# A small copy of the book\n", encoding="utf-8")
    toc = "format: jb-book\nroot: book/intro\nchapters:\n"
    toc += "".join(f"  - file: book/{name}\n" for name in names)
    (dest / "_toc.yml").write_text(toc, encoding="utf-8")
    return dest


def build(book: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the copy's build script; stdout and stderr are both in ``.output``."""
    result = subprocess.run(
        [sys.executable, str(book / "scripts" / "build.py"), *args],
        cwd=book,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=900,
    )
    result.output = result.stdout
    return result


def last_build(book: Path) -> dict:
    """What the last build did: chapters executed, cached, failed, and whether it
    started Sphinx (written by scripts/build.py)."""
    path = book / "_build" / ".book-exec" / "last-build.json"
    return json.loads(path.read_text(encoding="utf-8"))


def cache_records(book: Path) -> dict[str, tuple[int, str]]:
    """The jupyter-cache's record of each page: file name -> (id, creation time)."""
    from jupyter_cache import get_cache

    cache = get_cache(str(book / "_build" / ".jupyter_cache"))
    return {
        Path(r.uri).name: (r.pk, r.created.isoformat())
        for r in cache.list_cache_records()
    }


def executed_outputs(book: Path) -> dict[str, list]:
    """Each page's executed code cells as the cache serves them to the site:
    file name -> [[execution count, outputs], ...]."""
    from jupyter_cache import get_cache

    cache = get_cache(str(book / "_build" / ".jupyter_cache"))
    found = {}
    for record in cache.list_cache_records():
        nb = cache.get_cache_bundle(record.pk).nb
        found[Path(record.uri).name] = [
            [cell.get("execution_count"), cell.get("outputs")]
            for cell in nb.cells
            if cell.cell_type == "code"
        ]
    return found


def page_html(book: Path, name: str) -> str:
    return (book / "_build" / "html" / "book" / f"{name}.html").read_text("utf-8")
