"""The book as PDFs (``make pdf``, ``scripts/build_pdf.py``), and its licences.

The PDFs (the whole book, and each page of ``_toc.yml`` after the front page) are
built here unless ``_build/pdf/stamp`` says they were printed from the current inputs
(the fingerprint ``scripts/build.py`` compares), from the outputs the site's build
executed (``make test`` builds the site first). They are read with Debian's
poppler-utils (``pdftotext``, ``pdfinfo``, ``pdfimages``) and compared with the HTML
of ``_build/html``, which links them only when they are current. Without Chromium or
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

import book_deps  # noqa: E402
import build_pdf  # noqa: E402

TOOLS = ("chromium", "pdfinfo", "pdftotext", "pdfimages")
CONFIG = yaml.safe_load((REPO / "_config.yml").read_text(encoding="utf-8"))
#: The pages of the book in the order of _toc.yml, the front page first.
DOCS = build_pdf.bml_notebooks.toc_files(REPO)
ROOT_DOC = DOCS[0]
PT_PER_MM = 72 / 25.4
#: Download weights (MB): the whole book, and the largest page printed alone.
BUDGET_MB = {"book": 8.0, "page": 2.0}


def _run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def pdf() -> Path:
    """The whole book's PDF, all PDFs built now unless printed from these inputs."""
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
        stamp = build_pdf.STAMP
        if not stamp.is_file() or stamp.read_text() != book_deps.tree_stamp(REPO):
            subprocess.run([sys.executable, str(SCRIPT)], cwd=REPO, check=True)
    return build_pdf.PDF


def _page_texts(pdf: Path) -> list[str]:
    """The text of each page, whitespace collapsed."""
    text = _run("pdftotext", "-enc", "UTF-8", str(pdf), "-")
    return [" ".join(page.split()) for page in text.split("\f")[:-1]]


@pytest.fixture(scope="module")
def pages(pdf) -> list[str]:
    return _page_texts(pdf)


def _page_count(pdf: Path) -> int:
    info = _run("pdfinfo", str(pdf))
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))


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
    count = _page_count(pdf)
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


def _bookmarks(pdf: Path) -> list[str]:
    return [_pdf_string(m.group(1)) for m in OUTLINE_ITEM.finditer(pdf.read_bytes())]


def test_bookmarks_name_every_chapter_once(pdf):
    titles = _bookmarks(pdf)
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


@pytest.mark.parametrize("doc", [None, *DOCS[1:]])
def test_no_text_runs_past_the_margins(pdf, doc):
    """Code lines (and any other text) stay inside the page box, in the book and in
    each page's own PDF: the print style lets a too-long line overflow visibly
    instead of clipping it."""
    if doc is not None:
        pdf = build_pdf.OUT / f"{doc}.pdf"
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
    assert "How to cite" in _soup(ROOT_DOC).get_text()


def _check_page_pdf(path: Path, doc: str) -> None:
    """``path`` opens and holds the page ``doc`` of the book and no other page."""
    assert _page_count(path) >= 1, f"{path} has no page"
    texts = _page_texts(path)
    assert texts[0].startswith(_title(doc)), f"{path} opens with {texts[0][:80]!r}"
    marks = _bookmarks(path)
    assert _title(doc) in marks, f"{path}: bookmarks {marks}"
    others = [_title(d) for d in DOCS[1:] if d != doc and _title(d) != _title(doc)]
    assert not set(others) & set(marks), f"{path} bookmarks other pages: {marks}"
    assert b"127.0.0.1" not in path.read_bytes()


def test_each_page_printed_alone_is_that_page(pdf, pages):
    """Each page of the book after the front page has its own PDF: it opens with
    the page's title, holds as many pages as the page takes in the book, give or
    take one (a line under the title says where it comes from, which may move a
    figure kept whole to another page), and not the next page's opening; its links
    to other pages lead to the site."""
    starts = chapter_pages(pages)
    bounds = [*starts.values(), len(pages)]
    for (doc, first), end in zip(starts.items(), bounds[1:], strict=True):
        path = build_pdf.OUT / f"{doc}.pdf"
        _check_page_pdf(path, doc)
        count = _page_count(path)
        assert abs(count - (end - first)) <= 1, (
            f"{doc}: {count} pages alone, {end - first} in the book"
        )
        if end < len(pages):
            text = _squeeze(" ".join(_page_texts(path)))
            assert _squeeze(pages[end][:120]) not in text, f"{doc} holds the next page"
        # each page the site's page links to: a link to its address on the site
        uris = set(re.findall(rb"/URI \((.*?)\)", path.read_bytes()))
        pages_linked = {u.decode().split("#")[0] for u in uris}
        for link in _soup(doc).select("article a.reference.internal[href]"):
            href = link["href"].split("#")[0]
            if href:
                other = os.path.normpath(Path(doc).parent / href)
                url = CONFIG["html"]["baseurl"] + other
                assert url in pages_linked, f"{doc}: no link to {url} in its PDF"


def test_pdfs_weigh_within_budget(pdf):
    sizes = {doc: (build_pdf.OUT / f"{doc}.pdf").stat().st_size for doc in DOCS[1:]}
    heaviest = max(sizes, key=sizes.get)
    print(
        f"book {pdf.stat().st_size / 1e6:.2f} MB; heaviest page {heaviest}: "
        f"{sizes[heaviest] / 1e6:.2f} MB"
    )
    assert pdf.stat().st_size <= BUDGET_MB["book"] * 1e6
    assert sizes[heaviest] <= BUDGET_MB["page"] * 1e6, heaviest


def test_the_site_links_the_pdfs_only_when_they_are_current(pdf):
    """Every PDF the site links is in the site and holds its page (the front page's:
    the whole book). The PDFs drop the site's stamp when printed, so a site with a
    stamp was written after them: it links them on every page if it was built from
    the inputs they were printed from, and on none otherwise."""
    linked = {}
    for doc in DOCS:
        soup = _soup(doc)
        hrefs = [a["href"] for a in soup.select("a.btn-download-pdf-button[href]")]
        if doc == ROOT_DOC:
            hrefs += [a["href"] for a in soup.select("article a[href$='.pdf']")]
        linked[doc] = hrefs
        for href in hrefs:
            path = (HTML / doc).parent / href
            assert path.is_file(), f"{doc} links {href}, which is not in the site"
            if doc == ROOT_DOC:
                assert _page_count(path) == _page_count(pdf)
                assert set(_bookmarks(path)) == set(_bookmarks(pdf))
            else:
                _check_page_pdf(path, doc)
    site_stamp = build_pdf.SITE_STAMP
    if site_stamp.is_file():
        current = site_stamp.read_text() == build_pdf.STAMP.read_text()
        wanted = 2 if current else 0  # the root: the menu and the paragraph
        counts = {doc: len(hrefs) for doc, hrefs in linked.items()}
        assert counts == {d: wanted if d == ROOT_DOC else wanted // 2 for d in DOCS}
