"""The claims chapter 6 makes, checked against its execution."""

import numpy as np
import pytest

from examples.convergence import straight_line_loss
from examples.data import parabola
from examples.ensemble import train_ensemble
from examples.mini_batches import SETTINGS, largest_stable_lr
from examples.outcomes import FIT_BELOW, classify_runs

CHAPTER = "06-mini-batches.md"
X, Y = parabola(-5, 5)


def test_no_cell_fails(chapter):
    assert chapter.errors() == []
    assert chapter.images() == 2


def test_the_loader_makes_three_batches_of_four_four_and_three(chapter):
    g = chapter.glued
    assert (g["batches_per_epoch"], g["last_batch"], g["n"]) == (3, 3, 11)
    lines = [line for line in chapter.stdout().splitlines() if "epoch" in line]
    assert lines[0] != lines[1]  # "in a new order each time"


def test_in_order_is_deterministic_and_shuffles_differ(chapter):
    g = chapter.glued
    assert g["in_order"] == g["in_order_again"]
    shuffled = g["shuffled"]
    assert len(set(shuffled)) == 3 and g["in_order"] not in shuffled
    # the full batch: shuffling changes float32 rounding only
    assert 0 < g["full_gap"] < 1e-5 * g["full_order"]


def test_the_largest_stable_rate_is_two_over_the_largest_curvature(chapter):
    g = chapter.glued
    hessian = 2 * np.array([[np.mean(X**2), np.mean(X)], [np.mean(X), 1.0]])
    curvatures = np.linalg.eigvalsh(hessian)
    assert g["curvature_max"] == pytest.approx(curvatures.max())  # 20
    assert g["curvature_min"] == pytest.approx(curvatures.min())  # 2
    assert g["predicted_lr"] == pytest.approx(0.1)
    assert g["lr_gap"] == pytest.approx(g["measured_lr"] / 0.1 - 1)
    assert 0 <= g["lr_gap"] < 0.01  # "a little above", "within 1.0%" rounding
    stable = [line for line in chapter.stdout().splitlines() if "stable" in line]
    assert [line.endswith("True") for line in stable] == [True, True, False, False]


def test_the_settings_table_and_the_claims_about_it(chapter):
    g = chapter.glued
    assert g["names"] == [s.name for s in SETTINGS]
    fits = dict(zip(g["names"], g["fits"], strict=True))
    assert g["diverged"] == [0] * len(SETTINGS)
    # the reliable setting is the full batch with momentum 0.9
    assert g["best_name"] == "full batch, m 0.9" == max(fits, key=fits.get)
    assert g["best_fits"] > 900
    # shuffling alone changes little
    assert abs(g["order_fits"] - g["shuffled_fits"]) < 0.05 * 1000
    # without momentum the full batch fits fewer and later
    assert g["plain_fits"] < g["order_fits"] < g["best_fits"]
    assert g["plain_epochs"] > g["best_epochs"]
    # batches of four with momentum: many fits, in about as many epochs
    assert g["order_fits"] < g["batch_fits"] < g["best_fits"]
    # Adam leaves many straight lines and fits fewer than momentum
    assert g["adam_fits"] < g["best_fits"] and g["adam_line"] > 100
    assert g["fit_threshold"] == pytest.approx(FIT_BELOW * straight_line_loss(X, Y))
    assert g["steps_ratio"] == pytest.approx(g["order_steps"] / g["best_steps"])
    assert g["steps_ratio"] > 10


def test_the_best_settings_outcomes_on_a_few_seeds_retrained_one_by_one(chapter):
    """The ensemble's outcomes for the full batch with momentum, for seeds 0-19,
    against the outcome each seed gives trained on its own (one copy)."""
    best = next(s for s in SETTINGS if s.name == "full batch, m 0.9")
    settings = dict(lr=best.lr, batch_size=best.batch_size, momentum=best.momentum)
    line = straight_line_loss(X, Y)
    together = train_ensemble(
        X, Y, sizes=(1, 2, 1), activations="sigmoid", seeds=range(20),
        num_epochs=1000, **settings,
    )  # fmt: skip
    for seed in (0, 7, 19):
        alone = train_ensemble(
            X, Y, sizes=(1, 2, 1), activations="sigmoid", seeds=[seed],
            num_epochs=1000, **settings,
        )  # fmt: skip
        assert (
            classify_runs(alone.final_loss, line)[0]
            == classify_runs(together.final_loss[seed], line)[0]
        )


def test_the_exercises_state_what_they_find(chapter):
    g = chapter.glued
    assert g["one_predicted"] == pytest.approx(2 / 52)
    assert g["one_gap"] < 0.001  # "within 0.0%" at one decimal
    assert g["scaled_predicted"] == pytest.approx(0.1 / 4)  # four times smaller
    assert g["scaled_gap"] < 0.01


def test_more_epochs_move_the_measured_limit_closer(chapter):
    longer = largest_stable_lr(X, Y, low=0.01, high=1.0, num_epochs=1600, steps=16)
    assert 0.1 <= longer < chapter.glued["measured_lr"]


def test_shuffled_runs_differ_from_the_first_epoch_by_under_a_percent(chapter):
    g = chapter.glued
    assert 0 < g["gap_min"]  # "there from the first epoch"
    assert g["last_gap_max"] < 0.01  # "a fraction of a percent by the end"


def test_small_batches_reach_a_fit_more_often_than_they_end_in_one(chapter):
    g = chapter.glued
    assert g["batch_reached"] > g["batch_fits"]
    assert g["batch_reached"] > 0.9 * 1000


def test_the_try_it_answer_counts_seeds_0_to_19_retrained(chapter):
    """The dropdown's numbers (seeds 0-19 per sample in order and on the full
    batch with momentum 0.9) against the same seeds trained again here."""
    line = straight_line_loss(X, Y)
    labels = {}
    for name in ("per sample, in order", "full batch, m 0.9"):
        s = next(s for s in SETTINGS if s.name == name)
        runs = train_ensemble(
            X, Y, sizes=(1, 2, 1), activations="sigmoid", seeds=range(20),
            num_epochs=1000, lr=s.lr, batch_size=s.batch_size,
            shuffle_seed=s.shuffle_seed, momentum=s.momentum,
        )  # fmt: skip
        labels[name] = classify_runs(runs.final_loss, line)
    order, best = labels["per sample, in order"], labels["full batch, m 0.9"]
    rescued = np.flatnonzero((order != "fits") & (best == "fits"))
    g = chapter.glued
    assert g["try_order_fits"] == int((order == "fits").sum())
    assert g["try_best_fits"] == int((best == "fits").sum())
    assert g["try_rescued"] == ", ".join(map(str, rescued))
    assert g["try_rescued_count"] == len(rescued) > 0
    # the dropdown says the full batch with momentum fits more of them
    assert g["try_order_fits"] < g["try_best_fits"]
    # the reader's cell describes the run it names
    assert "full batch, m 0.9, seed 3 " in chapter.stdout()
