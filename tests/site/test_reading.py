"""Reading on a phone (390 px), on a desktop (1280 px), in light and dark mode.

* Every figure's smallest text is at least 9 CSS px at both widths: its PNG records
  the height in pixels of its smallest text (``bml:min-font-px``, written by
  ``examples.plotting``), and the page draws the image at some fraction of its
  natural width.
* At 390 px the page never scrolls sideways, and nothing runs off the screen unless
  it scrolls inside a box of its own.
* At 1280 px no code block scrolls sideways.
* In dark mode no CSS filter dims a figure; captions meet WCAG AA contrast.

Solutions are shown (their hidden state restored after) so that what they hold is
measured too.
"""

from __future__ import annotations

import base64
import io
from urllib.parse import unquote, urlsplit

import pytest
from PIL import Image

from tests.site.conftest import CHAPTERS, PAGES, SITE_DIR

MIN_TEXT_CSS_PX = 9.0
PHONE, DESKTOP = 390, 1280
#: Columns a listing may have (shared/STYLE.md): what fits the column at 1280 px.
LISTING_COLUMNS = 76

chapters = pytest.mark.parametrize("docname", CHAPTERS)

SHOW_SOLUTIONS = """() => {
    const hidden = [...document.querySelectorAll('.toggle-hidden')];
    hidden.forEach(e => e.classList.remove('toggle-hidden'));
    window.__bmlHidden = hidden;
}"""
RESTORE_SOLUTIONS = """() => {
    (window.__bmlHidden || []).forEach(e => e.classList.add('toggle-hidden'));
}"""


def _png_text(src: str) -> dict:
    """The text chunks of a PNG, from a data: URI or a file of the built site."""
    if src.startswith("data:"):
        data = base64.b64decode(src.split(",", 1)[1])
    else:
        path = SITE_DIR / unquote(urlsplit(src).path).lstrip("/")
        data = path.read_bytes()
    with Image.open(io.BytesIO(data)) as image:
        return dict(image.info)


def smallest_figure_text(page) -> list[dict]:
    """For each figure image: its source and its smallest text in CSS px."""
    page.evaluate(SHOW_SOLUTIONS)
    try:
        images = page.eval_on_selector_all(
            "article figure img",
            """imgs => imgs.map(i => {
                const s = getComputedStyle(i);
                const content = i.getBoundingClientRect().width
                    - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight)
                    - parseFloat(s.borderLeftWidth) - parseFloat(s.borderRightWidth);
                return {src: i.currentSrc || i.src, natural: i.naturalWidth,
                        drawn: content,
                        figure: (i.closest('figure') || {}).id || ''};
            })""",
        )
    finally:
        page.evaluate(RESTORE_SOLUTIONS)
    found = []
    for image in images:
        info = _png_text(image["src"])
        name = image["figure"] or image["src"][:60]
        assert "bml:min-font-px" in info, (
            f"{name}: its PNG does not record its text size: draw it after "
            "examples.plotting.use_book_style()"
        )
        scale = image["drawn"] / image["natural"]
        found.append(
            {"figure": name, "px": float(info["bml:min-font-px"]) * scale, **image}
        )
    return found


@chapters
@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_figure_text_is_at_least_9_css_px(visits, docname, width):
    figures = smallest_figure_text(visits(docname, "light", width).page)
    assert figures, "a chapter without figures"
    small = [
        f"{f['figure']}: {f['px']:.1f} px (natural width {f['natural']}, drawn "
        f"{f['drawn']:.0f})"
        for f in figures
        if f["px"] < MIN_TEXT_CSS_PX
    ]
    assert small == [], f"figure text under {MIN_TEXT_CSS_PX} CSS px at {width} px"


OFF_SCREEN = """() => {
    const width = document.documentElement.clientWidth;
    const scrolls = e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX);
    const off = [];
    for (const e of document.querySelectorAll('body *')) {
        const r = e.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;
        if (getComputedStyle(e).visibility === 'hidden') continue;
        if (r.right <= width + 1 && r.left >= -1) continue;
        // fine if an ancestor inside the screen scrolls it
        let boxed = false;
        for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
            const ar = a.getBoundingClientRect();
            if (scrolls(a) && ar.right <= width + 1 && ar.left >= -1) {
                boxed = true;
                break;
            }
        }
        // fine if it is off screen on purpose (the closed side bars, skip links)
        if (!boxed && !e.closest('.bd-sidebar-primary, .bd-sidebar-secondary, '
                                 + '.skip-link, .search-button__wrapper')) {
            off.push(`${e.tagName.toLowerCase()}.${[...e.classList].join('.')}`
                     + ` [${Math.round(r.left)}, ${Math.round(r.right)}]: `
                     + (e.textContent || '').trim().slice(0, 60));
        }
    }
    return {scroll: document.documentElement.scrollWidth, width: width, off: off};
}"""


@pytest.mark.parametrize("docname", PAGES)
@pytest.mark.parametrize("mode", ["light", "dark"])
def test_nothing_runs_off_a_phone_screen(visits, docname, mode):
    page = visits(docname, mode, PHONE).page
    page.evaluate(SHOW_SOLUTIONS)
    try:
        found = page.evaluate(OFF_SCREEN)
    finally:
        page.evaluate(RESTORE_SOLUTIONS)
    assert found["scroll"] <= found["width"], "the page scrolls sideways"
    assert found["off"] == [], f"{len(found['off'])} elements run off the screen"


@chapters
def test_no_code_block_scrolls_sideways_on_a_desktop(visits, docname):
    page = visits(docname, "light", DESKTOP).page
    page.evaluate(SHOW_SOLUTIONS)
    try:
        blocks = page.eval_on_selector_all(
            "article pre",
            """blocks => blocks.filter(p => p.scrollWidth > p.clientWidth + 1)
                .map(p => p.textContent.split('\\n')
                    .reduce((a, b) => (b.length > a.length ? b : a), ''))""",
        )
    finally:
        page.evaluate(RESTORE_SOLUTIONS)
    long = [line for line in blocks if len(line) > LISTING_COLUMNS]
    assert len(long) == len(blocks), (
        f"code blocks of at most {LISTING_COLUMNS} columns scroll sideways: "
        f"{[line for line in blocks if len(line) <= LISTING_COLUMNS]}"
    )
    assert blocks == [], (
        f"{len(blocks)} code blocks scroll sideways, their longest lines over "
        f"{LISTING_COLUMNS} columns (shared/STYLE.md): {blocks}"
    )


@chapters
def test_figures_keep_full_brightness_in_dark_mode(visits, docname):
    filters = visits(docname, "dark").page.eval_on_selector_all(
        "article figure img, article .cell_output img",
        "imgs => imgs.map(i => getComputedStyle(i).filter)",
    )
    assert filters and set(filters) == {"none"}, set(filters)


CAPTION_CONTRAST = """() => {
    const rgb = c => c.match(/[\\d.]+/g).map(Number);
    const lum = ([r, g, b]) => {
        const f = v => (v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = e => {
        for (; e; e = e.parentElement) {
            const c = rgb(getComputedStyle(e).backgroundColor);
            if (c.length < 4 || c[3] > 0) return c.slice(0, 3);
        }
        return [255, 255, 255];
    };
    // (not the permalink, which shows on hover only)
    const parts = [...document.querySelectorAll(
        'article figure figcaption, article figure figcaption *:not(.headerlink)')];
    return parts.filter(e => e.textContent.trim()).map(e => {
        const fg = lum(rgb(getComputedStyle(e).color).slice(0, 3));
        const bg = lum(background(e));
        const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
        return {text: e.textContent.trim().slice(0, 40), ratio: ratio,
                opacity: parseFloat(getComputedStyle(e).opacity)};
    });
}"""


@chapters
@pytest.mark.parametrize("mode", ["light", "dark"])
def test_captions_meet_wcag_aa_contrast(visits, docname, mode):
    parts = visits(docname, mode).page.evaluate(CAPTION_CONTRAST)
    assert parts, "no figure captions"
    low = [p for p in parts if p["ratio"] < 4.5 or p["opacity"] < 1]
    assert low == [], f"captions under 4.5:1 in {mode} mode"
