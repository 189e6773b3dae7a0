"""The claims chapter 6 makes, checked against a fresh execution of the chapter."""

import re

import numpy as np
import pytest

CHAPTER = "06-activation-functions.md"
NAMES = ["sigmoid", "tanh", "relu", "leaky_relu", "gelu"]


def test_runs_without_errors(chapter):
    assert chapter.errors() == []
    assert chapter.images() == 8


def test_same_settings_everywhere(chapter):
    g = chapter.glued
    assert g["num_seeds"] >= 1000
    assert g["line_loss"] == pytest.approx(78.0)


# --- Why a network needs them -------------------------------------------------


def test_a_network_without_activations_is_one_line(chapter):
    g = chapter.glued
    # "differ from that one line by at most ...: the rounding error of float32"
    assert g["collapse_gap"] <= 10 * g["float32_eps"] * max(1.0, g["collapse_scale"])
    assert g["num_parameters"] == 141
    assert re.search(
        r"one line: y_hat = -?\d\.\d{6} \* x \+ -?\d\.\d{6}", chapter.stdout()
    )


def test_it_cannot_beat_the_least_squares_line(chapter):
    g = chapter.glued
    assert (g["ls_weight"], g["ls_bias"]) == (pytest.approx(0.0), pytest.approx(10.0))
    # "Not one ... gets below the line"; "levels off just above"
    assert g["identity_min_mse"] >= g["line_loss"]
    assert g["identity_median_mse"] < 1.01 * g["line_loss"]
    # "close to the least-squares line" after multiplying out the trained network
    assert abs(g["trained_weight"] - g["ls_weight"]) < 0.01
    assert abs(g["trained_bias"] - g["ls_bias"]) < 0.5
    # in the comparison table: never converged, always no better than a line
    assert g["par_identity_converged"] == 0.0
    assert g["par_identity_line"] == 1.0


# --- The common functions -------------------------------------------------------


def test_autograd_derivatives_match_the_closed_forms(chapter):
    assert chapter.glued["derivative_gap"] < 1e-12


def test_slopes_ranges_and_gelu_facts(chapter):
    g = chapter.glued
    assert g["sigmoid_max_slope"] == pytest.approx(0.25, abs=1e-12)
    assert g["tanh_max_slope"] == pytest.approx(1.0, abs=1e-12)
    assert g["tanh_max_slope"] == pytest.approx(4 * g["sigmoid_max_slope"])
    assert g["sigmoid_slope_at_5"] < 0.01
    # GELU's slope overshoots 1 and is negative below its minimum near -0.75
    assert g["gelu_max_slope"] > 1.1 and g["gelu_max_slope_at"] > 0
    assert g["gelu_min_slope"] < 0
    assert g["gelu_min"] == pytest.approx(-0.17, abs=0.005)
    assert g["gelu_min_at"] == pytest.approx(-0.75, abs=0.01)


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


# --- How a ReLU network builds a curve ------------------------------------------


def test_piecewise_approximation(chapter):
    g = chapter.glued
    assert g["error_10"] == pytest.approx((10 / 10) ** 2 / 4, rel=1e-9)
    assert g["error_100"] == pytest.approx((10 / 100) ** 2 / 4, rel=1e-6)
    # "fits the eleven points exactly", "while the trained one ... still has"
    assert g["by_hand_loss"] < 1e-9
    assert g["trained_loss"] > 0.01
    errors = [
        float(m.group(1))
        for m in re.finditer(r"largest error on \[-5, 5\] (\S+)", chapter.stdout())
    ]
    assert len(errors) == 9 and all(np.diff(errors) < 0)


# --- A fair comparison ----------------------------------------------------------


def test_every_activation_works_on_the_parabola(chapter):
    g = chapter.glued
    converged = [g[f"par_{n}_converged"] for n in NAMES]
    assert min(converged) == g["par_sigmoid_converged"] > 0.5
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
    assert g["par_relu_line"] == 0.0


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
    converged = {n: g[f"noi_{n}_converged"] for n in NAMES}
    assert max(converged.values()) < 0.5  # "No activation converges in most runs"
    assert max(converged, key=converged.get) == "tanh"
    # the middle halves overlap: every q1 is below every q3
    assert max(g[f"noi_{n}_q1"] for n in NAMES) < min(g[f"noi_{n}_q3"] for n in NAMES)
    assert g["noi_sigmoid_median"] < g["noi_relu_median"]
    assert np.isfinite(g["noisy_line_median"])
