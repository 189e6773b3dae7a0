"""The notebooks a reader opens in Jupyter or Colab are plain Jupyter Markdown.

Both the executed notebook each chapter's download menu offers
(``_sources/<chapter>.ipynb``) and the repository's ``notebooks/`` (what the Colab and
Binder buttons open) are read: no MyST role, directive or target may be left in a
markdown cell, since Jupyter shows them raw; every link into the published site must
name a page and an anchor that the built site has; a figure reference must carry the
number the page gives the figure; solutions are folded. The checks here are written
independently of ``book/_ext/bml_notebooks.py``, which makes the notebooks.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
import yaml

from tests.site.conftest import CHAPTERS, SITE_DIR, SITE_ROOT

#: ``{name}`text```, ```` ```{name} ````, ``:::{name}``, ``(label)=``, ``:class: x``.
MYST = [
    re.compile(r"\{[\w:.-]+\}`"),
    re.compile(r"^\s*(`{3,}|:{3,}|~{3,})\s*\{[\w:.-]+\}", re.MULTILINE),
    re.compile(r"^\([\w.:-]+\)=\s*$", re.MULTILINE),
    re.compile(r"^:(class|name|tags|pyobject|language|figure|caption):", re.MULTILINE),
]
LINK = re.compile(r"\[(?P<text>[^\]]+)\]\((?P<url>[^)\s]+)\)")


def _base_url() -> str:
    config = yaml.safe_load((SITE_ROOT / "_config.yml").read_text(encoding="utf-8"))
    return config["html"]["baseurl"].rstrip("/") + "/"


def _notebooks() -> list[tuple[str, Path]]:
    found = []
    for docname in CHAPTERS:
        name = Path(docname).name
        found.append((f"offered:{name}", SITE_DIR / "_sources" / f"{docname}.ipynb"))
        found.append((f"notebooks:{name}", SITE_ROOT / "notebooks" / f"{name}.ipynb"))
    return found


NOTEBOOKS = _notebooks()
notebooks = pytest.mark.parametrize(
    "path", [p for _, p in NOTEBOOKS], ids=[i for i, _ in NOTEBOOKS]
)


def _markdown(path: Path) -> list[str]:
    assert path.exists(), f"{path} is missing: run `make html` and `make notebooks`"
    nb = nbformat.read(path, as_version=4)
    return [c.source for c in nb.cells if c.cell_type == "markdown"]


@notebooks
def test_no_myst_role_or_directive_is_left_in_a_markdown_cell(path):
    left = [
        match[0]
        for source in _markdown(path)
        for pattern in MYST
        for match in pattern.finditer(source)
    ]
    assert left == [], f"{len(left)} pieces of MyST markup, first {left[:5]}"


def _ids(html_path: Path, cache: dict) -> set[str]:
    if html_path not in cache:
        text = html_path.read_text(encoding="utf-8")
        cache[html_path] = (set(re.findall(r'\bid="([^"]+)"', text)), text)
    return cache[html_path][0]


@notebooks
def test_links_into_the_site_name_pages_and_anchors_it_has(path):
    base, pages, checked = _base_url(), {}, 0
    for source in _markdown(path):
        for link in LINK.finditer(source):
            url = link["url"]
            if not url.startswith(base):
                continue
            page, _, anchor = url[len(base) :].partition("#")
            target = SITE_DIR / page
            assert target.is_file(), f"{url}: no page {page} in the built site"
            if anchor:
                assert anchor in _ids(target, pages), f"{url}: no #{anchor} on {page}"
            checked += 1
    assert checked >= 1, "no link into the site: terms and references are links"


@notebooks
def test_figure_references_carry_the_pages_figure_numbers(path):
    base, seen = _base_url(), 0
    for source in _markdown(path):
        for link in LINK.finditer(source):
            if not re.fullmatch(r"Figure \d+", link["text"]):
                continue
            page, _, anchor = link["url"][len(base) :].partition("#")
            html = (SITE_DIR / page).read_text(encoding="utf-8")
            figure = re.search(
                rf'<figure[^>]*id="{re.escape(anchor)}".*?'
                r'<span class="caption-number">Fig\. (\d+) </span>',
                html,
                re.DOTALL,
            )
            assert figure, f"{link[0]}: no numbered figure #{anchor} on {page}"
            assert link["text"] == f"Figure {figure[1]}", link[0]
            seen += 1
    assert seen >= 1, "no figure reference written as 'Figure N'"


@notebooks
def test_solutions_are_folded(path):
    text = "\n".join(_markdown(path))
    folded = re.findall(r"<details>\s*<summary>Solution", text)
    assert len(folded) >= 2, "solutions are not folded in <details>"
    assert text.count("<details>") == text.count("</details>")


@pytest.mark.parametrize("docname", CHAPTERS)
def test_notebooks_folder_shows_the_numbers_and_code_of_the_offered_notebook(docname):
    """notebooks/ has no outputs but prints the numbers of the build's run."""
    name = Path(docname).name
    offered = nbformat.read(SITE_DIR / "_sources" / f"{docname}.ipynb", as_version=4)
    repo = nbformat.read(SITE_ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    assert [(c.cell_type, c.source) for c in repo.cells] == [
        (c.cell_type, c.source) for c in offered.cells
    ]


# --- the converter itself, on small pieces of MyST ------------------------------------


def _converter(glue: dict[str, str] | None = None):
    from tests.site.test_repo_notebooks import _generator

    module = _generator()
    index = module.book_index(SITE_ROOT)
    return module, module.PlainMarkdown(CHAPTERS[0], index, glue or {})


def test_converter_writes_numbers_links_quotes_and_folds():
    module, plain = _converter({"w": "2.71828"})
    figure = next(iter(plain.index.figures))
    text = plain.convert(
        "w is {glue:text}`w:.2f`, see {numref}`" + figure + "`.\n\n"
        "```{admonition} Careful\n:class: tip\nA {term}`weight`.\n```\n\n"
        "````{admonition} Solution\n:class: dropdown\n```{code-block} python\n"
        "x = 1\n```\n````\n"
    )
    assert "w is 2.72, see [Figure " in text
    assert "> **Careful**\n>\n> A [weight](" in text
    assert "<details>\n<summary>Solution</summary>\n\n```python\nx = 1\n```" in text
    assert module.myst_markup(text) == []


def test_converter_refuses_what_it_cannot_write_and_missing_values():
    module, plain = _converter()
    with pytest.raises(module.MarkupError, match=r"\{unknownrole\}"):
        plain.convert("a {unknownrole}`x` b")
    with pytest.raises(module.MarkupError, match=r"\{unknown-directive\}"):
        plain.convert("```{unknown-directive}\nbody\n```")
    with pytest.raises(module.MarkupError, match="no value glued as 'missing'"):
        plain.convert("{glue:text}`missing:.2f`")
    with pytest.raises(module.MarkupError, match="no glossary term"):
        plain.convert("{term}`not a term of the glossary`")
