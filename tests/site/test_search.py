"""The site's search finds the chapter that explains the sigmoid."""

from __future__ import annotations

import re

from tests.site.conftest import PAGES, open_page

ACTIVATION_CHAPTER = "book/08-activation-functions"


def test_search_for_sigmoid_finds_the_activation_chapter(browser, server):
    visit = open_page(browser, server, "search")
    page = visit.page
    try:
        page.goto(f"{server}search.html?q=sigmoid", wait_until="load")
        page.wait_for_function(
            "() => { const s = document.querySelector('.search-summary');"
            " return s && !/preparing|searching/i.test(s.textContent); }",
            timeout=30_000,
        )
        hrefs = page.eval_on_selector_all(
            "#search-results ul.search li a", "links => links.map(a => a.href)"
        )
        found = {href.split("?")[0].split("#")[0] for href in hrefs}
        # Until the activation chapter is in the table of contents, the glossary,
        # which defines the term, must be found; once it is, the chapter must be.
        wanted = ACTIVATION_CHAPTER if ACTIVATION_CHAPTER in PAGES else "book/glossary"
        assert f"{server}{wanted}.html" in found, f"search results: {sorted(found)}"
        assert visit.console_errors == [] and visit.failed == [] and not visit.foreign
    finally:
        page.context.close()


#: What Sphinx would leave of an equation if nothing rewrote it.
RAW_TEX = r"\\\(|\\\)|\\\[|\\\]|\$\$|\\[A-Za-z]+"


def _snippets(page, server: str, query: str) -> list[str]:
    page.goto(f"{server}search.html?q={query}", wait_until="load")
    page.wait_for_function(
        "() => { const s = document.querySelector('.search-summary');"
        " return s && !/preparing|searching/i.test(s.textContent); }",
        timeout=30_000,
    )
    # snippets arrive one by one, after each page is fetched
    page.wait_for_function(
        "() => document.querySelectorAll('#search-results li p.context').length"
        " >= Math.min(3, document.querySelectorAll('#search-results li').length)",
        timeout=30_000,
    )
    return page.eval_on_selector_all(
        "#search-results li p.context", "ps => ps.map(p => p.textContent)"
    )


def _heading_joins(page, url: str) -> set[str]:
    """Each heading's (and glossary term's) last word glued to the first word after
    it: what a snippet shows when the heading runs into the paragraph."""
    page.goto(url, wait_until="load")
    return set(
        page.evaluate(
            """() => [...document.querySelectorAll('article h2, article h3')]
            .concat([...document.querySelectorAll('article dt')])
            .map(h => {
                const words = h.textContent.replace('#', '').trim().split(/\\s+/);
                let next = h.nextElementSibling;
                while (next && !next.textContent.trim()) next = next.nextElementSibling;
                if (!next) return null;
                const after = next.textContent.trim().split(/\\s+/)[0];
                return words[words.length - 1] + after;
            }).filter(j => j)"""
        )
    )


def test_search_snippets_show_no_tex_and_no_words_run_together(browser, server):
    visit = open_page(browser, server, "search")
    page = visit.page
    try:
        # "activation": the glossary's term runs into its definition, and a
        # chapter's first paragraph has an equation
        snippets = _snippets(page, server, "activation")
        assert snippets, "no result snippets"
        raw = [s for s in snippets if re.search(RAW_TEX, s)]
        assert raw == [], "raw TeX in search snippets"
        joins = set()
        for docname in PAGES:
            joins |= _heading_joins(page, f"{server}{docname}.html")
        glued = [(j, s) for s in snippets for j in joins if j in s]
        assert glued == [], "a heading runs into the text after it"
    finally:
        page.context.close()
