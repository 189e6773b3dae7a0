"""The claims chapter 4 makes, checked against a fresh execution of the chapter.

The outcome counts are recomputed here from a fresh ensemble with the thresholds
written out again, and a few runs are repeated one seed at a time with the
single-model loop, independently of the ensemble trainer.
"""

import re
from decimal import Decimal

import numpy as np
import pytest

from examples.data import parabola
from examples.ensemble import train_ensemble
from examples.models import mlp
from examples.overfitting import noisy_squares
from examples.training import train_per_sample
from tests.chapter_runner import BOOK

CHAPTER = "04-parabola-network.md"

X, Y = parabola(-5, 5)


@pytest.fixture(scope="module")
def g(chapter):
    return chapter.glued


def ensemble_losses(width):
    runs = train_ensemble(X, Y, sizes=(1, width, 1), activations="sigmoid",
                          seeds=range(1000), lr=0.001, momentum=0.1,
                          num_epochs=2000)  # fmt: skip
    return runs.final_loss


@pytest.fixture(scope="module")
def final_losses():
    return ensemble_losses(2)


def outcome(losses):
    """The outcomes written out again: fits below 7.8, straight line from 70.2."""
    return np.where(
        ~np.isfinite(losses), "diverged",
        np.where(losses < 7.8, "fits",
                 np.where(losses >= 70.2, "straight line", "in between")),
    )  # fmt: skip


def upper(bound, value, decimals):
    """The bound as the page prints it is at least the value, and the tightest."""
    printed = Decimal(f"{bound:.{decimals}f}")
    step = Decimal(1).scaleb(-decimals)
    return printed - step < Decimal(repr(float(value))) <= printed


def lower(bound, value, decimals):
    printed = Decimal(f"{bound:.{decimals}f}")
    step = Decimal(1).scaleb(-decimals)
    return printed <= Decimal(repr(float(value))) < printed + step


def single_run(seed, width=2):
    model = mlp((1, width, 1), "sigmoid", seed=seed)
    history = train_per_sample(model, X, Y, lr=0.001, momentum=0.1, num_epochs=2000)
    return history.loss[-1]


def test_the_book_stands_alone():
    text = (BOOK / CHAPTER).read_text(encoding="utf-8").lower()
    assert "half-fit" not in text and not re.search(r"\bconverged?\b", text)


def test_runs_without_errors(chapter):
    assert chapter.errors() == []
    assert chapter.images() == 6


def test_best_line_loss_is_the_variance_of_y(g):
    assert g["line_loss"] == pytest.approx(np.var(Y), rel=1e-12) == 78.0
    assert g["fit_threshold"] == pytest.approx(7.8)
    assert g["line_threshold"] == pytest.approx(70.2)


def test_counts_are_those_of_a_fresh_ensemble(g, final_losses):
    labels = outcome(final_losses)
    n = {name: int(np.sum(labels == name)) for name in np.unique(labels)}
    fit, line = n.get("fits", 0), n.get("straight line", 0)
    assert g["base_total"] == 1000
    assert (g["base_fits"], g["base_straight_line"]) == (fit, line)
    assert g["base_diverged"] == n.get("diverged", 0) == 0
    assert g["base_in_between"] == n.get("in between", 0)
    assert (g["base_fit_below"], g["base_line_above"]) == (0.1, 0.9)
    assert g["fit_share"] == pytest.approx(fit / 1000)
    assert g["third_try"] == pytest.approx((1 - fit / 1000) ** 2)
    # The prose: most runs fit, many end as a line, a few in between.
    assert 0.5 < fit / 1000 < 0.9 and line > 100
    assert 0 < g["base_in_between"] < line


def test_outcomes_are_separate_clusters(g, final_losses):
    # "The counts do not hinge on the exact thresholds": nothing near either one.
    assert not np.any((final_losses > 5.0) & (final_losses < 40.0))
    assert not np.any((final_losses > 55.0) & (final_losses < 77.0))
    labels = outcome(final_losses)
    fits = final_losses[labels == "fits"]
    lines = final_losses[labels == "straight line"]
    # printed bounds are true bounds, and the tightest at their precision
    assert upper(g["fit_runs_max"], fits.max(), 1)
    assert lower(g["line_runs_min"], lines.min(), 1)
    assert upper(g["line_runs_max"], lines.max(), 1)
    assert g["fit_runs_max"] < g["fit_threshold"]
    # Straight-line runs end just above the best line's loss.
    assert 78.0 <= g["line_runs_min"] <= g["line_runs_max"] < 79.0


def test_shown_seeds_are_the_first_of_their_kind(g, final_losses):
    fit = final_losses < 7.8
    line = final_losses >= 70.2
    assert g["good_seed"] == np.flatnonzero(fit)[0]
    assert g["bad_seed"] == np.flatnonzero(line)[0]
    assert g["mid_seed"] == np.flatnonzero(~fit & ~line)[0]


def test_single_model_loop_agrees_with_the_ensemble(g, final_losses):
    good, bad = single_run(g["good_seed"]), single_run(g["bad_seed"])
    assert good == pytest.approx(final_losses[g["good_seed"]], rel=1e-3)
    assert bad == pytest.approx(final_losses[g["bad_seed"]], rel=1e-3)
    assert good < 7.8 < 70.2 < bad


def test_the_fit_is_two_opposite_steps(g):
    assert g["good_loss"] < g["fit_threshold"]
    assert g["good_mse"] < g["line_loss"] / 10 and g["good_max_error"] < 5
    assert g["good_w_left"] < 0 < g["good_w_right"]
    assert g["good_centre_left"] < -2 and g["good_centre_right"] > 2
    assert g["good_v_left"] > 10 and g["good_v_right"] > 10


def test_failing_run_is_flat_on_a_flat_spot(g):
    assert g["bad_loss"] > g["line_threshold"]
    assert g["bad_w_max"] < 0.05 and g["bad_b_min"] > 2
    assert g["bad_h_range"] < 0.01 < 0.5 < g["good_h_range"]
    assert g["grad_flat"] < 1e-5  # zero up to float32 rounding
    # "a sixth of the sigmoid's peak"; the fitting run "just as saturated".
    assert g["bad_slope"] < 0.25 / 5 and g["good_slope"] < 0.25 / 4


def test_in_between_run_has_both_units_on_one_side(g):
    assert 40 < g["mid_loss"] < 60
    assert np.sign(g["mid_centre_a"]) == np.sign(g["mid_centre_b"])
    assert min(abs(g["mid_centre_a"]), abs(g["mid_centre_b"])) > 2


def test_ten_units_fit_for_every_seed(g):
    losses = ensemble_losses(10)
    assert len(losses) == 1000 and np.all(losses < 0.1 * 78.0)
    assert g["wide_fits"] == 1000
    assert g["wide_straight_line"] == g["wide_in_between"] == 0
    assert g["wide_diverged"] == 0
    assert upper(g["wide_max_loss"], losses.max(), 2)
    assert g["wide_median_loss"] == pytest.approx(np.median(losses))
    assert g["wide_median_loss"] < g["base_median_fit_loss"]
    # The failing seed of the two-unit network, with ten units, one at a time.
    assert single_run(g["bad_seed"], width=10) == pytest.approx(
        losses[g["bad_seed"]], rel=1e-3
    )


def test_extrapolation_levels_off_at_the_asymptotes(g):
    assert g["asymptote_right"] == pytest.approx(g["good_c"] + g["good_v_right"])
    assert g["asymptote_left"] == pytest.approx(g["good_c"] + g["good_v_left"])
    assert g["pred_at_9"] == pytest.approx(g["asymptote_right"], abs=0.5)
    assert g["pred_at_9"] < 81 / 2


def test_overfitting_validation_rises_while_training_falls(g):
    assert 5 < g["stop_epochs"] < 3000
    assert g["of_measurements"] == 600
    assert g["of_rise"] == pytest.approx(
        g["of_val_end"] / g["stop_validation_loss"] - 1
    )
    assert g["of_rise"] > 0.1
    assert g["of_train_end"] < g["of_train_best"] / 10
    assert g["of_truth_val"] < g["stop_validation_loss"]
    assert g["of_train_end"] < g["of_truth_val"] / 10  # "far below"


def test_early_stopping_reports_on_a_test_set_no_choice_touched(g):
    X_test = np.tile(X, 20)
    y_test = noisy_squares(X_test, noise=3.0, seed=2)
    y_val = noisy_squares(X_test, noise=3.0, seed=1)
    assert not np.array_equal(y_test, y_val)  # three different data sets
    assert g["of_truth_test"] == pytest.approx(np.mean((X_test**2 - y_test) ** 2))
    # the early-stopped network beats the final one on the test set
    assert g["stop_test_loss"] < g["stop_final_test_loss"]
    # and a test loss is not the (optimistic) validation minimum
    assert g["stop_test_loss"] != pytest.approx(g["stop_validation_loss"])


def test_exercise_solutions_state_what_they_find(g):
    for tag in ("tanh", "std", "lr"):
        total = sum(g[f"ex1_{tag}_{k}"] for k in
                    ("fits", "in_between", "straight_line", "diverged"))  # fmt: skip
        assert total == 1000
    # "only the larger learning rate increases the number of fitting runs, and it
    # also increases the number of runs that end in between"
    assert g["ex1_lr_fits"] > g["base_fits"]
    assert g["ex1_lr_in_between"] > g["base_in_between"]
    assert g["ex1_tanh_fits"] < g["base_fits"] and g["ex1_std_fits"] < g["base_fits"]
    assert g["ex2_runs"] == g["base_in_between"] and g["ex2_same_sign"] is True
    assert g["ex2_centre_edge"] > 0 and g["ex2_centre_gap"] < 1
    assert 40 < g["ex2_loss_min"] <= g["ex2_loss_max"] < 60
    assert g["ex3_early"] < g["ex3_final"]


def test_loss_curves_described(g):
    # "still falling slowly at epoch 2000"; the ten-unit run "falls further".
    assert g["good_loss"] < g["good_loss_1900"] < 1.2 * g["good_loss"]
    assert g["wide_bad_seed_loss"] < g["good_loss"] / 3
