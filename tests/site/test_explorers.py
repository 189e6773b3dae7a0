"""The explorers of chapters 1 to 3 in a real browser.

Moving a control (with the keyboard, as a reader without a mouse does) must show the
figure of that setting, checked against the package's own runs; every control is
labelled; the figure's accessible name follows the setting; with no script and in
print the default setting's figure is shown; the pages stay within
2 MB (HTML, images and data, the measure of tests/site/test_pages.py).
"""

from __future__ import annotations

import pytest

from examples.explore import (
    LRS,
    MOMENTUMS,
    STEPS,
    describe_nudging,
    describe_training,
    lr_momentum_run,
)
from examples.scratch import learn_by_nudging
from tests.site.conftest import CHAPTERS, page_url

CH01 = next((c for c in CHAPTERS if c.endswith("01-learning-by-nudging")), None)
CH02 = next((c for c in CHAPTERS if c.endswith("02-pytorch-linear")), None)
CH03 = next((c for c in CHAPTERS if c.endswith("03-linear-regression")), None)
PAGE_LIMIT = 2_000_000

pytestmark = pytest.mark.skipif(
    CH01 is None or CH02 is None, reason="chapters 1 and 2 are not in the toc"
)


def explorer(page, control: str):
    """The explorer holding the control named ``control`` (its data-name)."""
    root = page.locator(".bml-explore", has=page.locator(f"[data-name={control}]"))
    assert root.count() == 1, f"expected one explorer with a {control} control"
    return root


def choose(root, name: str, index: int) -> None:
    """Move the slider ``name`` to position ``index`` with the keyboard."""
    slider = root.locator(f"input[data-name={name}]")
    slider.focus()
    slider.press("Home")
    for _ in range(index):
        slider.press("ArrowRight")
    assert slider.input_value() == str(index)


def visible_panel(root):
    panels = root.locator(".bml-explore__panel:visible")
    assert panels.count() == 1, "exactly one figure is shown"
    return panels.first


@pytest.mark.parametrize("step", [0.01, 0.08, 0.09, 0.5])
def test_step_slider_shows_that_steps_run(visits, step):
    page = visits(CH01).page
    root = explorer(page, "step")
    choose(root, "step", STEPS.index(step))
    expected = learn_by_nudging(
        x=3.0, y=9.0, step=step, tolerance=0.1, max_iterations=300, seed=0
    )
    panel = visible_panel(root)
    assert panel.get_attribute("data-step") == f"{step:g}"
    assert panel.get_attribute("data-iterations") == str(expected.iterations)
    assert panel.get_attribute("data-converged") == str(expected.converged).lower()
    points = panel.locator("polyline").get_attribute("points").split()
    assert len(points) == expected.iterations
    summary = root.locator(".bml-explore__summary").inner_text()
    assert summary == describe_nudging(expected)
    slider = root.get_by_role("slider", name="Step size", exact=True)
    assert slider.get_attribute("aria-valuetext") == f"{step:g}"
    assert root.locator("output").inner_text() == f"{step:g}"
    figure = panel.get_by_role("img")
    assert f"step of {step:g}" in figure.get_attribute("aria-label")


@pytest.mark.parametrize(("lr", "momentum"), [(0.1, 0.0), (0.001, 0.9), (0.03, 0.8)])
def test_lr_and_momentum_sliders_show_that_run(visits, lr, momentum):
    page = visits(CH02).page
    root = explorer(page, "lr")
    choose(root, "lr", LRS.index(lr))
    choose(root, "momentum", MOMENTUMS.index(momentum))
    run = lr_momentum_run(lr, momentum, num_epochs=201, seed=0)
    panel = visible_panel(root)
    assert panel.get_attribute("data-key") == f"lr={lr:g}|momentum={momentum:g}"
    assert panel.get_attribute("data-outcome") == run.outcome
    expected_at = "" if run.diverged_at is None else str(run.diverged_at)
    assert panel.get_attribute("data-diverged-at") == expected_at
    if run.outcome != "diverged":
        assert float(panel.get_attribute("data-final-loss")) == run.loss[-1]
    assert root.locator(".bml-explore__summary").inner_text() == describe_training(run)
    label = panel.get_by_role("img").get_attribute("aria-label")
    assert f"learning rate of {lr:g} and a momentum of {momentum:g}" in label
    for name, value in (("Learning rate", lr), ("Momentum", momentum)):
        slider = root.get_by_role("slider", name=name, exact=True)
        assert slider.get_attribute("aria-valuetext") == f"{value:g}"


@pytest.mark.parametrize("chapter", ["CH01", "CH02", "CH03"])
def test_every_control_is_labelled_and_the_summary_is_announced(visits, chapter):
    if globals()[chapter] is None:
        pytest.skip(f"{chapter} is not in the toc")
    page = visits(globals()[chapter]).page
    for root in page.locator(".bml-explore").all():
        sliders = root.get_by_role("slider")
        assert sliders.count() >= 1
        for slider in sliders.all():
            ident = slider.get_attribute("id")
            label = root.locator(f"label[for='{ident}']")
            assert label.count() == 1 and label.inner_text().strip()
        live = root.locator(".bml-explore__summary")
        assert live.get_attribute("aria-live") == "polite"


@pytest.mark.parametrize("chapter", ["CH01", "CH02", "CH03"])
def test_without_script_and_in_print_the_default_figure_shows(browser, server, chapter):
    if globals()[chapter] is None:
        pytest.skip(f"{chapter} is not in the toc")
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(page_url(server, globals()[chapter]), wait_until="load")
        for root in page.locator(".bml-explore").all():
            panel = visible_panel(root)
            box = panel.locator("svg").bounding_box()
            assert box and box["width"] > 200 and box["height"] > 100
        page.emulate_media(media="print")
        root = page.locator(".bml-explore").first
        assert root.locator(".bml-explore__controls").is_hidden()
        assert "website" in root.locator(".bml-explore__print").inner_text()
    finally:
        context.close()


def test_figure_stays_on_white_in_dark_mode(visits):
    page = visits(CH01, "dark").page
    svg = visible_panel(explorer(page, "step")).locator("svg")
    background = svg.evaluate("e => getComputedStyle(e).backgroundColor")
    assert background == "rgb(255, 255, 255)"


@pytest.mark.parametrize("chapter", ["CH01", "CH02"])
def test_page_weight_with_its_explorer_is_within_2_mb(visits, chapter):
    # The book's page budget (tests/site/test_pages.py): HTML, images and data;
    # the explorer's data are in the HTML. Scripts, styles and fonts are shared.
    visit = visits(globals()[chapter])
    total = sum(
        size
        for url, size in visit.sizes.items()
        if url == visit.url or visit.kinds[url] in ("image", "fetch", "xhr")
    )
    assert 0 < total <= PAGE_LIMIT, f"{visit.url} weighs {total} bytes"
    added = visit.page.evaluate(
        "Array.from(document.querySelectorAll('.bml-explore'))"
        ".reduce((n, e) => n + new Blob([e.outerHTML]).size, 0)"
    )
    assert 0 < added < total


@pytest.mark.skipif(CH03 is None, reason="chapter 3 is not in the toc")
@pytest.mark.parametrize(("noise", "seed"), [(0.25, 9), (2.0, 4)])
def test_noise_and_seed_sliders_show_that_draw(visits, noise, seed):
    from examples.explore import NOISES, SEEDS, describe_fit, noisy_fit

    page = visits(CH03).page
    root = explorer(page, "noise")
    choose(root, "noise", NOISES.index(noise))
    choose(root, "seed", SEEDS.index(seed))
    panel = visible_panel(root)
    weight, bias = noisy_fit(noise, seed)
    assert float(panel.get_attribute("data-weight")) == weight
    assert float(panel.get_attribute("data-bias")) == bias
    assert root.locator(".bml-explore__summary").inner_text() == describe_fit(
        noise, seed
    )
    label = panel.get_by_role("img").get_attribute("aria-label")
    assert f"noise {noise:g} and seed {seed}" in label
    assert panel.locator(".bml-explore__point").count() == 10


@pytest.mark.skipif(CH03 is None, reason="chapter 3 is not in the toc")
def test_chapter_3_page_weight_is_within_2_mb(visits):
    visit = visits(CH03)
    total = sum(
        size
        for url, size in visit.sizes.items()
        if url == visit.url or visit.kinds[url] in ("image", "fetch", "xhr")
    )
    assert 0 < total <= PAGE_LIMIT, f"{visit.url} weighs {total} bytes"


def test_home_and_end_keys_reach_the_first_and_last_step(visits):
    page = visits(CH01).page
    root = explorer(page, "step")
    slider = root.get_by_role("slider", name="Step size", exact=True)
    slider.focus()
    for key, step in (("End", STEPS[-1]), ("Home", STEPS[0])):
        slider.press(key)
        assert visible_panel(root).get_attribute("data-step") == f"{step:g}"
        assert root.locator("output").inner_text() == f"{step:g}"
