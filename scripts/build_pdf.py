"""Build the book as PDFs: the whole book and each page of ``_toc.yml`` on its own.

``make pdf`` runs this after ``make html`` (README: "The book as a PDF"). Sphinx's
single-page builder writes the book into one HTML file from the outputs ``make html``
cached (a stale chapter stops this script: it executes nothing); Chromium, driven by
Playwright, opens it, waits for MathJax, adds a title page and a table of contents,
and prints it: twice, as the first print tells (``pdfinfo -dests``) on which page each
contents entry landed (a third print if they moved). Then each page after the front
page is printed alone. ``_build/pdf/stamp`` records the fingerprint of the inputs
printed, and the site's stamp is dropped: the next ``make html`` writes every page
again, and ``book/_ext/bml_pdf.py`` links the PDFs when that fingerprint is its own.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "scripts"), str(ROOT / "book" / "_ext")]
import bml_notebooks  # noqa: E402

import book_deps  # noqa: E402

BUILD = ROOT / "_build"
OUT = BUILD / "pdf"
SINGLE = OUT / "singlehtml"
DOCTREES = OUT / ".doctrees"
PDF_NAME = "basics-of-machine-learning.pdf"
PDF = OUT / PDF_NAME
#: The fingerprint of the inputs the PDFs were printed from (book/_ext/bml_pdf.py).
STAMP = OUT / "stamp"
SITE_STAMP = BUILD / ".book-exec" / "stamp"  # scripts/build.py's
#: What the Makefile checks for and tells to run (Debian's chromium, poppler-utils).
APT_LINE = "sudo apt-get update && sudo apt-get install -y chromium poppler-utils"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu"]
#: Page margins; tests/test_pdf.py checks that no text crosses the right one.
MARGIN_MM = {"top": 16, "bottom": 18, "left": 18, "right": 18}


def say(message: str) -> None:
    print(f"[pdf] {message}", flush=True)


def check_cache_is_fresh() -> None:
    """Stop unless every chapter's outputs in the jupyter-cache are current: the PDF
    shows what ``make html`` executed, and this script executes nothing."""
    from jupyter_cache import get_cache

    import build

    config = book_deps.load_config(ROOT)
    execute = config.get("execute") or {}
    cache = get_cache(str(ROOT / (execute.get("cache") or "_build/.jupyter_cache")))
    stale = [c.docname for c in build.analyse(config, cache) if c.stale]
    if stale:
        raise SystemExit(
            "[pdf] these chapters have no current outputs in the cache: "
            + ", ".join(stale)
            + ". Run `make html` first (`make pdf` does)."
        )


def build_single_page() -> Path:
    """Sphinx's singlehtml build of the book, strict, with its own doctrees."""
    from jupyter_book.sphinx import build_sphinx

    started = time.perf_counter()
    result = build_sphinx(
        ROOT,
        SINGLE,
        noconfig=True,
        path_config=str(ROOT / "_config.yml"),
        confoverrides={
            "nitpicky": True,
            "external_toc_path": str(ROOT / "_toc.yml"),
            "latex_individualpages": False,
        },
        doctreedir=DOCTREES,
        builder="singlehtml",
        warningiserror=True,
        keep_going=True,
        quiet=True,
    )
    if result != 0:
        raise SystemExit("[pdf] the single-page build failed (warnings above)")
    say(f"single-page HTML in {time.perf_counter() - started:.1f} s")
    # Sphinx writes the page as the root document (book/intro.html) but with every
    # address relative to the output folder: it is read from there.
    page = SINGLE / "book.html"
    shutil.copy2(SINGLE / f"{book_info()['root']}.html", page)
    return page


# Applied to the single page before printing: paper, fonts, what only the site needs.
PRINT_CSS = """
@page { size: A4; }
html { font-size: 10.5pt !important; }
body { background: white !important; }
.bd-header, .bd-sidebar-primary, .bd-sidebar-secondary, .bd-header-article,
.bd-footer, .bd-footer-article, .bd-footer-content, .prev-next-area, .bml-web-only,
.bml-cards, #jb-print-docs-body, .headerlink, details.hide.above-input,
.bml-animation__controls, .toctree-wrapper > ul, #pst-back-to-top,
.search-button-field, .skip-link,
.sidebar-toggle { display: none !important; }
.bd-main, .bd-content, .bd-article-container, .bd-article, .bd-page-width {
  max-width: none !important; width: 100% !important; margin: 0 !important;
  padding: 0 !important; flex: none !important; }
.bd-container, .bd-container__inner { display: block !important;
  max-width: none !important; }
pre, .highlight pre, .output pre { overflow: visible !important;
  font-size: 8.4pt !important; line-height: 1.3 !important;
  white-space: pre !important; }
div.highlight, .cell_output { overflow: visible !important; }
/* A printed output longer than the page is wide wraps (a listing does not: a test
   fails on it). */
.cell_output pre { white-space: pre-wrap !important; overflow-wrap: anywhere; }
figure, .cell_output img, table, pre { break-inside: avoid; }
.bml-pdf-long { break-inside: auto !important; }
h1, h2, h3, h4 { break-after: avoid; margin-top: 0 !important;
  padding-top: 1.2rem; }
span[id^="document-"] + section, .bml-pdf-title + * { break-before: page; }
img { max-width: 100% !important; height: auto !important; }
span[id^="document-"] + section > h2 { font-size: 2.1rem; margin-bottom: 1rem; }
span[id^="document-"] + section > section > h3 { font-size: 1.45rem; }
.bml-pdf-title { height: 245mm; display: flex; flex-direction: column;
  justify-content: center; text-align: center; }
.bml-pdf-title .bml-pdf-book { font-size: 2.6rem; font-weight: 600;
  margin-bottom: 2rem; line-height: 1.2; }
.bml-pdf-title p { margin: 0.3rem 0; }
.bml-pdf-toc { break-before: page; break-after: page; }
.bml-pdf-heading { font-size: 2.1rem; margin-bottom: 1rem; }
.bml-pdf-toc ol { list-style: none; padding-left: 0; }
.bml-pdf-toc li { margin: 0.15rem 0; }
.bml-pdf-toc li.bml-sub { padding-left: 1.5rem; font-size: 0.92em; }
.bml-pdf-toc li.bml-chapter { margin-top: 0.6rem; font-weight: 600; }
.bml-pdf-toc a { display: flex; color: inherit !important; text-decoration: none; }
.bml-pdf-toc a .bml-leader { flex: 1; border-bottom: 1px dotted #888;
  margin: 0 0.4em 0.3em; }
figcaption, figcaption * { color: #333 !important; opacity: 1 !important; }
dt { break-after: avoid; }
.bml-pdf-note { font-style: italic; font-size: 0.92em; }
.bml-pdf-hidden { display: none !important; }
"""

# Title page, table of contents, still animations, open solutions.
PREPARE_JS = """
(info) => {
  document.documentElement.dataset.theme = 'light';
  document.documentElement.dataset.mode = 'light';
  const article = document.querySelector('article.bd-article') || document.body;
  // Links to the single page itself become links inside the PDF.
  document.querySelectorAll('a[href]').forEach(a => {
    const href = a.getAttribute('href');
    if (href.startsWith(info.root + '.html#')) {
      a.setAttribute('href', href.slice(href.indexOf('#')));
    }
  });
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  // A listing longer than about half a page may break across pages.
  document.querySelectorAll('pre').forEach(pre => {
    if (pre.textContent.split('\\n').length <= 30) return;
    for (let b = pre; b && b.tagName !== 'SECTION'; b = b.parentElement) {
      b.classList.add('bml-pdf-long');
    }
  });
  // Emoji have no glyph in the print fonts (the execution report's status).
  const marks = {'\u2705': '\u2713', '\u274c': '\u2717'};
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode()); ) {
    const t = node.nodeValue.replace(/[\u2705\u274c]/g, c => marks[c]);
    if (t !== node.nodeValue) node.nodeValue = t;
  }
  const text = h => [...h.childNodes]
    .filter(n => !(n.classList && n.classList.contains('headerlink')))
    .map(n => n.textContent).join('').replace(/\\s+/g, ' ').trim();
  // Each page of _toc.yml: the root page first, then the ones Sphinx inlined.
  const pages = [{doc: info.root, section: article.querySelector('section')}];
  document.querySelectorAll('span[id^="document-"]').forEach(span => {
    const section = span.nextElementSibling;
    if (section && section.tagName === 'SECTION') {
      pages.push({doc: span.id.slice('document-'.length), section});
    }
  });
  // Animations: the still frame the player shows, and where to watch it.
  // (the root page holds the others: the innermost page an animation is in wins)
  for (const {doc, section} of [...pages].reverse()) {
    section.querySelectorAll('.bml-animation:not(.bml-pdf-still)').forEach(anim => {
      anim.classList.add('bml-pdf-still');
      const url = info.baseurl + doc + '.html';
      const note = document.createElement('p');
      note.className = 'bml-pdf-note';
      note.innerHTML = 'This figure is an animation; the PDF shows its last ' +
        'frame. Watch it play at <a href="' + url + '">' + url + '</a>.';
      anim.appendChild(note);
    });
  }
  let n = 0;
  const entries = [];
  const anchor = heading => {
    const a = document.createElement('a');
    a.id = 'bml-toc-' + (n++);
    heading.prepend(a);
    return a.id;
  };
  for (const {section} of pages) {
    // Sphinx nests the inlined pages in the root page: their titles are h2.
    const headings = ':scope > :is(h1, h2, h3, h4)';
    const title = section.querySelector(headings);
    if (!title) continue;
    if (title.getClientRects().length) {
      entries.push({cls: 'bml-chapter', id: anchor(title), title: text(title)});
    } else {  // the front page's title, hidden: the title page shows it
      entries.push({cls: 'bml-chapter', id: anchor(section), title: 'Introduction'});
    }
    section.querySelectorAll(':scope > section').forEach(sub => {
      const h = sub.querySelector(headings);
      if (h) entries.push({cls: 'bml-sub', id: anchor(h), title: text(h)});
    });
  }
  const esc = s => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const toc = document.createElement('nav');
  toc.className = 'bml-pdf-toc';
  toc.innerHTML = '<p class="bml-pdf-heading">Contents</p><ol>' + entries.map(e =>
    '<li class="' + e.cls + '"><a href="#' + e.id + '"><span>' + esc(e.title) +
    '</span><span class="bml-leader"></span><span class="bml-page" data-target="' +
    e.id + '">000</span></a></li>').join('') + '</ol>';
  const title = document.createElement('section');
  title.className = 'bml-pdf-title';
  title.innerHTML = '<p class="bml-pdf-book">' + esc(info.title) + '</p>' +
    '<p>' + esc(info.author) + '</p>' +
    '<p>Built from revision ' + esc(info.revision) + ' of ' + esc(info.date) +
    '</p><p>Read it online, with its animations: <a href="' + info.baseurl +
    '">' + info.baseurl + '</a></p><p>' + info.licence + '</p>';
  article.prepend(toc);
  article.prepend(title);
  return {entries, docs: pages.map(p => p.doc)};
}
"""

# One page of _toc.yml alone, for its own PDF: the rest hidden, links to the other
# pages pointed at the site, a line saying where it comes from and its licence.
CHAPTER_JS = """
(info) => {
  document.querySelectorAll('.bml-pdf-hidden')
    .forEach(e => e.classList.remove('bml-pdf-hidden'));
  document.querySelectorAll('.bml-pdf-from').forEach(e => e.remove());
  const section = document.getElementById('document-' + info.doc).nextElementSibling;
  for (let el = section; el !== document.body; el = el.parentElement) {
    for (const sib of el.parentElement.children) {
      if (sib !== el) sib.classList.add('bml-pdf-hidden');
    }
  }
  const pageOf = el => {
    for (; el; el = el.parentElement) {
      const span = el.previousElementSibling;
      if (span && span.id.startsWith('document-')) return span.id.slice(9);
    }
    return info.root;
  };
  document.querySelectorAll('a[href^="#"], a[data-bml-href]').forEach(a => {
    const href = a.dataset.bmlHref ??= a.getAttribute('href');
    const id = decodeURIComponent(href.slice(1));
    if (!id || section.querySelector('[id="' + CSS.escape(id) + '"]')) {
      a.setAttribute('href', href);
    } else if (id.startsWith('document-')) {
      a.setAttribute('href', info.baseurl + id.slice(9) + '.html');
    } else {
      const doc = pageOf(document.getElementById(id));
      a.setAttribute('href', info.baseurl + doc + '.html' + href);
    }
  });
  const url = info.baseurl + info.doc + '.html';
  const note = document.createElement('p');
  note.className = 'bml-pdf-note bml-pdf-from';
  note.innerHTML = 'From <a href="' + info.baseurl + '">' + info.title + '</a>, ' +
    'revision ' + info.revision + ' of ' + info.date + '; online at <a href="' +
    url + '">' + url + '</a>. ' + info.licence;
  section.querySelector(':scope > h2').after(note);
}
"""

FILL_JS = """
(pages) => {
  document.querySelectorAll('.bml-page').forEach(span => {
    span.textContent = String(pages[span.dataset.target] ?? '?');
  });
}
"""

FOOTER = (
    '<div style="font-size:9px;width:100%;text-align:center;color:#555;">'
    '<span class="pageNumber"></span></div>'
)


def _run(*args, check: bool = True) -> str:
    return subprocess.run(
        args, cwd=ROOT, capture_output=True, text=True, check=check
    ).stdout


def destinations(pdf: Path) -> dict[str, int]:
    """The page (from 1) of each named destination of ``pdf``."""
    dests = re.findall(
        r'^\s*(\d+)\s+\[.*\]\s+"(.*)"\s*$', _run("pdfinfo", "-dests", pdf), re.M
    )
    return {name: int(page) for page, name in dests}


def book_info() -> dict:
    config = book_deps.load_config(ROOT)
    commit = _run("git", "log", "-1", "--format=%h %cs", check=False).split()
    revision, date = commit if len(commit) == 2 else ("unknown", "unknown")
    return {
        "title": config["title"],
        "author": config["author"],
        "baseurl": config["html"]["baseurl"],
        "root": bml_notebooks.toc_files(ROOT)[0],
        "revision": revision,
        "date": date,
        "licence": (
            "Text and figures: Creative Commons Attribution 4.0 International "
            "(CC BY 4.0). Code: MIT License."
        ),
    }


def print_pdfs(index: Path) -> tuple[int, int]:
    """Print the single page to ``PDF``, then each page of the book after the first to
    ``OUT/<docname>.pdf``; returns the book's pages and contents entries."""
    from playwright.sync_api import sync_playwright

    started = time.perf_counter()
    margin = {side: f"{mm}mm" for side, mm in MARGIN_MM.items()}
    options = dict(
        format="A4",
        margin=margin,
        print_background=True,
        display_header_footer=True,
        header_template="<span></span>",
        footer_template=FOOTER,
        outline=True,
        tagged=True,
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport={"width": 794, "height": 1123})
        page.emulate_media(media="print", color_scheme="light")
        page.goto(index.resolve().as_uri(), wait_until="load")  # file:// suffices
        # Every equation typeset before printing.
        page.wait_for_function(
            "() => window.MathJax && MathJax.startup && MathJax.startup.promise"
        )
        page.evaluate("() => MathJax.startup.promise")
        page.add_style_tag(content=PRINT_CSS)
        info = book_info()
        prepared = page.evaluate(PREPARE_JS, info)
        entries = prepared["entries"]
        untypeset = page.evaluate(
            "() => [...document.querySelectorAll('.math')]"
            ".filter(m => !m.querySelector('mjx-container')).length"
        )
        if untypeset:
            raise SystemExit(f"[pdf] {untypeset} equations were not typeset")
        draft = PDF.with_name("draft.pdf")  # kept when a check fails
        pages: dict[str, int] = {}
        for _ in range(3):
            page.evaluate(FILL_JS, pages)
            page.pdf(path=str(draft), **options)
            found = destinations(draft)
            landed = {k: v for k, v in found.items() if k.startswith("bml-toc-")}
            lost = [e["title"] for e in entries if e["id"] not in landed]
            if lost:
                raise SystemExit(f"[pdf] not printed: {', '.join(lost)}")
            if landed == pages:
                break
            pages = landed
        else:
            raise SystemExit("[pdf] the contents' page numbers do not settle")
        shutil.move(draft, PDF)
        say(f"the book printed in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        for doc in prepared["docs"][1:]:
            page.evaluate(CHAPTER_JS, {**info, "doc": doc})
            (OUT / doc).parent.mkdir(parents=True, exist_ok=True)
            page.pdf(path=str(OUT / f"{doc}.pdf"), **options)
        say(
            f"{len(prepared['docs']) - 1} pages of the book printed alone "
            f"in {time.perf_counter() - started:.1f} s"
        )
        browser.close()
    count = re.search(r"^Pages:\s+(\d+)", _run("pdfinfo", PDF), re.MULTILINE)[1]
    return int(count), len(entries)


def main() -> int:
    started = time.perf_counter()
    os.chdir(ROOT)
    check_cache_is_fresh()
    stamp = book_deps.tree_stamp(ROOT)  # the inputs printed, as scripts/build.py
    OUT.mkdir(parents=True, exist_ok=True)
    STAMP.unlink(missing_ok=True)  # until every PDF is printed
    index = build_single_page()
    pages, entries = print_pdfs(index)
    STAMP.write_text(stamp)
    SITE_STAMP.unlink(missing_ok=True)  # the site's pages do not link these PDFs yet
    size = PDF.stat().st_size
    say(
        f"{PDF.relative_to(ROOT)}: {pages} pages, {entries} contents entries, "
        f"{size / 1e6:.1f} MB, built in {time.perf_counter() - started:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
