"""The site's reader-facing features, as one small Sphinx extension.

* **Math offline.** MathJax is not loaded from a CDN: the pinned npm package
  (``package.json``; ``make`` runs ``npm ci``) is copied into the built site under
  ``_static/mathjax/`` and ``mathjax_path`` in ``_config.yml`` points there. It is
  copied after the build rather than kept in an ``html_static_path``, because Jupyter
  Book adds every ``.js`` file of a static folder to every page as a script.
* **Chapter cards.** The ``{chapter-cards}`` directive makes one card per chapter of
  the table of contents (files named ``NN-...``): its title, one sentence (the
  ``myst: html_meta: description`` of its front matter, else its first sentence) and its
  key figure, the first figure of the chapter as the build drew it.
* **Accessible names.** Three controls of the theme and of MyST-NB get names that
  match their visible text.
* **Page weight.** The theme's ``fontawesome.js`` is left out: its style sheet
  already draws the icons with the web font.
* **Scripts.** Each script once per page, none of Thebe's unless its launch button
  is on (they would only name a CDN), and MathJax only on a page with math.
* **Panels that stack.** A figure whose PNG records panels in one row
  (``bml:panels``, written by ``examples.plotting.book_png``) gets a second image, its
  panels one above the other, which a ``<picture>`` shows on a screen too narrow for
  the side-by-side figure to keep its text at :data:`MIN_TEXT_CSS_PX` or more.
* **Search snippets** in plain words (``_static/bml-search.js``): no TeX, no heading
  run into the next paragraph.
* **The execution report** names chapters by title and says "passed" or "failed"
  (MyST-NB's table shows the file name and an emoji, a blank box without an emoji
  font).
* **Notebook downloads and launch links.** Each chapter's download menu offers its
  executed notebook, with a setup cell first (see ``bml_notebooks``); the Colab and
  Binder buttons open the repository's ``notebooks/NN-name.ipynb`` (the theme would
  point them at the ``.md`` file, which Colab cannot open).
"""

from __future__ import annotations

import itertools
import json
import math
import re
import shutil
import sys
from pathlib import Path

import nbformat
import yaml
from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

sys.path.insert(0, str(Path(__file__).parent))
import bml_notebooks  # noqa: E402

LOGGER = logging.getLogger(__name__)
MATHJAX_PACKAGE = Path("node_modules") / "mathjax"
#: What the tex-mml-chtml component loads: itself, its fonts, the TeX extensions it
#: autoloads, and the menu's optional parts (accessibility, speech).
MATHJAX_PARTS = ("tex-mml-chtml.js", "input", "output", "ui", "a11y", "sre", "adaptors")


# --- MathJax, offline --------------------------------------------------------------


def _mathjax_source(app: Sphinx) -> Path:
    return Path(app.confdir) / MATHJAX_PACKAGE


def check_mathjax(app: Sphinx) -> None:
    """Fail at once, with the fix, if the pinned MathJax is not installed."""
    if app.builder.format != "html":
        return
    path = app.config.mathjax_path
    if "://" in path or path.startswith("/"):
        raise ExtensionError(
            "mathjax_path must be relative to _static/ (the bundled copy), "
            f"got {path!r}"
        )
    if not (_mathjax_source(app) / "es5" / "tex-mml-chtml.js").exists():
        raise ExtensionError(
            f"MathJax is not installed in {_mathjax_source(app)}: run `npm ci` in the "
            "repository (`make html` does it), which installs the version pinned in "
            "package-lock.json"
        )


def copy_mathjax(app: Sphinx, exception: Exception | None) -> None:
    """Copy the parts of MathJax the pages use into ``_static/``."""
    if exception is not None or app.builder.format != "html":
        return
    source = _mathjax_source(app)
    version = json.loads((source / "package.json").read_text())["version"]
    target = Path(app.outdir) / "_static" / Path(app.config.mathjax_path).parent
    stamp = target / ".mathjax-version"
    if stamp.exists() and stamp.read_text() == version:
        return
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for part in MATHJAX_PARTS:
        src = source / "es5" / part
        if src.is_dir():
            shutil.copytree(src, target / part)
        else:
            shutil.copy2(src, target / part)
    shutil.copy2(source / "LICENSE", target / "LICENSE")
    stamp.write_text(version)


# --- chapter cards -------------------------------------------------------------------


class key_figure(nodes.General, nodes.Element):
    """Stands for a chapter's key figure until every chapter has been read."""


def _front_matter(text: str) -> dict:
    match = re.match(r"^---\n(.*?)\n---\n", text, re.DOTALL)
    return (yaml.load(match[1], yaml.CSafeLoader) or {}) if match else {}


def chapter_summary(path: Path) -> tuple[str, str]:
    """A chapter's title and one sentence about it, both MyST text."""
    text = path.read_text(encoding="utf-8")
    meta = _front_matter(text)
    body = re.sub(r"^---\n.*?\n---\n", "", text, count=1, flags=re.DOTALL)
    title_match = re.search(r"^# (.+)$", body, re.MULTILINE)
    if not title_match:
        raise ExtensionError(f"{path} has no '# ' title")
    description = ((meta.get("myst") or {}).get("html_meta") or {}).get("description")
    if not description:
        after = body[title_match.end() :].strip().split("\n\n")[0]
        sentence = re.match(r"(.+?[.!?])(\s|$)", " ".join(after.split()))
        description = _plain(sentence[1], path.parent) if sentence else ""
    return title_match[1].strip(), description


_ROLE = re.compile(r"\{(?P<role>[\w:-]+)\}`(?P<text>[^`]*)`")


def _plain(text: str, folder: Path) -> str:
    """Roles replaced by their text: a card is one link, it holds no links itself."""

    def replace(match: re.Match[str]) -> str:
        role, content = match["role"], match["text"]
        label = re.match(r"(.*?)\s*<(.+)>$", content)
        if label and label[1]:
            return label[1]
        target = label[2] if label else content
        if role == "doc":
            doc = (folder / target).with_suffix(".md")
            if doc.exists():
                return chapter_summary(doc)[0]
        return target

    return _ROLE.sub(replace, text)


class ChapterCards(SphinxDirective):
    """One sphinx-design card per chapter of the table of contents."""

    def run(self) -> list[nodes.Node]:
        root = Path(self.env.srcdir)
        if not hasattr(self.env, "bml_card_pages"):
            self.env.bml_card_pages = set()
        self.env.bml_card_pages.add(self.env.docname)
        self.env.bml_cards = card_summaries(root)
        lines = ["::::{grid} 1 1 2 2", ":gutter: 3", ":class-container: bml-cards", ""]
        for docname in bml_notebooks.toc_chapters(root):
            title, summary = chapter_summary(root / f"{docname}.md")
            number = int(Path(docname).name[:2])
            lines += [
                f":::{{grid-item-card}} {number}. {title}",
                f":link: /{docname}",
                ":link-type: doc",
                ":class-card: bml-card",
                "",
                f"```{{bml-key-figure}} {docname}",
                "```",
                "",
                summary,
                ":::",
                "",
            ]
        lines.append("::::")
        container = nodes.container()
        source = self.get_source_info()[0]
        self.state.nested_parse(StringList(lines, source), 0, container)
        return container.children


class KeyFigure(SphinxDirective):
    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        return [key_figure(docname=self.arguments[0])]


def fill_key_figures(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Replace each placeholder by a copy of the chapter's first figure image (kept
    by ``note_key_figure``: no chapter's doctree is loaded)."""
    for placeholder in list(doctree.findall(key_figure)):
        chapter = placeholder["docname"]
        image = getattr(app.env, "bml_key_figures", {}).get(chapter)
        if image is None:
            raise ExtensionError(
                f"{chapter} has no figure to show on its card in {docname}: give the "
                "chapter a figure (an output with :mystnb: figure: options)"
            )
        copy = nodes.image("", **image)
        copy["classes"] = ["bml-card-figure"]
        copy.attributes.pop("width", None)
        copy.attributes.pop("height", None)
        placeholder.replace_self(copy)


def _first_figure_image(doctree: nodes.document) -> nodes.image | None:
    for figure in doctree.findall(nodes.figure):
        for image in figure.findall(nodes.image):
            if image.get("alt"):
                return image
    return None


def visit_key_figure(self, node) -> None:  # pragma: no cover - always replaced
    raise nodes.SkipNode


def purge_card_page(app: Sphinx, env, docname: str) -> None:
    getattr(env, "bml_card_pages", set()).discard(docname)
    getattr(env, "bml_key_figures", {}).pop(docname, None)


def merge_card_pages(app: Sphinx, env, docnames, other) -> None:
    """Parallel reads: collect the card pages the worker processes saw."""
    if not hasattr(env, "bml_card_pages"):
        env.bml_card_pages = set()
    env.bml_card_pages |= getattr(other, "bml_card_pages", set())
    if hasattr(other, "bml_cards"):
        env.bml_cards = other.bml_cards
    env.__dict__.setdefault("bml_key_figures", {}).update(
        getattr(other, "bml_key_figures", {})
    )


def card_summaries(root: Path) -> list[tuple[str, tuple[str, str]]]:
    """What the cards say: each chapter's name, title and sentence."""
    return [
        (docname, chapter_summary(root / f"{docname}.md"))
        for docname in bml_notebooks.toc_chapters(root)
    ]


def reread_card_pages(app: Sphinx, env, added, changed, removed) -> list[str]:
    """Pages with cards are re-read when what the cards say changed (a chapter's
    title or sentence, a chapter added or removed), not on every edit of a chapter."""
    pages = sorted(getattr(env, "bml_card_pages", set()) & env.found_docs)
    if pages and getattr(env, "bml_cards", None) != card_summaries(Path(env.srcdir)):
        return pages
    return []


def note_key_figure(app: Sphinx, doctree: nodes.document) -> None:
    """Remember the image each page's card would show (its first figure)."""
    image = _first_figure_image(doctree)
    figures = app.env.__dict__.setdefault("bml_key_figures", {})
    figures[app.env.docname] = image.deepcopy().attributes if image else None


def note_key_figures_before(app: Sphinx, env, docnames: list[str]) -> None:
    app.bml_key_figures = dict(getattr(env, "bml_key_figures", {}))


def rewrite_card_pages(app: Sphinx, env) -> list[str]:
    """Pages with cards are written again when a chapter's first figure changed."""
    if getattr(app, "bml_key_figures", None) != getattr(env, "bml_key_figures", {}):
        return sorted(getattr(env, "bml_card_pages", set()) & env.found_docs)
    return []


# --- panels that stack on a narrow screen ------------------------------------------

#: The smallest figure text a reader should meet, in CSS pixels.
MIN_TEXT_CSS_PX = 9.0
#: The page's side margins below the theme's widest breakpoint, in CSS pixels.
PAGE_MARGINS_PX = 32
_IMG = re.compile(
    r'<img\b(?![^>]*data-bml-stack)[^>]*\bsrc="(?P<src>[^"]*?_images/[^"]+\.png)"[^>]*>'
)


def stacked_panels(path: Path) -> tuple[Path, int] | None:
    """Write the stacked version of a figure with panels; its path and the widest
    screen (CSS px) that should show it, or None for a figure without panels."""
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    with Image.open(path) as image:
        panels = json.loads(image.info.get("bml:panels", "null") or "null")
        font_px = float(image.info.get("bml:min-font-px", 0) or 0)
        if not panels or len(panels) < 2 or font_px <= 0:
            return None
        width, height = image.size
        target = path.with_name(f"{path.stem}-stacked.png")
        # side by side, the figure is drawn at most at its natural width
        widest = math.ceil(width * MIN_TEXT_CSS_PX / font_px) + PAGE_MARGINS_PX - 1
        if target.is_file():  # made by an earlier build (figure names are hashes)
            return target, widest
        rgb = image.convert("RGB")
    # cut halfway between neighbouring panels, so nothing between them is lost
    cuts = [0] + [(a[1] + b[0]) // 2 for a, b in itertools.pairwise(panels)] + [width]
    crops = [rgb.crop((cuts[i], 0, cuts[i + 1], height)) for i in range(len(panels))]
    stacked = Image.new(
        "RGB", (max(c.width for c in crops), height * len(crops)), "white"
    )
    for i, crop in enumerate(crops):
        stacked.paste(crop, (0, i * height))
    info = PngInfo()
    info.add_text("bml:min-font-px", f"{font_px:.2f}")
    partial = target.with_name(f".{target.name}")
    stacked.save(partial, format="PNG", optimize=True, pnginfo=info)
    partial.replace(target)  # never half a file, whenever the build is killed
    return target, widest


def note_written_page(app: Sphinx, pagename: str, *args) -> None:
    app.__dict__.setdefault("bml_written", set()).add(pagename)


def written_pages(app: Sphinx) -> list[Path]:
    """The HTML files this build wrote (the others were fixed when written)."""
    names = sorted(getattr(app, "bml_written", ()))
    return [Path(app.builder.get_outfilename(name)) for name in names]


def stack_panels(app: Sphinx, exception: Exception | None) -> None:
    """Give every figure image with panels a stacked version for narrow screens."""
    if exception is not None or app.builder.format != "html":
        return
    made: dict[Path, tuple[Path, int] | None] = {}
    for page in written_pages(app):
        text = page.read_text(encoding="utf-8")

        def wrap(match: re.Match[str], page: Path = page) -> str:
            image = (page.parent / match["src"]).resolve()
            if image not in made:
                made[image] = stacked_panels(image) if image.is_file() else None
            if made[image] is None:
                return match[0]
            stacked, widest = made[image]
            src = match["src"].rsplit("/", 1)[0] + "/" + stacked.name
            img = match[0].replace("<img ", "<img data-bml-stack ", 1)
            return (
                f'<picture><source media="(max-width: {widest}px)" srcset="{src}" />'
                f"{img}</picture>"
            )

        fixed = _IMG.sub(wrap, text)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")


# --- the search index of an incremental build ---------------------------------------


def keep_index_entries(app: Sphinx, *args) -> list:
    """The search index of an incremental build as a clean build writes it.

    Sphinx 7.4's ``IndexBuilder.load`` restores the index of the pages this build
    did not write but not their index entries (the glossary's terms): they are
    read back here from the index being replaced, in page order. And a word no
    page has any more is dropped (Sphinx kept it, with no page)."""
    indexer = getattr(app.builder, "indexer", None)
    path = Path(app.outdir) / getattr(app.builder, "searchindex_filename", "-")
    if indexer is None or not path.is_file():
        return []
    with open(path, encoding="utf-8") as file:
        frozen = app.builder.indexer_format.load(file)
    entries, kept = indexer._index_entries, {}
    for entry, places in frozen.get("indexentries", {}).items():
        for page, target, main in places:
            docname = frozen["docnames"][page]
            if docname in indexer._titles and docname not in entries:
                kept.setdefault(docname, []).append((entry, target, main * "main"))
    indexer._index_entries = dict(sorted((entries | kept).items()))
    for words in (indexer._mapping, indexer._title_mapping):
        for word in [word for word, pages in words.items() if not pages]:
            del words[word]
    return []


# --- the execution report ------------------------------------------------------------

#: MyST-NB's ``{nb-exec-table}`` header, and what the book's table says instead.
_EXEC_HEADER = ["Document", "Modified", "Method", "Run Time (s)", "Status"]
_EXEC_READER = ["Chapter", "Last executed", "Method", "Run time (s)", "Status"]
#: Its status is an emoji, an empty box without an emoji font: a word instead.
_EXEC_STATUS = {"\u2705": "passed", "\u274c": "failed"}


class ExecutionReportWords(SphinxPostTransform):
    """MyST-NB's execution table with chapter titles and statuses in words."""

    default_priority = 20  # after MyST-NB fills the table and references resolve

    def run(self, **kwargs) -> None:
        for table in list(self.document.findall(nodes.table)):
            head = next(table.findall(nodes.thead), None)
            if head is None or [e.astext() for e in head.findall(nodes.entry)] != (
                _EXEC_HEADER
            ):
                continue
            for entry, word in zip(
                head.findall(nodes.entry), _EXEC_READER, strict=True
            ):
                entry.replace_self(nodes.entry("", nodes.paragraph(text=word)))
            body = next(table.findall(nodes.tbody))
            for row in body.findall(nodes.row):
                entries = list(row.findall(nodes.entry))
                self._title(entries[0])
                for text in list(entries[-1].findall(nodes.Text)):
                    word = _EXEC_STATUS.get(text.astext().strip())
                    if word:
                        text.parent.replace(text, nodes.Text(word))

    def _title(self, entry: nodes.entry) -> None:
        """The document's name in the first column becomes its title."""
        for text in list(entry.findall(nodes.Text)):
            docname = text.astext().strip()
            if docname in self.env.titles:
                title = self.env.titles[docname].astext()
                text.parent.replace(text, nodes.Text(title))


def _execution_data(env) -> dict:
    return {d: m.get("exec_data") for d, m in getattr(env, "nb_metadata", {}).items()}


def note_execution_data(app: Sphinx, env, added, changed, removed) -> list:
    app.bml_execution_data = _execution_data(env)
    return []


def keep_execution_report(app: Sphinx, env) -> list:
    """MyST-NB writes the execution report again whenever it read a notebook page
    (a prose edit): only when a chapter's execution data changed, here."""
    if getattr(app, "bml_execution_data", None) == _execution_data(env):
        env.nb_new_exec_data = False
    return []


# --- notebook downloads and launch links -------------------------------------------


def _executed_notebook(app: Sphinx, pagename: str) -> Path:
    return Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"


def executed_notebook(app: Sphinx, pagename: str) -> nbformat.NotebookNode:
    """The page's notebook with the outputs the page shows.

    MyST-NB writes ``jupyter_execute/<page>.ipynb``, but in ``cache`` mode it writes
    the notebook before the cached outputs are merged in, so they are merged here,
    from the same cache, as MyST-NB does for the page.
    """
    nb = nbformat.read(_executed_notebook(app, pagename), as_version=4)
    if app.config.nb_execution_mode == "cache":
        from jupyter_cache import get_cache

        path = Path(app.config.nb_execution_cache_path or "")
        if not path.is_absolute():
            path = Path(app.srcdir) / path
        try:
            _, nb = get_cache(path).merge_match_into_notebook(nb)
        except KeyError:  # not executed (excluded from execution): as MyST-NB has it
            LOGGER.info(f"{pagename}: no cached execution, notebook offered as is")
    return nb


def _is_chapter(app: Sphinx, pagename: str) -> bool:
    return bool(bml_notebooks.CHAPTER_NAME.match(Path(pagename).name)) and (
        "kernelspec" in app.env.metadata.get(pagename, {})
    )


def offer_notebook(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Ask the theme for a '.ipynb' entry in the chapter's download menu."""
    if _is_chapter(app, pagename) and _executed_notebook(app, pagename).exists():
        context["ipynb_source"] = f"{pagename}.ipynb"


def write_notebook_and_fix_launch_links(
    app: Sphinx, pagename, templatename, context, doctree
) -> None:
    """Write the reader notebook the menu offers; point launch buttons at notebooks/."""
    if not _is_chapter(app, pagename) or "ipynb_source" not in context:
        return
    repo_url = app.config.html_theme_options.get("repository_url", "").rstrip("/")
    executed = executed_notebook(app, pagename)
    notebook = bml_notebooks.reader_notebook(
        executed, repo_url, pagename, Path(app.srcdir)
    )
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, target)

    theme_path = f"{pagename}{Path(app.env.doc2path(pagename)).suffix}"
    ours = bml_notebooks.repo_notebook_path(pagename)
    for group in context.get("header_buttons", []):
        if group.get("label") != "launch-buttons":
            continue
        for button in group["buttons"]:
            if button.get("type") != "link":
                continue
            if theme_path not in button["url"]:
                raise ExtensionError(
                    f"cannot point the {button.get('text')} button of {pagename} at "
                    f"{ours}: its URL {button['url']} does not name {theme_path}"
                )
            button["url"] = button["url"].replace(theme_path, ours)


def tidy_scripts(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Each script once, no Thebe unless its launch button is on, no MathJax on a
    page without math (MyST-NB asks for it on every page; it weighs 1.1 MB).

    sphinx-thebe declares ``const THEBE_JS_URL`` in an inline script that can end up
    twice on a page, and the second declaration throws. Without the Thebe button
    (``launch_buttons.thebe``) nothing on the page uses Thebe, and its scripts only
    name a CDN: they are left out.
    """
    launch = app.config.html_theme_options.get("launch_buttons") or {}
    thebe = bool(launch.get("thebe"))
    # the page's own math (has_equations() also counts the pages of its toctree)
    domain = app.env.get_domain("math")
    math = domain.data["has_equations"].get(pagename, False)
    if app.builder.name == "singlehtml":  # the whole book on one page (the PDF)
        math = domain.has_equations()
    seen, kept = set(), []
    for script in context.get("script_files", []):
        name = getattr(script, "filename", None) or str(script) or ""
        body = (getattr(script, "attributes", None) or {}).get("body", "")
        if not thebe and ("THEBE_JS_URL" in body or "sphinx-thebe.js" in name):
            continue
        if not math and (
            name.endswith(app.config.mathjax_path) or body.startswith("window.MathJax")
        ):
            continue
        if (name, body) in seen:
            continue
        seen.add((name, body))
        kept.append(script)
    context["script_files"] = kept


#: Names that contradict a control's visible text (axe: label-content-name-mismatch,
#: a WCAG 2.5.3 failure): the theme's search button is named "Search" but shows
#: "Search Ctrl+K"; the colour-mode icons carry titles that become text inside a
#: button named "Color mode"; MyST-NB names each "Show code cell source" toggle
#: "Toggle hidden content". Without the attribute, the name is the visible text.
_NAME_FIXES = [
    (
        re.compile(
            r'(<button class="btn search-button-field[^>]*?)\s+aria-label="[^"]*"'
        ),
        r"\1",
    ),
    (
        re.compile(r'(<i class="theme-switch [^"]*" data-mode="\w+")\s+title="[^"]*"'),
        r"\1",
    ),
    (re.compile(r'<summary aria-label="Toggle hidden content">'), "<summary>"),
]


#: The theme loads Font Awesome twice: as a web font from its style sheet, which
#: draws every icon of the page, and as ``fontawesome.js`` (1.5 MB, every page), which
#: redraws them as SVG and is there "so that users can add custom icons", which this
#: book does not. The script is left out.
_WEIGHT_FIXES = [
    (
        re.compile(
            r'\s*<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*">'
            r"</script>"
        ),
        "",
    ),
]


def fix_accessible_names(app: Sphinx, exception: Exception | None) -> None:
    """Apply :data:`_NAME_FIXES` and :data:`_WEIGHT_FIXES` to every page written
    (idempotent)."""
    if exception is not None or app.builder.format != "html":
        return
    for path in written_pages(app):
        text = path.read_text(encoding="utf-8")
        fixed = text
        for pattern, replacement in _NAME_FIXES + _WEIGHT_FIXES:
            fixed = pattern.sub(replacement, fixed)
        if fixed != text:
            path.write_text(fixed, encoding="utf-8")


def logo_text(app: Sphinx, config) -> None:
    """The book's title beside the logo, and the logo's alt text.

    (Set here: a ``html_theme_options`` under ``sphinx: config:`` in ``_config.yml``
    would replace, not extend, the options Jupyter Book derives from its own keys.)
    """
    title = config.html_title or config.project
    logo = config.html_theme_options.setdefault("logo", {})
    logo.setdefault("text", title)
    logo.setdefault("alt_text", f"{title}, home page")


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", logo_text)
    app.connect("builder-inited", check_mathjax)
    app.connect("build-finished", copy_mathjax)
    app.connect("html-page-context", note_written_page)
    app.connect("build-finished", fix_accessible_names)
    app.connect("build-finished", stack_panels)
    app.add_node(key_figure, html=(visit_key_figure, None))
    app.add_directive("chapter-cards", ChapterCards)
    app.add_directive("bml-key-figure", KeyFigure)
    app.add_post_transform(ExecutionReportWords)
    app.connect("env-get-outdated", note_execution_data)
    app.connect("env-updated", keep_execution_report, priority=400)  # MyST-NB: 500
    app.add_js_file("bml-search.js", loading_method="defer")  # search snippets
    app.connect("env-purge-doc", purge_card_page)
    app.connect("env-merge-info", merge_card_pages)
    app.connect("env-get-outdated", reread_card_pages)
    app.connect("doctree-read", note_key_figure, priority=900)  # images collected
    app.connect("env-before-read-docs", note_key_figures_before)
    app.connect("env-get-updated", rewrite_card_pages)
    app.connect("doctree-resolved", fill_key_figures)
    app.connect("html-collect-pages", keep_index_entries)  # before the index is written
    app.connect("html-page-context", tidy_scripts, priority=900)
    app.connect("html-page-context", offer_notebook, priority=500)
    app.connect("html-page-context", write_notebook_and_fix_launch_links, priority=600)
    # 1: the key figures are kept in the environment as attributes, not addresses
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
