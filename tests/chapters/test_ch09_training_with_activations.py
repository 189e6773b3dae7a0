"""The claims chapter 9 makes, checked against a fresh execution of the chapter."""

import re

import numpy as np
import pytest

from tests.chapter_runner import BOOK

CHAPTER = "09-training-with-activations.md"
NAMES = ["sigmoid", "tanh", "relu", "leaky_relu", "gelu"]


def test_runs_without_errors(chapter):
    assert chapter.errors() == []
    assert chapter.images() == 4


def test_the_book_stands_alone():
    text = (BOOK / CHAPTER).read_text(encoding="utf-8")
    lower = text.lower()
    assert "grew from" not in lower and not re.search(r"\bconverged?\b", lower)
    for unexplained in ("LSTM", "BERT", "transformer", "ECDF"):
        assert unexplained not in text
    # fan-in and He initialisation are explained before they are used
    assert text.index("*fan-in*") < text.index("*He initialisation*")
    assert text.index("*He initialisation*") < text.index('He init"')


def test_same_settings_everywhere(chapter):
    g = chapter.glued
    assert g["num_seeds"] >= 1000
    assert g["line_loss"] == pytest.approx(78.0)


# --- Saturation and vanishing gradients ---------------------------------------


def test_sigmoid_gradients_vanish_far_more_than_relu_ones(chapter):
    g = chapter.glued
    assert g["sigmoid_bound_10"] == pytest.approx(0.25**10)
    assert g["shrink_sigmoid"] > 1e3 * max(g["shrink_tanh"], g["shrink_relu"])
    assert g["shrink_sigmoid_per_layer"] ** 10 == pytest.approx(g["shrink_sigmoid"])
    # ReLU's loss comes from the default weights: He initialisation removes most
    assert g["shrink_relu"] > 100 * g["shrink_relu_he"]
    assert g["shrink_relu_he"] < 10
    assert g["he_layer2_to_last"] < 2  # "changes by a factor of only ..."
    # "He initialisation does not rescue the sigmoid"
    assert g["shrink_sigmoid_he"] > 1e5
    # tanh, with four times the slope, loses less than the sigmoid
    assert g["shrink_tanh"] < g["shrink_sigmoid"] / 1e3


def test_the_flat_runs_of_chapter_4(chapter):
    g = chapter.glued
    assert 0.1 < g["flat_fraction"] < 0.6  # "some runs"
    assert g["flat_median_w"] < 0.05  # "shrunk to almost nothing"
    assert 2.5 < g["flat_median_bias"] < 3.5  # "with a bias near 3"
    # "damped about fivefold" against the peak 0.25; lower than at initialisation
    assert 4 < 0.25 / g["flat_slope"] < 6
    assert g["flat_slope"] < g["initial_slope"]
    # "the runs that succeed end just as saturated"
    assert g["other_slope"] < 0.1
    assert 0.7 < g["other_slope"] / g["flat_slope"] < 1.3
    # symmetry: with the input weights at zero their gradient vanishes
    assert g["grad_at_zero"] < 1e-5
    lines = [ln for ln in chapter.stdout().splitlines() if "median |w|" in ln]
    assert len(lines) == 2 and lines[0].startswith("flat")


# --- Dead ReLUs ---------------------------------------------------------------


def test_relu_networks_end_flat_far_more_often_than_leaky_ones(chapter):
    g = chapter.glued
    assert g["relu_flat"] > 0.2 and g["leaky_flat"] < 0.05
    assert g["relu_flat"] > 5 * g["leaky_flat"]
    # the counts climb with ReLU, less with Leaky ReLU
    assert g["dead_start"] < g["dead_leaky_end"] < g["dead_relu_end"]
    # flat ReLU networks have more dead units: "about half"
    assert g["relu_flat_dead"] > g["relu_other_dead"] + 1
    assert 8 < g["relu_flat_dead"] < 13
    # "Deaths come early": most of the rise within the first 30 epochs
    assert g["early_deaths"] > 0.5


def test_dead_first_layer_units_come_back_only_with_a_leak(chapter):
    g = chapter.glued
    assert g["relu_back"] / g["relu_ever"] < 0.002
    assert g["leaky_back"] / g["leaky_ever"] > 0.1


def test_the_leak_has_a_price(chapter):
    g = chapter.glued
    assert g["leaky_diverged"] > 0.01
    assert g["leaky_diverged"] > 5 * g["relu_diverged"]


def test_the_example_seed(chapter):
    g = chapter.glued
    assert g["example_relu_loss"] >= 0.9 * g["line_loss"]
    assert g["example_leaky_loss"] < 0.5 * g["line_loss"]
    assert g["example_relu_dead"] > g["dead_relu_end"]


# --- A fair comparison ----------------------------------------------------------


def test_every_activation_works_on_the_parabola(chapter):
    g = chapter.glued
    fits = [g[f"par_{n}_fits"] for n in NAMES]
    assert min(fits) == g["par_sigmoid_fits"] > 0.5
    # "at least ...% of the runs fit for each of the five": a true lower bound
    assert 100 * min(fits) - 0.1 < g["par_min_fits_pct"] <= 100 * min(fits)
    assert all(g[f"par_{n}_diverged"] == 0 for n in NAMES)


def test_gelu_ends_lowest_on_the_parabola(chapter):
    g = chapter.glued
    medians = {n: g[f"par_{n}_median"] for n in NAMES}
    assert min(medians, key=medians.get) == "gelu"
    assert 0.35 < medians["gelu"] / medians["relu"] < 0.65  # "about half"
    assert g["gelu_beats_relu"] > 0.5


def test_relu_and_leaky_relu_are_indistinguishable_at_the_books_rate(chapter):
    g = chapter.glued
    for stat in ["median", "q1", "q3"]:
        a, b = g[f"par_relu_{stat}"], g[f"par_leaky_relu_{stat}"]
        assert abs(a - b) / a < 0.05
    assert g["relu_inactive_001"] - g["dead_start"] < 1.5  # "hardly more"
    assert g["par_relu_straight_line"] == 0.0
    # the summaries are glued whole: every field, for every activation
    for tag in ("par", "noi"):
        for n in NAMES:
            assert g[f"{tag}_{n}_runs"] == 1000
            assert g[f"{tag}_{n}_q1"] <= g[f"{tag}_{n}_median"] <= g[f"{tag}_{n}_q3"]


def test_the_sigmoid_starts_slowest_and_ends_highest(chapter):
    g = chapter.glued
    assert g["sigmoid_median_100"] > 0.8 * g["line_loss"]  # "near the line's"
    assert g["relu_median_100"] < 0.1 * g["line_loss"]
    medians = {n: g[f"par_{n}_median"] for n in NAMES}
    assert max(medians, key=medians.get) == "sigmoid"
    assert g["par_tanh_median"] < g["par_sigmoid_median"]
    # "still improving fast when the budget runs out"
    for tag in ["par", "noi"]:
        assert g[f"{tag}_sigmoid_median_300"] < 0.9 * g[f"{tag}_sigmoid_median_250"]
    assert g["par_sigmoid_median_300"] == pytest.approx(g["par_sigmoid_median"])


def test_the_ranking_does_not_carry_over_to_the_noisy_target(chapter):
    g = chapter.glued
    fits = {n: g[f"noi_{n}_fits"] for n in NAMES}
    assert max(fits.values()) < 0.5  # "No activation fits in most runs"
    assert max(fits, key=fits.get) == "tanh"
    # the middle halves overlap: every q1 is below every q3
    assert max(g[f"noi_{n}_q1"] for n in NAMES) < min(g[f"noi_{n}_q3"] for n in NAMES)
    assert g["noi_sigmoid_median"] < g["noi_relu_median"]
    assert np.isfinite(g["noisy_line_median"])


def test_the_noisy_target_is_ranked_by_held_out_loss(chapter):
    g = chapter.glued
    spread = 100 * (g["held_worst_median"] / g["held_best_median"] - 1)
    assert spread <= g["held_spread_pct"] < spread + 1  # a bound, rounded up
    assert g["held_spread_pct"] < 50
    tables = [
        out["data"]["text/markdown"]
        for cell in chapter.notebook.cells
        for out in cell.get("outputs", [])
        if "median held-out loss" in out.get("data", {}).get("text/markdown", "")
    ]
    assert len(tables) == 1
    rows = [ln.split("|")[1:-1] for ln in tables[0].splitlines()[2:]]
    medians = [float(cells[1]) for cells in rows]
    assert len(medians) == 5 and medians == sorted(medians)
    assert min(medians) == pytest.approx(g["held_best_median"], rel=1e-2)


# --- Exercises -------------------------------------------------------------------


def test_exercise_solutions_state_what_they_find(chapter):
    g = chapter.glued
    assert g["ex1_w1"] == pytest.approx(0.25**10)
    assert g["ex1_w4"] == pytest.approx(1.0)
    assert g["ex1_w4_off"] < 0.05
    assert abs(g["ex2_share"] - 0.05) < 4 * np.sqrt(0.05 * 0.95 / 10_000)
