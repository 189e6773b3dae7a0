"""What every chapter promises its reader, checked on each chapter of the table of
contents: it stands alone (STYLE.md), opens with what the reader will be able to do
and what they need first, ends with key takeaways and exercises, and has the
description its front-page card shows. The chapters' own tests check the rest."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = [
    ROOT / f"{entry['file']}.md"
    for entry in yaml.safe_load((ROOT / "_toc.yml").read_text())["chapters"]
    if re.match(r"book/\d\d-", entry["file"])
]


def test_the_table_of_contents_has_the_chapters():
    assert len(CHAPTERS) >= 8
    assert all(chapter.is_file() for chapter in CHAPTERS)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_the_chapter_stands_alone(chapter: Path):
    lower = chapter.read_text(encoding="utf-8").lower()
    for phrase in (r"source notebook", r"\bthe source\b(?![- ]code)", r"grew from"):
        assert not re.search(phrase, lower), f"{chapter.name}: {phrase!r}"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_the_chapter_opens_and_closes_as_promised(chapter: Path):
    text = chapter.read_text(encoding="utf-8")
    front, body = text.split("---", 2)[1:]
    assert "description:" in front, f"{chapter.name}: no description for its card"
    before_first_section = body.split("\n## ", 1)[0]
    assert "**What you will be able to do.**" in before_first_section
    assert "**What you need first.**" in before_first_section
    headings = [line for line in body.splitlines() if line.startswith("## ")]
    assert headings[-2:] == ["## Key takeaways", "## Exercises"], chapter.name
