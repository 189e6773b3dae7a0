"""An axe-core scan of every page, in light and in dark mode.

axe-core is the npm package pinned in package-lock.json (``make`` runs ``npm ci``);
it is injected into each page after the page has loaded and its math is typeset.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.site.conftest import PAGES, REPO, SITE_ROOT

AXE_PATHS = [
    root / "node_modules" / "axe-core" / "axe.min.js" for root in (SITE_ROOT, REPO)
]


@pytest.fixture(scope="session")
def axe_source() -> str:
    for path in AXE_PATHS:
        if Path(path).exists():
            return Path(path).read_text(encoding="utf-8")
    pytest.fail(
        "axe-core is not installed: run `npm ci` (make does it); looked in "
        + ", ".join(str(p) for p in AXE_PATHS),
        pytrace=False,
    )


@pytest.mark.parametrize("mode", ["light", "dark"])
@pytest.mark.parametrize("docname", PAGES)
def test_no_serious_or_critical_axe_violation(visits, axe_source, docname, mode):
    visit = visits(docname, mode)
    page = visit.page
    assert page.evaluate("document.documentElement.dataset.theme") == mode
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source)
    result = page.evaluate(
        "() => axe.run(document, {resultTypes: ['violations']})"
        ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact,"
        " help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))})))"
    )
    serious = [v for v in result if v["impact"] in ("serious", "critical")]
    assert serious == [], f"{docname} ({mode} mode)"
