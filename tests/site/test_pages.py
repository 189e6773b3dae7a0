"""Every page of the table of contents, loaded in Chromium from a local server."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

import pytest

from tests.site.conftest import PAGES, SITE_DIR, WEIGHTS

#: The most a page may weigh, its HTML and its images together.
PAGE_BUDGET = 2_000_000
#: The most a page may transfer in all (uncompressed): HTML, images, style sheets,
#: scripts and fonts. (4.2 MB before the theme's fontawesome.js was left out and
#: MathJax kept to the pages with math.)
TOTAL_BUDGET = 3_000_000
FILE_NAME = re.compile(r"^[\w.-]+\.(png|jpe?g|gif|svg|webp)$", re.IGNORECASE)

pages = pytest.mark.parametrize("docname", PAGES)


@pages
def test_page_loads_offline_with_no_error(visits, docname):
    visit = visits(docname)
    assert visit.status == 200
    assert visit.console_errors == [], "console errors"
    assert visit.failed == [], "failed requests"
    assert visit.foreign == [], "requests to hosts other than the local server"


@pages
def test_every_image_loads_and_has_alt_text(visits, docname):
    visit = visits(docname)
    images = visit.page.evaluate(
        """() => [...document.images].map(i => ({
            src: i.currentSrc || i.src,
            alt: i.getAttribute('alt'),
            loaded: i.complete && i.naturalWidth > 0,
        }))"""
    )
    for image in images:
        src = image["src"]
        name = src[:40] if src.startswith("data:") else src
        assert image["loaded"], f"image did not load: {name}"
        alt = (image["alt"] or "").strip()
        assert alt, f"image without alt text: {name}"
        if not src.startswith("data:"):
            file_name = unquote(PurePosixPath(urlsplit(src).path).name)
            assert alt != file_name, f"alt text is the file name: {name}"
        assert not FILE_NAME.match(alt), f"alt text is a file name ({alt}): {name}"


@pages
def test_math_is_typeset_and_no_raw_tex_is_left(visits, docname):
    visit = visits(docname)
    found = visit.page.evaluate(
        r"""() => {
        const skip = new Set(['SCRIPT', 'STYLE', 'PRE', 'CODE', 'TEXTAREA',
                              'MJX-CONTAINER', 'MJX-ASSISTIVE-MML']);
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
            acceptNode(node) {
                for (let e = node.parentElement; e; e = e.parentElement) {
                    if (skip.has(e.tagName)) return NodeFilter.FILTER_REJECT;
                }
                return NodeFilter.FILTER_ACCEPT;
            }});
        const raw = [];
        while (walker.nextNode()) {
            const text = walker.currentNode.nodeValue;
            if (/\\\(|\\\)|\\\[|\\\]|\$\$|\\begin\{/.test(text)) raw.push(text.trim());
        }
        const math = [...document.querySelectorAll('.math')];
        return {
            raw: raw,
            math: math.length,
            untypeset: math.filter(m => !m.querySelector('mjx-container'))
                           .map(m => m.textContent.trim()),
        };
    }"""
    )
    assert found["raw"] == [], "TeX left as text"
    assert found["untypeset"] == [], "math elements MathJax did not typeset"


@pages
def test_page_weight_html_and_images_is_within_budget(visits, docname):
    visit = visits(docname)
    html = visit.sizes[visit.url]
    images = sum(
        size for url, size in visit.sizes.items() if visit.kinds[url] == "image"
    )
    assert html + images <= PAGE_BUDGET, (
        f"{docname} weighs {html + images} bytes (HTML {html}, images {images})"
    )


def _local_file(url: str):
    path = SITE_DIR / unquote(urlsplit(url).path).lstrip("/")
    return path if path.is_file() else None


@pages
def test_page_weight_in_all_is_within_budget_and_reported(visits, docname):
    """Every file the page loads, raw and gzipped (as a server would send it); the
    figures are written to _build/page-weight/ and summed up after the tests."""
    visit = visits(docname)
    raw = sum(visit.sizes.values())
    gzipped = 0
    for url in visit.sizes:
        path = _local_file(url)
        assert path is not None, f"{url} is not a file of the site"
        gzipped += len(gzip.compress(path.read_bytes(), mtime=0))
    kinds: dict[str, int] = {}
    for url, size in visit.sizes.items():
        kinds[visit.kinds[url]] = kinds.get(visit.kinds[url], 0) + size
    WEIGHTS.mkdir(parents=True, exist_ok=True)
    (WEIGHTS / f"{docname.replace('/', '--')}.json").write_text(
        json.dumps({"page": docname, "raw": raw, "gzip": gzipped, "kinds": kinds})
    )
    assert raw <= TOTAL_BUDGET, f"{docname} transfers {raw} bytes: {kinds}"


@pages
def test_mathjax_is_loaded_only_by_pages_with_math(visits, docname):
    visit = visits(docname)
    math = visit.page.locator(".math, mjx-container").count()
    mathjax = [url for url in visit.sizes if "/mathjax/" in url]
    if math:
        assert mathjax, "math on the page, but no MathJax"
    else:
        assert mathjax == [], "MathJax loaded by a page without math"


@pages
def test_the_themes_fontawesome_script_is_not_loaded(visits, docname):
    """The theme's style sheet draws the icons; its 1.5 MB script only redraws them."""
    assert not [url for url in visits(docname).sizes if "fontawesome.js" in url]
