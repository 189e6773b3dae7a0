"""The claims chapter 3 makes, checked against a fresh execution of the chapter."""

import re

import numpy as np
import pytest
import torch

from examples.data import noisy_line
from examples.models import LinearModel
from examples.sgd_limit import per_sample_sgd_line
from tests.chapter_runner import BOOK

CHAPTER = "03-linear-regression.md"

X, Y = noisy_line(n=10, noise=1.0, seed=0)


def test_runs_with_only_the_dtype_error(chapter):
    # The one tagged cell raises, and nothing else does.
    assert chapter.errors() == ["RuntimeError"]
    assert chapter.images() == 3


def test_dtype_error_shown_is_the_real_one(chapter):
    message = chapter.glued["dtype_error"]
    with pytest.raises(RuntimeError) as err:
        LinearModel(seed=0)(torch.tensor(X).reshape(-1, 1))
    assert message == str(err.value)
    assert "Double" in message and "Float" in message  # the prose explains both
    shown = [
        out
        for cell in chapter.notebook.cells
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    ]
    assert shown[0]["evalue"] == message


def test_roundoff_is_negligible(chapter):
    assert 0 < chapter.glued["roundoff"] <= 2.0**-24


def test_training_matches_a_float64_reference(chapter):
    g = chapter.glued
    start = LinearModel(seed=0)
    assert (g["start_weight"], g["start_bias"]) == (start.weight, start.bias)
    w, b = per_sample_sgd_line(
        X, Y, start.weight, start.bias, lr=0.001, momentum=0.2, num_epochs=101
    )
    assert g["final_weight"] == pytest.approx(w[-1], abs=1e-4)
    assert g["final_bias"] == pytest.approx(b[-1], abs=1e-4)


def test_learned_line_is_close_to_but_not_the_least_squares_line(chapter):
    g = chapter.glued
    ls_w, ls_b = np.polyfit(X, Y, 1)  # an independent least-squares solver
    assert g["ls_weight"] == pytest.approx(ls_w, abs=1e-10)
    assert g["ls_bias"] == pytest.approx(ls_b, abs=1e-10)
    assert g["weight_gap"] == pytest.approx(abs(g["final_weight"] - ls_w), abs=1e-9)
    assert 1e-3 < g["weight_gap"] < 0.1 and 1e-3 < g["bias_gap"] < 0.5
    assert g["ls_mse"] < g["learned_mse"] < 1.2 * g["ls_mse"]
    # "That uncertainty is larger than the gap between the trained and exact line."
    assert g["noise_weight_gap"] > g["weight_gap"]


def test_two_reasons_for_the_gap(chapter):
    g = chapter.glued
    # Not finished: still a measurable distance from where SGD settles, and slow.
    assert g["trained_to_limit"] > 0.05
    assert 0.98 < g["contraction"] < 1
    assert g["closed_per_epoch"] == pytest.approx(100 * (1 - g["contraction"]))
    assert g["epochs_tenfold"] > 101
    # The end-of-epoch limit: computed, and reached by a long float64 run.
    w, b = per_sample_sgd_line(X, Y, 0.0, 0.0, lr=0.001, momentum=0.2, num_epochs=4000)
    assert g["limit_weight"] == pytest.approx(w[-1], abs=1e-8)
    assert g["limit_bias"] == pytest.approx(b[-1], abs=1e-8)
    # "Halve the learning rate and the distance halves."
    assert g["half_lr_gap"] / g["limit_gap"] == pytest.approx(0.5, abs=0.03)
    # "Both are smaller than the uncertainty the noise puts into the line."
    assert max(g["limit_gap"], g["trained_gap"]) < 0.5
    # Per-sample gradients at the least-squares line: mean zero, not each zero.
    assert g["grad_mean"] < 1e-9
    assert g["grad_min"] < -1 and g["grad_max"] > 1


def test_loss_levels_off_above_the_least_squares_floor(chapter):
    g = chapter.glued
    assert g["first_loss"] > 10 * g["last_loss"]
    assert g["ls_mse"] < g["last_loss"] < 2 * g["ls_mse"]


def test_logs_every_tenth_epoch(chapter):
    lines = [ln for ln in chapter.stdout().splitlines() if ln.startswith("epoch")]
    epochs = [int(re.match(r"epoch\s+(\d+)", ln).group(1)) for ln in lines]
    assert epochs == list(range(0, 101, 10))


def test_elementwise_arithmetic_promotes_silently(chapter):
    assert chapter.glued["promoted"] == "float64"
    assert "torch.float64" in chapter.stdout()


def test_exercise_solutions_claims(chapter):
    g = chapter.glued
    # 1. the bias-free least-squares weight, independently: sum(x y) / sum(x^2)
    assert g["ex_origin_exact"] == pytest.approx(np.dot(X, Y) / np.dot(X, X))
    assert g["ex_origin_learned"] < g["ex_origin_exact"]  # "short of it"
    assert 0 < g["ex_origin_gap"] < 0.05
    assert g["ex_origin_exact"] > g["ls_weight"]  # "steeper"
    # 2. full-batch descent reaches the least-squares line
    assert 0 < g["ex_fb_gap"] < 1e-9
    # 3. float64 against float32: tiny next to the gaps the chapter discusses
    assert 0 < g["ex_f64_weight_diff"] < 1e-4
    assert 0 < g["ex_f64_bias_diff"] < 1e-4
    assert max(g["ex_f64_weight_diff"], g["ex_f64_bias_diff"]) < g["weight_gap"] / 100


def test_converged_is_not_a_word_of_this_chapter():
    text = (BOOK / CHAPTER).read_text(encoding="utf-8")
    # "converged" is the glossary's outcome of a run, not a word for these chapters
    # (the code's NudgeResult.converged field aside)
    prose = text.replace(".converged", "").replace("_converged", "")
    assert "converg" not in prose.lower()


def test_noise_explorer_has_a_figure_per_draw(chapter):
    from examples.explore import NOISES, SEEDS

    html = chapter.html_outputs("bml-explore")
    assert len(html) == 1
    assert html[0].count('class="bml-explore__panel"') == len(NOISES) * len(SEEDS)
    assert chapter.glued["try_num_seeds"] == len(SEEDS)


def test_the_best_weight_moves_in_proportion_to_the_noise(chapter):
    # "halving the noise halves the largest distance; doubling it doubles it"
    g = chapter.glued
    assert 0 <= g["try_gap_min"] < g["try_gap_max"]
    assert g["try_gap_max_half"] == pytest.approx(g["try_gap_max"] / 2, rel=1e-9)
    assert g["try_gap_max_double"] == pytest.approx(2 * g["try_gap_max"], rel=1e-9)
    assert g["try_gap_ratio"] == pytest.approx(2.0, rel=1e-9)


def test_reader_cell_describes_its_draw(chapter):
    assert "Noise 1.5, seed 7: the least-squares line is y = " in chapter.stdout()
