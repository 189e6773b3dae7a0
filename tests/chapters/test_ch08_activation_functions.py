"""The claims chapter 8 makes, checked against a fresh execution of the chapter."""

import re

import numpy as np
import pytest

from tests.chapter_runner import BOOK

CHAPTER = "08-activation-functions.md"


def test_runs_without_errors(chapter):
    assert chapter.errors() == []
    assert chapter.images() == 4


def test_the_book_stands_alone():
    text = (BOOK / CHAPTER).read_text(encoding="utf-8")
    lower = text.lower()
    assert "grew from" not in lower and not re.search(r"\bconverged?\b", lower)
    for unexplained in ("LSTM", "BERT", "transformer", "ECDF", "fan-in", "He init"):
        assert unexplained not in text


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
    # the final loss (last epoch's mean) is the prose's measure: also above the line
    assert g["identity_min_final"] >= g["line_loss"]
    assert g["identity_min_final"] <= g["identity_median_final"]
    assert g["identity_median_final"] > g["identity_median_mse"]
    # "close to the least-squares line" after multiplying out the trained network
    assert abs(g["trained_weight"] - g["ls_weight"]) < 0.01
    assert abs(g["trained_bias"] - g["ls_bias"]) < 0.5


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


# --- Try it: the same network, six ways ----------------------------------------


def test_shape_explorer_has_a_figure_per_setting(chapter):
    from examples.explore import SHAPE_NAMES

    (html,) = chapter.html_outputs("bml-explore")
    assert html.count('class="bml-explore__panel"') == len(SHAPE_NAMES) == 6
    assert html.count("<svg") == 1  # compact: the page draws the other five
    assert 'data-key="activation=relu"' in html and "shows relu" in html


def test_only_no_activation_leaves_a_straight_line(chapter):
    g = chapter.glued
    # "Only with no activation (identity) is the trained network a straight line"
    assert g["try_straight"] == "identity"
    assert g["try_bent"] == 5
    # "the line of fig-collapse": the same seed, the same training
    assert g["try_identity_weight"] == pytest.approx(g["trained_weight"], abs=1e-6)
    assert g["try_identity_bias"] == pytest.approx(g["trained_bias"], abs=1e-6)
    # "no lower than the best line's"
    assert g["try_identity_loss"] >= g["line_loss"]


def test_the_sigmoid_bends_it_enough_to_fit(chapter):
    g = chapter.glued
    assert g["try_sigmoid_outcome"] == "fits"
    assert g["try_sigmoid_loss"] < g["line_loss"] / 10
    assert g["try_sigmoid_distance"] > 1.0


def test_the_reader_cell_describes_the_run_it_trained(chapter):
    out = " ".join(chapter.stdout().split())  # the cell wraps it at 76 columns
    assert "Sigmoid: an S from 0 to 1 whose slope is a bell peaking at 0.25." in out
    assert "Trained from seed 1, the 1-10-10-1 network " in out


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


# --- Exercises -------------------------------------------------------------------


def test_exercise_solutions_state_what_they_find(chapter):
    g = chapter.glued
    assert g["ex1_gap"] < 1e-12
    assert g["ex1_max_slope"] == pytest.approx(1.0, abs=1e-3)
    assert g["ex2_low"] <= g["ex2_pred_min"] <= g["ex2_pred_max"] <= g["ex2_high"]
    assert g["ex2_pred_9"] < 81 / 2
    # the slopes from the weights, against the predictions far away
    assert g["ex3_right_fd"] == pytest.approx(g["ex3_right"], rel=1e-3, abs=1e-3)
    assert g["ex3_left_fd"] == pytest.approx(-g["ex3_left"], rel=1e-3, abs=1e-3)
    assert g["ex4_units"] == 100
    # h**2 / 4 with h = 0.2: 0.01 up to float rounding; one unit fewer is above
    assert g["ex4_error"] == pytest.approx(0.01, rel=1e-9)
    assert g["ex4_error_fewer"] > 0.0101
