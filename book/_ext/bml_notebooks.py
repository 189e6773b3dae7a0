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
when it is missing (on Colab), and their markdown cells are plain Jupyter Markdown:
Jupyter and Colab know no MyST role or directive, and would show them raw.

* ``literalinclude`` becomes a code block of the code it includes;
* ``{glue:text}`` becomes the number it stands for: in the executed notebook, the value
  of that run; in ``notebooks/``, which has no outputs, the value the book printed
  (from the build's execution cache: run ``make html`` first);
* ``{term}``, ``{doc}``, ``{numref}`` and ``{ref}`` become links to the published site
  (``html.baseurl`` of ``_config.yml``), a figure reference as "Figure N";
* an admonition becomes a block quote with its title in bold, and a solution
  (``:class: dropdown``) a folded ``<details>`` block.

Any other role or directive is an error, so that a new one cannot reach a reader raw.
Code cells are unchanged.
"""

from __future__ import annotations

import argparse
import ast
import copy
import functools
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = "notebooks"
SETUP_TAG = "bml-setup"
#: A chapter is a file of the table of contents whose name starts with two digits.
CHAPTER_NAME = re.compile(r"^\d{2}-")


def toc_files(root: Path = ROOT) -> list[str]:
    """Every file of ``_toc.yml`` in reading order, as docnames (no suffix), read by
    the parser Jupyter Book itself uses (the one table-of-contents reader of the
    build, the scripts and the extensions)."""
    from sphinx_external_toc.parsing import parse_toc_yaml

    names = parse_toc_yaml(root / "_toc.yml").keys()
    return [re.sub(r"\.(md|ipynb|rst)$", "", name) for name in names]


def toc_chapters(root: Path = ROOT) -> list[str]:
    """The chapters of the table of contents (``book/NN-...``), in reading order."""
    return [f for f in toc_files(root) if CHAPTER_NAME.match(Path(f).name)]


def repository_url(root: Path = ROOT) -> str:
    """``repository.url`` of ``_config.yml``, without a trailing slash."""
    config = yaml.load((root / "_config.yml").read_bytes(), yaml.CSafeLoader)
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


# --- plain Jupyter Markdown ----------------------------------------------------------

#: A MyST role: ``{name}`content```.
ROLE = re.compile(r"\{(?P<role>[\w:.-]+)\}`(?P<text>[^`]*)`")
#: The first line of a MyST directive: a fence of backticks or colons, ``{name}``.
DIRECTIVE = re.compile(
    r"^(?P<fence>`{3,}|:{3,})\{(?P<name>[\w:.-]+)\}[ \t]*(?P<arg>.*)$"
)
#: Other MyST block syntax Jupyter shows raw: targets ``(label)=`` and comments.
MYST_BLOCK = re.compile(r"^(\([\w.:-]+\)=[ \t]*|%.*)$", re.MULTILINE)
_LABELLED = re.compile(r"^(?P<label>.*?)\s*<(?P<target>[^<>]+)>$", re.DOTALL)
_ADMONITIONS = (
    "note",
    "tip",
    "hint",
    "important",
    "warning",
    "caution",
    "attention",
    "danger",
    "error",
    "seealso",
)


def myst_markup(markdown: str) -> list[str]:
    """The MyST roles, directives and targets left in ``markdown`` (none is plain)."""
    markdown = _outside_code(markdown)
    found = [m[0] for m in ROLE.finditer(markdown)]
    found += [m[0] for m in re.finditer(DIRECTIVE.pattern, markdown, re.MULTILINE)]
    found += [m[0] for m in MYST_BLOCK.finditer(markdown)]
    return found


def site_url(root: Path = ROOT) -> str:
    """``html.baseurl`` of ``_config.yml``, ending in ``/``."""
    config = yaml.load((root / "_config.yml").read_bytes(), yaml.CSafeLoader)
    url = (config.get("html") or {}).get("baseurl", "")
    if not url.startswith(("https://", "http://")):
        raise ValueError(
            f"html.baseurl in _config.yml must be the site's address, got {url!r}"
        )
    return url.rstrip("/") + "/"


def _make_id(text: str) -> str:
    from sphinx.util.nodes import _make_id as sphinx_make_id

    return sphinx_make_id(text)


@dataclass
class BookIndex:
    """Where every link target of the book is: page titles, figures, glossary terms."""

    url: str
    titles: dict[str, str] = field(default_factory=dict)
    #: figure name -> (docname, its number in the book)
    figures: dict[str, tuple[str, int]] = field(default_factory=dict)
    #: term, in lower case -> (docname of the glossary that defines it, its id)
    terms: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: section label -> (docname, heading text)
    labels: dict[str, tuple[str, str]] = field(default_factory=dict)

    def page(self, docname: str, anchor: str = "") -> str:
        return f"{self.url}{docname}.html" + (f"#{anchor}" if anchor else "")


@functools.lru_cache(maxsize=4)
def book_index(root: Path = ROOT) -> BookIndex:
    """Read every page of the table of contents for its titles, figures and terms."""
    index = BookIndex(site_url(root))
    number = 0  # figures are numbered through the book (its chapters are unnumbered)
    for docname in toc_files(root):
        path = root / f"{docname}.md"
        text = path.read_text(encoding="utf-8")
        body = re.sub(r"^---\n.*?\n---\n", "", text, count=1, flags=re.DOTALL)
        title = re.search(r"^# (.+)$", body, re.MULTILINE)
        index.titles[docname] = title[1].strip() if title else docname
        for cell in re.finditer(
            r"^```\{code-cell\}.*?\n(?P<options>(?::.*\n)*)", body, re.MULTILINE
        ):
            options = cell["options"]
            if re.search(r"^:\s+figure:", options, re.MULTILINE):
                number += 1
                name = re.search(r"^:\s+name:\s*(\S+)", options, re.MULTILINE)
                if name:
                    index.figures[name[1]] = (docname, number)
        for label, heading in re.findall(
            r"^\((?P<label>[\w.:-]+)\)=[ \t]*\n+#+ (.+)$", body, re.MULTILINE
        ):
            index.labels[label] = (docname, heading.strip())
        glossary = re.search(r"^```\{glossary\}.*?\n(.*?)^```", body, re.M | re.S)
        if glossary:
            for line in glossary[1].splitlines():
                if line.strip() and not line[0].isspace() and not line.startswith(":"):
                    term = line.strip()
                    index.terms[term.lower()] = (docname, _make_id(f"term-{term}"))
    return index


def glue_values(nb: nbformat.NotebookNode) -> dict[str, str]:
    """The text of every value the notebook's outputs glue, by name."""
    values = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            glued = output.get("metadata", {}).get("scrapbook")
            if glued:
                prefix = glued.get("mime_prefix", "")
                text = output.get("data", {}).get(f"{prefix}text/plain")
                if text is not None:
                    values[glued["name"]] = text
    return values


class MarkupError(ValueError):
    """A role or directive the reader notebooks cannot write as plain Markdown."""


@dataclass
class PlainMarkdown:
    """Turns one chapter's MyST markdown cells into plain Jupyter Markdown."""

    docname: str
    index: BookIndex
    glue: dict[str, str]

    def role(self, match: re.Match[str]) -> str:
        role, content = match["role"], match["text"]
        labelled = _LABELLED.match(content)
        label, target = (labelled[1], labelled[2]) if labelled else ("", content)
        if role in ("glue", "glue:text"):
            from myst_nb.core.variables import format_plain_text

            key, _, spec = target.rpartition(":") if ":" in target else (target, "", "")
            if key not in self.glue:
                raise MarkupError(
                    f"{self.docname}: no value glued as {key!r}: execute the chapter "
                    "(`make html`) before writing its notebook"
                )
            return format_plain_text(self.glue[key], spec)
        if role == "term":
            if target.lower() not in self.index.terms:
                raise MarkupError(f"{self.docname}: no glossary term {target!r}")
            url = self.index.page(*self.index.terms[target.lower()])
            return f"[{label or target}]({url})"
        if role == "doc":
            doc = str(Path(self.docname).parent / target)
            if doc not in self.index.titles:
                raise MarkupError(f"{self.docname}: no page {target!r}")
            return f"[{label or self.index.titles[doc]}]({self.index.page(doc)})"
        if role == "numref":
            if target not in self.index.figures:
                raise MarkupError(f"{self.docname}: no figure named {target!r}")
            doc, number = self.index.figures[target]
            text = label.replace("%s", str(number)) if label else f"Figure {number}"
            return f"[{text}]({self.index.page(doc, target)})"
        if role == "ref":
            if target in self.index.figures:
                doc, number = self.index.figures[target]
                text = label or f"Figure {number}"
            elif target in self.index.labels:
                doc, text = self.index.labels[target]
                text = label or text
            else:
                raise MarkupError(f"{self.docname}: no label {target!r}")
            return f"[{text}]({self.index.page(doc, target)})"
        if role == "math":
            return f"${content}$"
        raise MarkupError(
            f"{self.docname}: the role {{{role}}} has no plain Markdown form in the "
            "reader notebooks (book/_ext/bml_notebooks.py)"
        )

    def directive(self, name: str, arg: str, options: dict[str, str], body: str) -> str:
        if name in ("code-block", "code", "sourcecode"):
            return f"```{arg.strip()}\n{body}\n```"
        if name == "math":
            return f"$$\n{body}\n$$"
        if name == "dropdown":
            return self.folded(arg.strip(), body)
        if name in ("margin", "sidebar", "topic", "epigraph"):
            name = "admonition" if arg.strip() else "note"
        if name == "admonition" or name in _ADMONITIONS:
            title = arg.strip() or name.capitalize()
            classes = options.get("class", "").split()
            if "dropdown" in classes or "dropdown" in options:
                return self.folded(title, body)
            quoted = [f"**{self.inline(title)}**", "", *body.splitlines()]
            return "\n".join(f"> {line}".rstrip() for line in quoted)
        raise MarkupError(
            f"{self.docname}: the directive {{{name}}} has no plain Markdown form in "
            "the reader notebooks (book/_ext/bml_notebooks.py)"
        )

    def folded(self, title: str, body: str) -> str:
        """A block the reader unfolds (a solution): HTML that Jupyter renders."""
        return (
            f"<details>\n<summary>{self.inline(title)}</summary>\n\n{body}\n\n"
            "</details>"
        )

    def inline(self, text: str) -> str:
        return ROLE.sub(self.role, text)

    def convert(self, markdown: str) -> str:
        """``markdown`` with every role and directive written as plain Markdown."""
        lines = markdown.split("\n")
        out: list[str] = []
        prose: list[str] = []  # lines of prose not yet written (a role may span two)

        def flush() -> None:
            if prose:
                out.append(self.inline("\n".join(prose)))
                prose.clear()

        i = 0
        while i < len(lines):
            code = CODE_FENCE.match(lines[i])
            if code:  # a plain code block: copied as it is
                flush()
                end = _closing(lines, i + 1, code[1])
                out.extend(lines[i : end + 1])
                i = end + 1
                continue
            start = DIRECTIVE.match(lines[i])
            if not start:
                if not MYST_BLOCK.fullmatch(lines[i]):
                    prose.append(lines[i])
                i += 1
                continue
            flush()
            i += 1
            options: dict[str, str] = {}
            while i < len(lines) and re.match(r"^:[\w-]+:", lines[i]):
                key, _, value = lines[i][1:].partition(":")
                options[key] = value.strip()
                i += 1
            end = _closing(lines, i, start["fence"])
            if end == len(lines):
                raise MarkupError(
                    f"{self.docname}: the directive {{{start['name']}}} is not closed"
                )
            inner = self.convert("\n".join(lines[i:end]).strip("\n"))
            out.append(self.directive(start["name"], start["arg"], options, inner))
            i = end + 1
        flush()
        return "\n".join(out)


#: A plain code block's opening fence (no ``{directive}``).
CODE_FENCE = re.compile(r"^(`{3,}|~{3,})(?!.*`)(?![ \t]*\{)")


def _closing(lines: list[str], start: int, fence: str) -> int:
    """The index of the line that closes ``fence`` (``len(lines)`` if none does)."""
    for j in range(start, len(lines)):
        if lines[j].rstrip() == fence:
            return j
    return len(lines)


def _outside_code(markdown: str) -> str:
    lines, kept, i = markdown.split("\n"), [], 0
    while i < len(lines):
        code = CODE_FENCE.match(lines[i])
        if code:
            i = _closing(lines, i + 1, code[1]) + 1
            continue
        kept.append(lines[i])
        i += 1
    return "\n".join(kept)


def reader_notebook(
    nb: nbformat.NotebookNode,
    repo_url: str,
    docname: str,
    root: Path = ROOT,
    glue: dict[str, str] | None = None,
) -> nbformat.NotebookNode:
    """A copy of ``nb`` for readers: setup cell first, plain Markdown, stable ids.

    ``docname`` is the chapter's (``book/NN-name``) in the book at ``root``; ``glue``
    the values its glue roles show, by default those of ``nb``'s own outputs.
    """
    base = (root / docname).parent
    plain = PlainMarkdown(
        docname, book_index(root), glue_values(nb) if glue is None else glue
    )
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
            cell.source = plain.convert(inline_includes(cell.source, base))
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


CACHE = Path("_build") / ".jupyter_cache"


def printed_glue(nb: nbformat.NotebookNode, docname: str, root: Path) -> dict:
    """The values the book printed for ``nb``: from the build's execution cache."""
    from jupyter_cache import get_cache

    path = root / CACHE
    try:
        if not path.exists():
            raise KeyError(docname)
        _, executed = get_cache(path).merge_match_into_notebook(copy.deepcopy(nb))
    except KeyError:
        raise MarkupError(
            f"{docname}: the build's execution cache ({CACHE}) holds no run of its "
            "current code, whose numbers its notebook shows: run `make html` first"
        ) from None
    return glue_values(executed)


def repo_notebook_text(docname: str, root: Path = ROOT) -> str:
    """The exact text of ``notebooks/NN-name.ipynb`` for a chapter."""
    source = source_notebook(root / f"{docname}.md")
    glue = printed_glue(source, docname, root)
    nb = reader_notebook(source, repository_url(root), docname, root, glue)
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
