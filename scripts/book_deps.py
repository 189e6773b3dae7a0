"""What each chapter's executed outputs depend on, for deciding what to re-execute.

jupyter-cache keys a notebook on the text of its code cells only. The outputs also
depend on the modules of the examples package the cells import, directly or through
other modules of the package, and on the versions of the libraries. This
module finds those dependencies statically (``ast``, no code is run) and folds them
into one key per chapter:

* the jupyter-cache hash of the chapter (its code cells and kernel),
* the bytes of every local module the chapter imports, transitively, and of the
  non-Python files of the local packages it imports,
* the environment: the Python version and the lock file ``make venv`` installs
  (with the dependencies of ``pyproject.toml``).

It also computes a cheap fingerprint over every input of the build (``tree_stamp``),
which lets a no-op build stop before importing Sphinx.

Only the standard library and PyYAML are imported at module level, so the no-op path
stays fast; MyST-NB and IPython are imported when a chapter is analysed.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import sys
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

#: Folders that are never inputs of the build (tool state, outputs, environments).
SKIP_DIRS = {
    ".git",
    ".venv",
    "venv",
    "_build",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    ".ipynb_checkpoints",
    ".mypy_cache",
    "node_modules",
}
SOURCE_SUFFIXES = (".md", ".ipynb", ".rst")


def _sha(*parts: bytes | str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


# --- the book's configuration and pages -------------------------------------------


def load_config(root: Path) -> dict:
    """The book's ``_config.yml`` as a dictionary."""
    return yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}


def toc_docnames(root: Path) -> list[str]:
    """Every page of ``_toc.yml`` in reading order (``root`` first), read by the
    parser Jupyter Book itself uses."""
    from sphinx_external_toc.parsing import parse_toc_yaml

    names = parse_toc_yaml(root / "_toc.yml").keys()
    return [n.rsplit(".", 1)[0] if n.endswith(SOURCE_SUFFIXES) else n for n in names]


def doc_path(root: Path, docname: str) -> Path | None:
    """The source file of ``docname``, or None if there is none."""
    for suffix in SOURCE_SUFFIXES:
        path = root / (docname + suffix)
        if path.is_file():
            return path
    return None


def is_notebook(path: Path) -> bool:
    """True when MyST-NB treats ``path`` as a notebook (and may execute it)."""
    if path.suffix == ".ipynb":
        return True
    if path.suffix != ".md":
        return False
    from myst_nb.core.read import is_myst_markdown_notebook

    return is_myst_markdown_notebook(path.read_text(encoding="utf-8"))


def notebook_pages(root: Path) -> list[tuple[str, Path]]:
    """``(docname, path)`` of every page of the table of contents that is a notebook."""
    pages = []
    for docname in toc_docnames(root):
        path = doc_path(root, docname)
        if path is not None and is_notebook(path):
            pages.append((docname, path))
    return pages


def md_parser_config(config: dict):
    """The MyST parser configuration the build uses (extensions of ``parse:``)."""
    from myst_parser.config.main import MdParserConfig

    parse = config.get("parse") or {}
    extensions = parse.get("myst_enable_extensions")
    if extensions is None:  # Jupyter Book's defaults
        extensions = [
            "colon_fence",
            "dollarmath",
            "linkify",
            "substitution",
            "tasklist",
        ]
    return MdParserConfig(enable_extensions=set(extensions))


def read_notebook(path: Path, md_config=None):
    """The page as a notebook, read exactly as MyST-NB reads it for the build."""
    import nbformat

    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":
        return nbformat.reads(text, as_version=4)
    from myst_nb.core.read import read_myst_markdown_notebook

    return read_myst_markdown_notebook(
        text, config=md_config, add_source_map=True, path=str(path)
    )


# --- static import analysis ---------------------------------------------------------


def _python_source(source: str) -> str:
    """Cell source as plain Python (IPython magics and shell escapes translated)."""
    try:
        ast.parse(source)
        return source
    except SyntaxError:
        from IPython.core.inputtransformer2 import TransformerManager

        return TransformerManager().transform_cell(source)


@dataclass(frozen=True)
class ImportRef:
    """One imported name: ``module`` (absolute, or relative with ``level`` dots)."""

    module: str
    level: int = 0
    names: tuple[str, ...] = ()


#: Stands for an import whose name is computed at run time: it may load anything.
DYNAMIC = ImportRef("", -1)


def imports_in(tree: ast.AST) -> Iterator[ImportRef]:
    """Every import in ``tree``, including those inside functions and branches, and
    ``importlib.import_module("x")`` / ``__import__("x")`` (:data:`DYNAMIC` when the
    name is not a literal)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield ImportRef(alias.name)
        elif isinstance(node, ast.ImportFrom):
            names = tuple(alias.name for alias in node.names)
            yield ImportRef(node.module or "", node.level, names)
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = (
                func.attr
                if isinstance(func, ast.Attribute)
                else getattr(func, "id", "")
            )
            first = node.args[0]
            if name in ("import_module", "__import__"):
                literal = isinstance(first, ast.Constant) and isinstance(
                    first.value, str
                )
                yield ImportRef(first.value) if literal else DYNAMIC


class PackageIndex:
    """The local packages (``src/``): resolves imports to their modules' files."""

    def __init__(self, src: Path):
        self.src = src
        self._imports: dict[str, list[ImportRef]] = {}

    def module_file(self, name: str) -> Path | None:
        """The file of local module ``name`` (a package's ``__init__.py``)."""
        if not name or not self.src.is_dir():
            return None
        base = self.src.joinpath(*name.split("."))
        if (base / "__init__.py").is_file():
            return base / "__init__.py"
        if base.with_suffix(".py").is_file():
            return base.with_suffix(".py")
        return None

    def is_package(self, name: str) -> bool:
        path = self.module_file(name)
        return path is not None and path.name == "__init__.py"

    def imports_of(self, name: str) -> list[ImportRef]:
        if name not in self._imports:
            path = self.module_file(name)
            try:
                tree = ast.parse(path.read_bytes(), filename=str(path))
            except SyntaxError:
                tree = None  # the import will fail loudly when the chapter runs
            self._imports[name] = list(imports_in(tree)) if tree else []
        return self._imports[name]

    def resolve(self, ref: ImportRef, importer: str | None = None) -> list[str]:
        """Absolute names of the modules ``ref`` loads (local or not), parents first.

        ``importer`` is the local module containing a relative import.
        """
        base = ref.module
        if ref.level:
            if importer is None:
                return []
            package = (
                importer if self.is_package(importer) else importer.rpartition(".")[0]
            )
            parts = package.split(".") if package else []
            if ref.level - 1 > len(parts):
                return []
            parts = parts[: len(parts) - (ref.level - 1)]
            base = ".".join(parts + ([ref.module] if ref.module else []))
        if not base:
            return []
        pieces = base.split(".")
        modules = [".".join(pieces[: i + 1]) for i in range(len(pieces))]
        for name in ref.names:  # ``from pkg import submodule``
            if name == "*":  # may load any submodule its __all__ names
                prefix = f"{base}."
                modules += [m for m in self.all_modules() if m.startswith(prefix)]
                continue
            candidate = f"{base}.{name}"
            if self.module_file(candidate) is not None:
                modules.append(candidate)
        return modules

    def all_modules(self) -> list[str]:
        """Every module of the local packages."""
        names = []
        if not self.src.is_dir():
            return names
        for path in sorted(self.src.rglob("*.py")):
            parts = list(path.relative_to(self.src).with_suffix("").parts)
            if SKIP_DIRS.intersection(parts):
                continue
            if parts[-1] == "__init__":
                parts.pop()
            if parts:
                names.append(".".join(parts))
        return names

    def closure(self, refs: Iterable[ImportRef]) -> tuple[set[str], set[str]]:
        """Local modules loaded by ``refs`` transitively, and third-party top names."""
        local: set[str] = set()
        external: set[str] = set()
        todo = [(ref, None) for ref in refs]
        while todo:
            ref, importer = todo.pop()
            if ref == DYNAMIC:  # could be any of them
                todo.extend((ImportRef(m), None) for m in self.all_modules())
                continue
            for module in self.resolve(ref, importer):
                if self.module_file(module) is not None:
                    if module not in local:
                        local.add(module)
                        todo.extend((r, module) for r in self.imports_of(module))
                else:
                    top = module.partition(".")[0]
                    if (
                        self.module_file(top) is None
                        and top not in sys.stdlib_module_names
                    ):
                        external.add(top)
        return local, external

    def package_data(self, top: str) -> list[Path]:
        """Non-Python files inside local package ``top`` (data a module may read)."""
        path = self.module_file(top)
        if path is None or path.name != "__init__.py":
            return []
        files = []
        for dirpath, dirnames, filenames in os.walk(path.parent):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
            for filename in sorted(filenames):
                if not filename.endswith((".py", ".pyc")):
                    files.append(Path(dirpath) / filename)
        return files


def notebook_imports(nb) -> tuple[list[ImportRef], bool]:
    """The imports of a notebook's code cells; False if a cell could not be parsed."""
    refs: list[ImportRef] = []
    complete = True
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        try:
            refs.extend(imports_in(ast.parse(_python_source(cell.source))))
        except SyntaxError:
            complete = False
    return refs, complete


# --- the environment ----------------------------------------------------------------

#: The lock file ``make venv`` installs: every package of the environment, pinned.
LOCK = "requirements/lock.txt"


def environment_key(root: Path) -> tuple[str, dict]:
    """A key over what outside the repository the outputs depend on: the Python
    version and the lock file (which pins every installed package), with the
    dependencies of ``pyproject.toml``. Returns the key and what went into it."""
    lock = root / LOCK
    project = root / "pyproject.toml"
    description = {
        "python": sys.version,
        "lock": _sha(lock.read_bytes()) if lock.is_file() else None,
        "dependencies": tomllib.loads(project.read_text(encoding="utf-8"))
        .get("project", {})
        .get("dependencies", [])
        if project.is_file()
        else [],
    }
    return _sha(json.dumps(description, sort_keys=True)), description


# --- per-chapter keys ---------------------------------------------------------------


@dataclass
class ChapterDeps:
    docname: str
    path: Path
    modules: list[str] = field(default_factory=list)  # local modules, sorted
    files: list[Path] = field(default_factory=list)  # their files and package data
    external: set[str] = field(default_factory=set)
    complete: bool = True  # every code cell parsed

    def key(self, root: Path, cache_hash: str, env_key: str) -> str:
        """The chapter's dependency key: what its outputs are a function of."""
        parts: list[bytes | str] = ["chapter", cache_hash, "env", env_key]
        for path in self.files:
            parts += [path.relative_to(root).as_posix(), path.read_bytes()]
        return _sha(*parts)


def analyse_chapter(root: Path, docname: str, path: Path, nb, index: PackageIndex):
    """The local modules, files and third-party imports chapter ``nb`` depends on."""
    refs, complete = notebook_imports(nb)
    local, external = index.closure(refs)
    if not complete:  # a cell we cannot parse: assume it may use every local module
        local |= set(index.all_modules())
    files = {index.module_file(m) for m in local}
    for top in sorted({m.partition(".")[0] for m in local}):
        files.update(index.package_data(top))
    return ChapterDeps(
        docname,
        path,
        modules=sorted(local),
        files=sorted(f for f in files if f is not None),
        external=external,
        complete=complete,
    )


# --- the no-op stamp ----------------------------------------------------------------


def _installed_distributions() -> list[str]:
    """Names of the installed distributions' metadata folders (names and versions)."""
    found = []
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        found += [
            f"{entry}/{n}" for n in names if n.endswith((".dist-info", ".egg-info"))
        ]
    return sorted(found)


def tree_stamp(root: Path, extra: Iterable[str] = ()) -> str:
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
        for filename in sorted(filenames):
            path = Path(dirpath) / filename
            rel = path.relative_to(root).as_posix()
            try:
                data = path.read_bytes()
            except OSError:
                continue
            digest.update(f"{rel}\0{len(data)}\0".encode())
            digest.update(data)
    for line in [sys.executable, sys.version, *_installed_distributions(), *extra]:
        digest.update(line.encode() + b"\0")
    return digest.hexdigest()
