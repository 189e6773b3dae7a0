"""The execution report reads without an emoji font and names chapters by title."""

from __future__ import annotations

import re

from tests.site.conftest import CHAPTERS, PAGES, SITE_ROOT

REPORT = "book/execution-report"


def _title(docname: str) -> str:
    text = (SITE_ROOT / f"{docname}.md").read_text(encoding="utf-8")
    return re.search(r"^# (.+)$", text, re.MULTILINE)[1].strip()


def test_report_names_each_chapter_by_title_and_states_its_status_in_words(visits):
    assert REPORT in PAGES
    page = visits(REPORT).page
    rows = page.eval_on_selector_all(
        "article table tbody tr",
        "rows => rows.map(r => [...r.cells].map(c => c.innerText.trim()))",
    )
    assert [r[0] for r in rows] == [_title(c) for c in CHAPTERS]
    assert {r[-1] for r in rows} <= {"passed", "failed"}
    text = page.locator("article table").inner_text()
    # nothing an emoji font is needed for (pictographs, dingbats, symbols)
    assert not re.search("[\u2190-\u2bff\U0001f000-\U0001faff]", text), text
