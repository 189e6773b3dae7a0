"""The front page: one card per chapter, with the chapter's key figure."""

from __future__ import annotations

from tests.site.conftest import CHAPTERS, PAGES


def test_one_card_per_chapter_with_its_key_figure(visits, server):
    page = visits(PAGES[0]).page
    cards = page.eval_on_selector_all(
        ".bml-cards .bml-card",
        """cards => cards.map(c => ({
            link: (c.querySelector('a[href]') || {}).href,
            title: c.querySelector('.sd-card-title').textContent.trim(),
            img: (c.querySelector('img.bml-card-figure') || {}).src,
            loaded: !!c.querySelector('img.bml-card-figure')
                    && c.querySelector('img.bml-card-figure').naturalWidth > 0,
            text: c.querySelector('.sd-card-body').textContent.trim(),
        }))""",
    )
    assert [c["link"].split("#")[0] for c in cards] == [
        f"{server}{chapter}.html" for chapter in CHAPTERS
    ]
    for chapter, card in zip(CHAPTERS, cards, strict=True):
        number = int(chapter.rsplit("/", 1)[-1][:2])  # the chapter's own number
        assert card["title"].startswith(f"{number}. "), card["title"]
        assert card["loaded"], f"card {number} has no figure"
        # a figure the build drew, the one the chapter shows first
        assert "/_images/" in card["img"]
        assert len(card["text"].split()) >= 5, f"card {number} has no summary"


def test_logo_and_favicon(visits, server):
    visit = visits(PAGES[0])
    page = visit.page
    assert page.locator("img.logo__image").count() >= 1
    icon = page.eval_on_selector("link[rel~='icon']", "l => l.href")
    response = page.request.get(icon)
    assert response.ok and response.headers["content-type"].startswith("image/")
