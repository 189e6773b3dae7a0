"""The claims chapter 7 makes, checked against a fresh execution of the chapter."""

import numpy as np
import pytest

from examples.data import noisy_parabola, parabola
from examples.ensemble import train_ensemble
from examples.extrapolation import linear_pieces
from examples.models import mlp
from examples.training import predict, train_per_sample
from tests.chapter_runner import BOOK

CHAPTER = "07-deeper-networks.md"


@pytest.fixture(scope="module")
def g(chapter):
    return chapter.glued


@pytest.fixture(scope="module")
def deep_model():
    """Seed 0 of the 1-10-10-1 ReLU network, trained by the single-model loop."""
    X, y = parabola()
    model = mlp((1, 10, 10, 1), "relu", seed=0)
    history = train_per_sample(model, X, y, lr=0.001, momentum=0.1, num_epochs=2000)
    return model, history


def test_the_book_stands_alone():
    text = (BOOK / CHAPTER).read_text(encoding="utf-8").lower()
    assert "source's" not in text


def test_runs_without_errors(chapter):
    assert chapter.errors() == []
    assert chapter.images() == 3


def test_activations_have_no_parameters_and_are_named_for_what_they_are(chapter, g):
    assert g["params_relu"] == 0
    assert g["params_hidden2"] == 10 * 10 + 10
    assert g["n_params"] == (10 + 10) + (100 + 10) + (10 + 1)
    out = chapter.stdout()
    assert "(relu1): ReLU()" in out and "(relu2): ReLU()" in out
    assert "(sigmoid1): Sigmoid()" in out and "fc2" not in out


def test_deep_network_fits_and_matches_the_single_model_loop(g, deep_model):
    _, history = deep_model
    assert g["deep_loss"] == pytest.approx(history.loss[-1], rel=1e-2, abs=1e-3)
    assert g["deep_loss"] < 0.1 * 78.0
    X, y = parabola()
    losses = train_ensemble(X, y, sizes=(1, 10, 10, 1), activations="relu",
                            seeds=range(100), lr=0.001, momentum=0.1,
                            num_epochs=2000).final_loss  # fmt: skip
    assert len(losses) == g["deep_runs"] == 100
    assert g["deep_fit"] == int(np.sum(losses < 0.1 * 78.0)) >= 95
    assert g["deep_median"] == pytest.approx(np.median(losses))


def test_extrapolation_is_straight_lines_beyond_the_kinks(g, deep_model):
    model, _ = deep_model
    pieces = linear_pieces(model)
    assert g["last_kink"] == pytest.approx(pieces.kinks[-1], rel=1e-3)
    assert g["first_kink"] == pytest.approx(pieces.kinks[0], rel=1e-3)
    # Beyond the last kink the prediction is exactly one line (to float32 rounding),
    # checked with points that never went through linear_pieces.
    for edge, side in ((pieces.kinks[-1], 1), (pieces.kinks[0], -1)):
        xs = edge + side * np.array([1.0, 10.0, 100.0, 1000.0])
        ys = predict(model, xs)
        slope = (ys[1] - ys[0]) / (xs[1] - xs[0])
        line = ys[0] + slope * (xs - xs[0])
        np.testing.assert_allclose(ys, line, rtol=1e-5, atol=1e-3)
    assert g["right_slope"] == pytest.approx(pieces.slopes[-1], rel=1e-3)
    assert g["pred_at_10"] == pytest.approx(predict(model, [10.0])[0], rel=1e-3)
    assert g["left_slope"] == pytest.approx(pieces.slopes[0], rel=1e-3)


def test_glued_slopes_and_predictions(g):
    assert g["end_chord"] == 9.0
    # "at about the slope it had where the data stopped"
    assert g["right_fd"] == pytest.approx(9.0, abs=1.0)
    assert g["left_fd"] == pytest.approx(-9.0, abs=1.0)
    # "rises by ... from x = -9 to x = -10": a positive rise, a negative slope
    assert g["left_rise"] == -g["left_fd"] > 0
    assert abs(g["right_fd"] - g["right_slope"]) < 0.1
    assert g["max_outside_change"] < 0.1
    assert 0 < g["n_kinks_inside"] < g["n_kinks"]
    assert g["pred_at_10"] < 100 - 15 and g["pred_at_minus_10"] < 100 - 15


def test_noisy_target(chapter, g):
    _, y = noisy_parabola(-5, 5, noise=1.0, seed=0)
    assert f"{y[0]:.2f}" in chapter.stdout()
    # The irreducible loss: the closed form, recomputed by hand.
    X_held = np.arange(-5.0, 5.5, 0.5)
    assert g["nz_floor"] == pytest.approx(np.mean(4 * X_held**2 + 2))
    assert g["nz_noise_sd_5"] == pytest.approx(np.sqrt(102))
    # Training loss far below the floor; held-out loss above it.
    assert g["nz_train_end"] < g["nz_floor"] / 5
    assert g["nz_floor"] < g["nz_held_end"]
    assert g["nz_above_floor"] == pytest.approx(g["nz_held_end"] / g["nz_floor"] - 1)
    assert g["nz_above_floor"] < 0.5
    assert g["nz_held_end"] < g["nz_line_held"]
    # "the lowest held-out loss came before the end, then it crept up"
    assert g["nz_held_best"] < g["nz_held_end"] and g["nz_best_epochs"] < 1000
    assert g["nz_distance"] > 1  # it did not recover x**2 + 1


def test_loss_per_epoch_figures_numbers(g):
    assert g["deep_first_loss"] > 1000 * g["deep_loss"]
    assert g["nz_first_loss"] > 10 * g["nz_last_epoch_loss"]
    assert g["nz_last_epoch_loss"] < g["nz_floor"]


def test_exercise_solutions_state_what_they_find(g):
    assert g["ex1_gap"] < 1e-2
    assert g["ex1_hand_right"] == pytest.approx(g["ex1_net_right"], abs=1e-2)
    assert g["ex1_hand_left"] == pytest.approx(g["ex1_net_left"], abs=1e-2)
    assert g["first_kink"] > -100 and g["last_kink"] < 100
    assert g["ex2_worst_pct"] < 1
    assert g["ex2_sim_0"] == pytest.approx(2, rel=0.01)
    assert g["ex2_sim_5"] == pytest.approx(102, rel=0.01)
    assert g["ex3_train"] < g["nz_train_end"] and g["ex3_held"] > g["nz_held_end"]
