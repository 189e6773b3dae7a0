"""The book as one PDF (``make pdf``, ``scripts/build_pdf.py``), and its licences.

The PDF is built here when it is missing or older than the site in ``_build/html``
(``make test`` builds the site first) or than the script, from the outputs the site's
build executed. It is read with Debian's poppler-utils (``pdftotext``, ``pdfinfo``,
``pdfimages``) and compared with the HTML of ``_build/html``. Without Chromium or
poppler-utils these tests are skipped with the install line, except under CI
(``CI=true``), where that is a failure.
"""

from __future__ import annotations

import fcntl
import functools
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

REPO = Path(__file__).resolve().parents[1]
HTML = REPO / "_build" / "html"
SCRIPT = REPO / "scripts" / "build_pdf.py"
sys.path.insert(0, str(SCRIPT.parent))

import build_pdf  # noqa: E402

TOOLS = ("chromium", "pdfinfo", "pdftotext", "pdfimages")
CONFIG = yaml.safe_load((REPO / "_config.yml").read_text(encoding="utf-8"))
TOC = yaml.safe_load((REPO / "_toc.yml").read_text(encoding="utf-8"))
ROOT_DOC = str(Path(TOC["root"]).with_suffix(""))
#: The pages of the book in the order of _toc.yml, the front page first.
DOCS = [ROOT_DOC] + [str(Path(c["file"]).with_suffix("")) for c in TOC["chapters"]]
PT_PER_MM = 72 / 25.4


def _run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def pdf() -> Path:
    """The PDF, built now unless it is newer than the site and the script."""
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        message = f"the PDF needs {', '.join(missing)}: {build_pdf.APT_LINE}"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    if not (HTML / "index.html").is_file():
        pytest.fail("no site in _build/html: run `make html` first", pytrace=False)
    build_pdf.OUT.mkdir(parents=True, exist_ok=True)
    # pytest-xdist may run these tests in two workers: one builds, the other waits.
    with open(build_pdf.OUT / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        # The site's build writes its stamp after every build that ran Sphinx.
        stamp = REPO / "_build" / ".book-exec" / "stamp"
        inputs = [stamp if stamp.is_file() else HTML / "index.html", SCRIPT]
        newest = max(path.stat().st_mtime for path in inputs)
        if not build_pdf.PDF.is_file() or build_pdf.PDF.stat().st_mtime < newest:
            subprocess.run([sys.executable, str(SCRIPT)], cwd=REPO, check=True)
    return build_pdf.PDF


@pytest.fixture(scope="module")
def pages(pdf) -> list[str]:
    """The text of each page, whitespace collapsed."""
    text = _run("pdftotext", "-enc", "UTF-8", str(pdf), "-")
    return [" ".join(page.split()) for page in text.split("\f")[:-1]]


@functools.lru_cache
def _soup(doc: str) -> BeautifulSoup:
    return BeautifulSoup(
        (HTML / f"{doc}.html").read_text(encoding="utf-8"), "html.parser"
    )


def _title(doc: str) -> str:
    h1 = _soup(doc).select_one("article h1")
    for link in h1.select(".headerlink"):
        link.decompose()
    return " ".join(h1.get_text().split())


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def chapter_pages(pages: list[str]) -> dict[str, int]:
    """Index of the page each page of the book after the front page starts on: the
    first page after the contents that begins with its title, in _toc.yml order."""
    contents = next(i for i, p in enumerate(pages) if p.startswith("Contents"))
    starts, at = {}, contents + 1
    for doc in DOCS[1:]:
        title = _title(doc)
        found = next(
            (i for i in range(at, len(pages)) if pages[i].startswith(title)), None
        )
        assert found is not None, f"no page after page {at + 1} starts with {title!r}"
        starts[doc] = at = found
    return starts


def test_page_count_is_plausible(pdf):
    info = _run("pdfinfo", str(pdf))
    count = int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))
    words = sum(
        len(_soup(doc).select_one("article").get_text().split()) for doc in DOCS
    )
    figures = sum(len(_soup(doc).select("figure")) for doc in DOCS[1:])
    # A title page, the contents, a new page per chapter; at most a page per 200
    # words and one per figure (the text runs at 400 to 600 words a page).
    assert 2 + len(DOCS) <= count <= 2 + len(DOCS) + words // 200 + figures, (
        f"{count} pages for {words} words and {figures} figures"
    )


def test_every_page_of_the_book_in_toc_order(pages):
    starts = chapter_pages(pages)
    assert list(starts.values()) == sorted(starts.values())
    assert _title(ROOT_DOC) in pages[0], "the title page shows the book's title"


def test_glued_numbers_equal_the_sites(pages):
    starts = chapter_pages(pages)
    bounds = list(starts.values()) + [len(pages)]
    checked = 0
    for (doc, first), last in zip(starts.items(), bounds[1:], strict=True):
        text = _squeeze(" ".join(pages[first:last]))
        for span in _soup(doc).select("span.pasted-text"):
            glued = _squeeze(span.get_text())
            assert glued in text, f"{doc}: glued {glued!r} is not in the PDF's chapter"
            checked += 1
    assert checked >= 20, f"only {checked} glued values in the book"


def test_no_tex_is_left_untypeset(pages):
    """MathJax typeset every equation before printing: no TeX delimiters remain."""
    raw = re.compile(r"\\\(|\\\)|\\\[|\\\]|\$\$|\\begin\{")
    left = [
        (number, m.group())
        for number, page in enumerate(pages, 1)
        for m in raw.finditer(page)
    ]
    assert left == [], f"TeX left as text on pages {left[:10]}"


def test_every_figure_is_an_embedded_image(pdf):
    listing = _run("pdfimages", "-list", str(pdf)).splitlines()[2:]
    images = sum(1 for row in listing if row.split()[2] == "image")
    figures = sum(
        len(_soup(doc).select("figure img, .cell_output img")) for doc in DOCS[1:]
    )
    assert figures >= 10
    assert images >= figures, f"{images} images in the PDF for {figures} figures"


#: An outline item (bookmark) as Chromium writes it: a plain object, title first.
OUTLINE_ITEM = re.compile(rb"<</Title (\((?:[^()\\]|\\.)*\)|<[0-9A-Fa-f]*>)\s*/Dest ")


def _pdf_string(raw: bytes) -> str:
    if raw.startswith(b"<"):
        data = bytes.fromhex(raw[1:-1].decode("ascii"))
    else:
        data = re.sub(rb"\\(.)", rb"\1", raw[1:-1])
    if data.startswith(b"\xfe\xff"):
        return data[2:].decode("utf-16-be")
    return data.decode("latin-1")


def test_bookmarks_name_every_chapter_once(pdf):
    titles = [_pdf_string(m.group(1)) for m in OUTLINE_ITEM.finditer(pdf.read_bytes())]
    assert len(titles) >= len(DOCS), f"{len(titles)} bookmarks"
    for doc in DOCS[1:]:
        assert _title(doc) in titles, f"no bookmark for {doc}"
    # A heading at the top of a page once came out twice in its bookmark.
    doubled = [t for t in titles if len(t) % 2 == 0 and t[: len(t) // 2] * 2 == t]
    assert doubled == []


def test_cross_references_are_links_inside_the_pdf(pdf):
    """Every figure and glossary term the site links to is a named destination of
    the PDF (Chromium makes one for each link target it printed), and no link
    points back at the local server the book was printed from."""
    targets = set()
    for doc in DOCS:
        for link in _soup(doc).select("a.reference.internal[href*='#']"):
            fragment = link["href"].split("#", 1)[1]
            if fragment.startswith(("fig-", "term-")):
                targets.add(fragment)
    assert len(targets) >= 10
    destinations = build_pdf.destinations(pdf)
    assert sorted(targets - destinations.keys()) == []
    assert b"127.0.0.1" not in pdf.read_bytes()


def test_no_text_runs_past_the_margins(pdf):
    """Code lines (and any other text) stay inside the page box: the print style
    lets a too-long line overflow visibly instead of clipping it."""
    layout = _run("pdftotext", "-bbox", str(pdf), "-")
    left = build_pdf.MARGIN_MM["left"] * PT_PER_MM - 0.5
    outside = []
    for number, page in enumerate(re.findall(r"<page (.*?)</page>", layout, re.S), 1):
        width = float(re.match(r'width="([\d.]+)"', page).group(1))
        right = width - build_pdf.MARGIN_MM["right"] * PT_PER_MM + 0.5
        for x_min, x_max, word in re.findall(
            r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" '
            r'yMax="[\d.]+">(.*?)</word>',
            page,
        ):
            if float(x_min) < left or float(x_max) > right:
                outside.append(f"page {number}: {word!r}")
    assert outside == [], "text outside the margins: " + ", ".join(outside[:10])


def test_licences_citation_and_footer():
    citation = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["cff-version"] == "1.2.0"
    assert citation["title"] == CONFIG["title"]
    assert citation["url"] == CONFIG["html"]["baseurl"]
    assert citation["repository-code"] == CONFIG["repository"]["url"]
    assert citation["license"] == ["CC-BY-4.0", "MIT"]
    assert "MIT License" in (REPO / "LICENSE").read_text(encoding="utf-8")
    cc = (REPO / "LICENSE-CC-BY-4.0.txt").read_text(encoding="utf-8")
    assert cc.startswith("Creative Commons Attribution 4.0 International")
    if not (HTML / "index.html").is_file():
        pytest.fail("no site in _build/html: run `make html` first", pytrace=False)
    for doc in DOCS:
        footer = _soup(doc).select_one("footer .extra_footer")
        assert footer is not None, f"{doc}: no licence in the footer"
        assert "CC BY 4.0" in footer.get_text() and "MIT" in footer.get_text()
    front = _soup(ROOT_DOC)
    assert front.select_one(f'a[href="{build_pdf.PDF_NAME}"]'), "no PDF link"
    assert "How to cite" in front.get_text()
