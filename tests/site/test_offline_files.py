"""The built files themselves name nothing outside the site (no browser needed)."""

from __future__ import annotations

import re

import pytest

from tests.site.conftest import SITE_DIR, require_site

# An attribute that makes the browser fetch something: a script, image, frame or
# media source, or a <link> that loads a stylesheet, icon, font or preload.
FETCHING_ATTR = re.compile(
    r"<(?:script|img|iframe|source|video|audio|embed)\b[^>]*\bsrc=[\"']?(https?:)?//",
    re.IGNORECASE,
)
FETCHING_LINK = re.compile(
    r"<link\b(?=[^>]*\brel=[\"']?(?:stylesheet|icon|preload|modulepreload|"
    r"shortcut icon|apple-touch-icon|manifest))[^>]*\bhref=[\"']?(https?:)?//",
    re.IGNORECASE,
)
CSS_IMPORT = re.compile(r"(?:url\(\s*[\"']?|@import\s+[\"'])(https?:)?//", re.I)


def _files(pattern: str):
    require_site()
    return sorted(SITE_DIR.rglob(pattern))


def test_no_html_file_loads_anything_from_another_host():
    offenders = []
    for path in _files("*.html"):
        text = path.read_text(encoding="utf-8", errors="replace")
        for rx in (FETCHING_ATTR, FETCHING_LINK):
            offenders += [
                f"{path.relative_to(SITE_DIR)}: {m.group(0)[:120]}"
                for m in rx.finditer(text)
            ]
    assert offenders == []


def test_no_stylesheet_loads_anything_from_another_host():
    offenders = [
        f"{path.relative_to(SITE_DIR)}: {m.group(0)}"
        for path in _files("*.css")
        for m in CSS_IMPORT.finditer(path.read_text(encoding="utf-8", errors="replace"))
    ]
    assert offenders == []


@pytest.mark.parametrize("part", ["tex-mml-chtml.js", "output/chtml/fonts/woff-v2"])
def test_mathjax_is_part_of_the_site(part):
    require_site()
    assert (SITE_DIR / "_static" / "mathjax" / part).exists()
