"""What every chapter page offers: exercises with hidden solutions, numbered and
referenced figures readable in dark mode, launch links, and (chapters 1 and 2 at
least) an animation of the learning that plays without a kernel."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from tests.site.conftest import CHAPTERS, SITE_ROOT

chapters = pytest.mark.parametrize("docname", CHAPTERS)
ANIMATED = [c for c in CHAPTERS if Path(c).name[:2] in ("01", "02")]


@chapters
def test_chapter_ends_with_exercises_and_expandable_solutions(visits, docname):
    page = visits(docname).page
    section = page.locator("section#exercises")
    assert section.count() == 1, "no '## Exercises' section"
    last_heading = page.eval_on_selector_all(
        "article section > h2", "hs => hs.map(h => h.textContent.trim())"
    )[-1]
    assert last_heading.startswith("Exercises")
    questions = section.locator(":scope > ol > li, :scope > ol")
    assert questions.count() >= 1, "no numbered exercises"
    solutions = section.locator(".admonition.dropdown")
    assert 2 <= solutions.count() <= 4, f"{solutions.count()} solutions"
    for i in range(solutions.count()):
        solution = solutions.nth(i)
        assert solution.locator(".admonition-title").inner_text().startswith("Solution")
        body = solution.locator(":scope > :not(.admonition-title)").first
        assert not body.is_visible(), f"solution {i + 1} is not hidden"
        solution.locator("button.toggle-button").click()
        body.wait_for(state="visible")
        assert solution.locator("div.highlight").count() >= 1, "no code shown"


@chapters
def test_figures_are_numbered_and_referenced_from_the_text(visits, docname):
    page = visits(docname).page
    figures = page.eval_on_selector_all(
        "article figure",
        """figs => figs.map(f => ({
            id: f.id,
            number: (f.querySelector('figcaption .caption-number') || {}).textContent,
            refs: [...document.querySelectorAll(`a[href="#${f.id}"]`)]
                  .filter(a => !f.contains(a)).length,
        }))""",
    )
    assert figures, "a chapter without a figure"
    for figure in figures:
        assert figure["id"], "a figure without a name"
        assert (figure["number"] or "").startswith("Fig."), figure
        assert figure["refs"] >= 1, f"figure {figure['id']} is never referenced"


@chapters
def test_figures_stay_readable_in_dark_mode(visits, docname):
    page = visits(docname, "dark").page
    styles = page.eval_on_selector_all(
        "article figure img, article .cell_output img",
        """imgs => imgs.map(i => {
            const s = getComputedStyle(i);
            return {bg: s.backgroundColor, radius: parseFloat(s.borderTopLeftRadius),
                    padding: parseFloat(s.paddingTop)};
        })""",
    )
    assert styles
    for style in styles:
        # a white card with rounded corners and a margin of white around the plot
        assert style["bg"] == "rgb(255, 255, 255)"
        assert style["radius"] > 0 and style["padding"] > 0


@chapters
def test_launch_buttons_open_the_chapters_notebook_in_the_repository(visits, docname):
    config = yaml.safe_load((SITE_ROOT / "_config.yml").read_text(encoding="utf-8"))
    repo = config["repository"]["url"].rstrip("/").removeprefix("https://github.com/")
    branch = config["repository"].get("branch", "main")
    notebook = f"notebooks/{Path(docname).name}.ipynb"
    assert (SITE_ROOT / notebook).exists(), f"{notebook} is missing: make notebooks"
    links = visits(docname).page.eval_on_selector_all(
        ".dropdown-launch-buttons a[href]", "links => links.map(a => a.href)"
    )
    colab = [u for u in links if urlsplit(u).netloc == "colab.research.google.com"]
    binder = [u for u in links if urlsplit(u).netloc == "mybinder.org"]
    assert colab == [
        f"https://colab.research.google.com/github/{repo}/blob/{branch}/{notebook}"
    ]
    assert len(binder) == 1
    parts = urlsplit(binder[0])
    assert parts.path == f"/v2/gh/{repo}/{branch}"
    assert parse_qs(parts.query)["urlpath"] == [f"lab/tree/{notebook}"]


@pytest.mark.parametrize("docname", ANIMATED)
def test_animation_plays_in_the_static_page(visits, docname):
    page = visits(docname).page
    page.bring_to_front()  # timers of a page in the background are throttled
    player = page.locator(".bml-animation").first
    assert player.count() == 1, "no animation of the learning"
    assert player.locator("xpath=ancestor::figure").count() == 1, "not a figure"
    counter = player.locator(".bml-animation__counter")
    button = player.locator(".bml-animation__play")
    total = int(player.locator("input[type=range]").get_attribute("max")) + 1
    assert total > 10

    def frame() -> int:
        return int(counter.inner_text().split(" of ")[0])

    # It starts on its own once in view (the reader did not ask for less motion).
    player.scroll_into_view_if_needed()
    page.wait_for_function(
        "el => el.textContent === 'Pause'", arg=button.element_handle(), timeout=5000
    )
    button.click()  # Pause
    assert button.inner_text() == "Play"
    stopped = frame()
    page.wait_for_timeout(400)
    assert frame() == stopped, "Pause did not stop it"
    player.get_by_role("button", name="Previous").click()
    assert frame() == max(stopped - 1, 1)
    player.get_by_role("button", name="Next").click()
    assert frame() == max(stopped - 1, 1) + 1
    button.click()  # Play: the frames advance, and the image with them
    source = player.locator("img").get_attribute("src")
    page.wait_for_function(
        "([el, n]) => parseInt(el.textContent) > n",
        arg=[counter.element_handle(), frame() + 1],
        timeout=5000,
    )
    assert player.locator("img").get_attribute("src") != source
