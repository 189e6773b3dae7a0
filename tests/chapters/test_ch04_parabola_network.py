"""The claims chapter 4 makes, checked against a fresh execution of the chapter.

The convergence counts are recomputed from the final losses the page glued, with
thresholds written out here, and a few runs are repeated one seed at a time with the
single-model loop, independently of the ensemble trainer.
"""

import json

import numpy as np
import pytest

from examples.data import parabola
from examples.models import mlp
from examples.training import train_per_sample

CHAPTER = "04-parabola-network.md"

X, Y = parabola(-5, 5)


@pytest.fixture(scope="module")
def g(chapter):
    return chapter.glued


@pytest.fixture(scope="module")
def final_losses(g):
    return np.array(json.loads(g["final_losses"]))


def single_run(seed, width=2):
    model = mlp((1, width, 1), "sigmoid", seed=seed)
    history = train_per_sample(model, X, Y, lr=0.001, momentum=0.1, num_epochs=2000)
    return history.loss[-1]


def test_runs_without_errors(chapter):
    assert chapter.errors() == []
    assert chapter.images() == 6


def test_best_line_loss_is_the_variance_of_y(g):
    assert g["line_loss"] == pytest.approx(np.var(Y), rel=1e-12) == 78.0
    assert g["fit_threshold"] == pytest.approx(7.8)
    assert g["line_threshold"] == pytest.approx(70.2)


def test_counts_are_those_of_the_glued_final_losses(g, final_losses):
    assert len(final_losses) == g["n_runs"] == 1000
    fit = int(np.sum(final_losses < 0.1 * 78.0))
    line = int(np.sum(final_losses > 0.9 * 78.0))
    diverged = int(np.sum(~np.isfinite(final_losses)))
    assert (g["n_fit"], g["n_line"], g["n_diverged"]) == (fit, line, diverged)
    assert g["n_between"] == 1000 - fit - line - diverged
    assert g["fit_share"] == pytest.approx(fit / 1000)
    assert g["third_try"] == pytest.approx((1 - fit / 1000) ** 2)
    # The prose: most runs fit, many end as a line, a few in between.
    assert 0.5 < fit / 1000 < 0.9 and line > 100 and 0 < g["n_between"] < line


def test_outcomes_are_separate_clusters(g, final_losses):
    # "The counts do not hinge on the exact thresholds": nothing near either one.
    assert not np.any((final_losses > 5.0) & (final_losses < 40.0))
    assert not np.any((final_losses > 55.0) & (final_losses < 77.0))
    assert g["fit_runs_max"] < g["fit_threshold"]
    # Straight-line runs end just above the best line's loss.
    assert 78.0 < g["line_runs_min"] <= g["line_runs_max"] < 79.0


def test_shown_seeds_are_the_first_of_their_kind(g, final_losses):
    fit = final_losses < 7.8
    line = final_losses > 70.2
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
    losses = np.array(json.loads(g["wide_final_losses"]))
    assert len(losses) == 1000 and np.all(losses < 0.1 * 78.0)
    assert g["wide_fit"] == 1000 and g["wide_line"] == g["wide_between"] == 0
    assert json.loads(g["wide_fit_seeds"]) == list(range(1000))
    assert g["wide_max_loss"] == pytest.approx(losses.max())
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


def test_overfitting_held_out_rises_while_training_falls(g):
    assert 5 < g["of_best_epochs"] < 3000
    assert g["of_rise"] == pytest.approx(g["of_held_end"] / g["of_held_best"] - 1)
    assert g["of_rise"] > 0.1
    assert g["of_train_end"] < g["of_train_best"] / 10
    assert g["of_truth_held"] < g["of_held_best"]
    assert g["of_train_end"] < g["of_truth_held"] / 10  # "far below"


def test_loss_curves_described(g):
    # "still falling slowly at epoch 2000"; the ten-unit run "falls further".
    assert g["good_loss"] < g["good_loss_1900"] < 1.2 * g["good_loss"]
    assert g["wide_bad_seed_loss"] < g["good_loss"] / 3
