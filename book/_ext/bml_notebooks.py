"""Reader notebooks: the chapters as the .ipynb files a reader downloads or launches.

A chapter is a MyST Markdown notebook in ``book/``; readers also get it as a Jupyter
notebook, in two places:

* on the site, the executed notebook of each chapter (its download button), written
  by the ``bml_site`` Sphinx extension from MyST-NB's executed copy;
* in the repository, ``notebooks/NN-name.ipynb``, without outputs, which the Colab
  and Binder launch buttons open. This module writes them:
  ``python book/_ext/bml_notebooks.py`` (``make notebooks``); with ``--check`` it
  only reports the ones that are missing or out of date, and fails if any are.

Both versions start with a setup cell that installs the book's examples package
when it is missing (on Colab), and show the code that a chapter includes with
``literalinclude`` as a code block, since Jupyter does not know the directive.
"""

from __future__ import annotations

import argparse
import ast
import copy
import re
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = "notebooks"
SETUP_TAG = "bml-setup"
#: A chapter is a file of the table of contents whose name starts with two digits.
CHAPTER_NAME = re.compile(r"^\d{2}-")


def toc_files(root: Path = ROOT) -> list[str]:
    """Every file of ``_toc.yml`` in reading order, as docnames (no suffix)."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    files: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "file" in node:
                files.append(str(Path(node["file"]).with_suffix("")))
            for key in ("parts", "chapters", "sections"):
                walk(node.get(key, []))
        elif isinstance(node, list):
            for item in node:
                walk(item)

    files.append(str(Path(toc["root"]).with_suffix("")))
    walk(toc)
    return files


def toc_chapters(root: Path = ROOT) -> list[str]:
    """The chapters of the table of contents (``book/NN-...``), in reading order."""
    return [f for f in toc_files(root) if CHAPTER_NAME.match(Path(f).name)]


def repository_url(root: Path = ROOT) -> str:
    """``repository.url`` of ``_config.yml``, without a trailing slash."""
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    url = (config.get("repository") or {}).get("url", "")
    if not url.startswith("https://github.com/"):
        raise ValueError(
            "repository.url in _config.yml must be a GitHub repository URL "
            f"(https://github.com/OWNER/NAME), got {url!r}"
        )
    return url.rstrip("/")


def repo_notebook_path(docname: str) -> str:
    """Where the repository keeps a chapter's notebook, relative to its root."""
    return f"{NOTEBOOKS}/{Path(docname).name}.ipynb"


def setup_cell_source(repo_url: str) -> str:
    """The first cell of every reader notebook."""
    return (
        "# On Colab, or anywhere the book's package is missing, install it first.\n"
        "# (Colab already has torch, numpy and matplotlib; Binder installs all.)\n"
        "import importlib.util\n"
        "\n"
        'if importlib.util.find_spec("examples") is None:\n'
        "    %pip install --quiet --no-deps "
        f'"basics-of-ml-examples @ git+{repo_url}"\n'
        'if importlib.util.find_spec("myst_nb") is None:\n'
        "    %pip install --quiet myst-nb"
    )


_INCLUDE = re.compile(
    r"^```\{literalinclude\}[ \t]+(?P<path>\S+)[ \t]*\n(?P<options>(?::[^\n]*\n)*)```",
    re.MULTILINE,
)


def _python_object(path: Path, name: str) -> str:
    """The source of the top-level function or class ``name`` in ``path``."""
    text = path.read_text(encoding="utf-8")
    for node in ast.parse(text).body:
        if getattr(node, "name", None) == name:
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            return "\n".join(text.splitlines()[first - 1 : node.end_lineno])
    raise ValueError(f"{path} has no top-level function or class named {name!r}")


def inline_includes(markdown: str, base: Path) -> str:
    """Replace each ``literalinclude`` of a Python object by a code block of it."""

    def replace(match: re.Match[str]) -> str:
        options = dict(
            re.match(r":([\w-]+):\s*(.*)", line).groups()
            for line in match["options"].splitlines()
            if line.strip()
        )
        path = (base / match["path"]).resolve()
        if "pyobject" in options:
            code = _python_object(path, options["pyobject"])
        else:
            code = path.read_text(encoding="utf-8").rstrip("\n")
        return f"```{options.get('language', 'python')}\n{code}\n```"

    return _INCLUDE.sub(replace, markdown)


def reader_notebook(
    nb: nbformat.NotebookNode, repo_url: str, base: Path
) -> nbformat.NotebookNode:
    """A copy of ``nb`` for readers: setup cell first, includes inlined, stable ids.

    ``base`` is the folder the chapter's relative include paths start from.
    """
    out = copy.deepcopy(nb)
    cells = [
        c for c in out.cells if SETUP_TAG not in c.get("metadata", {}).get("tags", [])
    ]
    setup = nbformat.v4.new_code_cell(
        setup_cell_source(repo_url), metadata={"tags": [SETUP_TAG]}
    )
    out.cells = [setup, *cells]
    for i, cell in enumerate(out.cells):
        cell.id = f"cell-{i:03d}"  # stable ids: regenerating changes nothing
        if cell.cell_type == "markdown":
            cell.source = inline_includes(cell.source, base)
    out.metadata = nbformat.from_dict(
        {
            key: out.metadata[key]
            for key in ("kernelspec", "language_info")
            if key in out.metadata
        }
    )
    out.nbformat, out.nbformat_minor = 4, 5
    return out


def source_notebook(path: Path) -> nbformat.NotebookNode:
    """A chapter's ``.md`` file as a notebook without outputs (MyST-NB's reader)."""
    from myst_nb.core.read import read_myst_markdown_notebook

    return read_myst_markdown_notebook(path.read_text(encoding="utf-8"), path=str(path))


def repo_notebook_text(docname: str, root: Path = ROOT) -> str:
    """The exact text of ``notebooks/NN-name.ipynb`` for a chapter."""
    source = root / f"{docname}.md"
    nb = reader_notebook(source_notebook(source), repository_url(root), source.parent)
    return nbformat.writes(nb) + "\n"


def sync(root: Path = ROOT, check: bool = False) -> list[str]:
    """Write (or, with ``check``, compare) the repository's reader notebooks.

    Returns the paths that were (or would be) written or removed.
    """
    wanted = {
        repo_notebook_path(d): repo_notebook_text(d, root) for d in toc_chapters(root)
    }
    changed = []
    folder = root / NOTEBOOKS
    for stale in sorted(folder.glob("*.ipynb")) if folder.exists() else []:
        rel = f"{NOTEBOOKS}/{stale.name}"
        if rel not in wanted:
            changed.append(rel)
            if not check:
                stale.unlink()
    for rel, text in wanted.items():
        path = root / rel
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            changed.append(rel)
            if not check:
                path.parent.mkdir(exist_ok=True)
                path.write_text(text, encoding="utf-8")
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="write nothing; fail if out of date"
    )
    args = parser.parse_args(argv)
    changed = sync(check=args.check)
    for rel in changed:
        print(("out of date: " if args.check else "wrote: ") + rel)
    if args.check and changed:
        print("run `make notebooks` and commit notebooks/", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
