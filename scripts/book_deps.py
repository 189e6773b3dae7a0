"""What each chapter's executed outputs depend on, for deciding what to re-execute.

jupyter-cache keys a notebook on its code cells only. The outputs also depend on the
modules of ``src/`` the cells import, directly or through each other, and on the
libraries. A chapter's key (``chapter_key``) is a hash of its jupyter-cache hash, of
the bytes of each module of ``src/`` its cells import (read with ``ast``, no code
is run) and of the environment: the lock
file ``make venv`` installs (every package, pinned) and the Python version.

``tree_stamp`` fingerprints every input of the build, so that a no-op build stops
before importing Sphinx; only the standard library and PyYAML are imported here.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import yaml

#: Folders that are never inputs of the build (tool state, outputs, environments).
SKIP_DIRS = {".git", "_build", "__pycache__", ".pytest_cache", ".ruff_cache"}
SKIP_DIRS |= {".ipynb_checkpoints", ".mypy_cache", "node_modules"}


def sha(*parts: bytes | str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little") + data)
    return digest.hexdigest()


def load_config(root: Path) -> dict:
    """The book's ``_config.yml`` as a dictionary (LibYAML's parser: faster)."""
    return yaml.load((root / "_config.yml").read_bytes(), yaml.CSafeLoader) or {}


def notebook_pages(root: Path) -> list[tuple[str, Path]]:
    """``(docname, path)`` of every page of ``_toc.yml`` that MyST-NB reads as a
    notebook, in reading order (the table of contents as ``bml_notebooks`` reads it)."""
    extensions = str(Path(__file__).resolve().parent.parent / "book" / "_ext")
    if extensions not in sys.path:
        sys.path.insert(0, extensions)
    from bml_notebooks import toc_files
    from myst_nb.core.read import is_myst_markdown_notebook

    pages = []
    for docname in toc_files(root):
        path = root / f"{docname}.md"
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
        if is_myst_markdown_notebook(text):
            pages.append((docname, path))
    return pages


def md_parser_config(config: dict):
    """The MyST parser configuration of the build (``parse:`` of ``_config.yml``)."""
    from myst_parser.config.main import MdParserConfig

    extensions = (config.get("parse") or {}).get("myst_enable_extensions")
    return MdParserConfig(enable_extensions=set(extensions or ()))


def read_notebook(path: Path, md_config=None):
    """The page as a notebook, read exactly as MyST-NB reads it for the build."""
    from myst_nb.core.read import read_myst_markdown_notebook

    text = path.read_text(encoding="utf-8")
    return read_myst_markdown_notebook(
        text, config=md_config, add_source_map=True, path=str(path)
    )


def _imports(tree: ast.AST, package: str) -> Iterator[str]:
    """The absolute names each import statement of ``tree`` may load, wherever it
    is (a function, a branch); ``package`` resolves relative imports."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) + 1 - node.level]
                base = ".".join(parts + ([base] if base else []))
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


@functools.cache
def _module_imports(path: Path, name: str) -> tuple[str, ...]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    try:
        return tuple(_imports(ast.parse(path.read_bytes()), package))
    except SyntaxError:  # fails loudly when the chapter runs
        return ()


def imported_modules(nb, src: Path) -> dict[str, Path]:
    """The modules of ``src`` (name: file) that the notebook's code cells import,
    directly or through each other (a module loads its parent packages too)."""
    cells = []
    for cell in nb.cells:
        if cell.get("cell_type") == "code":
            try:
                cells.append(ast.parse(cell.source))
            except SyntaxError:  # IPython magics and shell escapes, in plain Python
                from IPython.core.inputtransformer2 import TransformerManager

                cells.append(
                    ast.parse(TransformerManager().transform_cell(cell.source))
                )
    todo = [name for tree in cells for name in _imports(tree, "")]
    found: dict[str, Path] = {}
    while todo:
        pieces = todo.pop().split(".")
        for i in range(1, len(pieces) + 1):
            name, base = ".".join(pieces[:i]), src.joinpath(*pieces[:i])
            path = base / "__init__.py"
            path = path if path.is_file() else base.with_suffix(".py")
            if not path.is_file():
                break
            if name not in found:
                found[name] = path
                todo.extend(_module_imports(path, name))
    return dict(sorted(found.items()))


def environment_key(root: Path) -> tuple[str, dict]:
    """A key over the environment (the lock file, the Python version), and what
    went into it."""
    lock = root / "requirements" / "lock.txt"
    parts = {"python": sys.version, "lock": sha(lock.read_bytes())}
    return sha(*parts.values()), parts


def chapter_key(root: Path, cache_hash: str, env_key: str, modules: dict) -> str:
    """The chapter's dependency key: what its outputs are a function of."""
    parts: list[bytes | str] = [cache_hash, env_key]
    for path in modules.values():
        parts += [path.relative_to(root).as_posix(), path.read_bytes()]
    return sha(*parts)


def tree_stamp(root: Path) -> str:
    """A fingerprint of every input of the build: each file of the repository (bar
    tool state, outputs and virtual environments), the installed distributions and
    the interpreter."""
    digest = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(
            d
            for d in dirnames
            if d not in SKIP_DIRS and not os.path.exists(f"{dirpath}/{d}/pyvenv.cfg")
        )
        for name in sorted(filenames):
            try:
                data = Path(dirpath, name).read_bytes()
            except OSError:
                continue
            rel = os.path.relpath(os.path.join(dirpath, name), root)
            digest.update(f"{rel}\0{len(data)}\0".encode() + data)
    installed = [sys.executable, sys.version]
    for entry in sys.path:
        if os.path.isdir(entry or "."):
            installed += sorted(
                f"{entry}/{n}" for n in os.listdir(entry or ".") if "-info" in n
            )
    digest.update("\0".join(installed).encode())
    return digest.hexdigest()
