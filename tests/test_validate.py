import math

import numpy as np
import pytest
import torch

from examples import (
    _validate,
    activations,
    comparison,
    data,
    ensemble,
    gradient_flow,
    gradients,
    models,
    outcomes,
    training,
)
from examples.data import parabola
from examples.solutions import ch01, ch02, ch03, ch07
from examples.training import TrainingDivergedError


@pytest.mark.parametrize("bad", [0, -1, math.nan, math.inf, "0.1", True])
def test_positive_number_rejects(bad):
    with pytest.raises(ValueError, match="^lr "):
        _validate.positive_number("lr", bad)


@pytest.mark.parametrize("bad", [0, -3, 2.0, True, None])
def test_positive_int_rejects(bad):
    with pytest.raises(
        ValueError, match="^num_epochs must be an integer greater than 0"
    ):
        _validate.positive_int("num_epochs", bad)


def test_data_pair_checks_empty_length_and_finiteness():
    with pytest.raises(ValueError, match="X must not be empty"):
        _validate.data_pair([], [])
    with pytest.raises(ValueError, match="same length, got 3 and 2"):
        _validate.data_pair([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="y must hold only finite numbers.*index 0"):
        _validate.data_pair([1.0], [np.inf])
    with pytest.raises(ValueError, match="X must be a sequence of numbers"):
        _validate.data_pair(["a"], [1.0])
    with pytest.raises(ValueError, match="one-dimensional"):
        _validate.data_pair(np.ones((2, 2)), np.ones((2, 2)))


def test_data_pair_accepts_columns_and_tensors():

    X, y = _validate.data_pair(torch.ones(3, 1), np.arange(3.0).reshape(3, 1))
    assert X.shape == y.shape == (3,)
    assert X.dtype == np.float64


# Issue 17's reproductions, each now refused at once with the argument's name (or,
# for a learning rate that makes the loss overflow, the divergence error).
X_P, Y_P = parabola()
ISSUE_17 = {
    "1 mean_loss_at None": (
        lambda: gradients.mean_loss_at([1, 2], [3, 6], None),
        "weight",
    ),
    "1 slope_at inf": (
        lambda: gradients.slope_at([1, 2], [3, 6], weight=float("inf")),
        "weight",
    ),
    "1 line_data nan": (lambda: data.line_data(weight=float("nan")), "weight"),
    "1 linear_table inf": (lambda: data.linear_table(weight=float("inf")), "weight"),
    "2 summarize nan": (
        lambda: comparison.summarize(np.array([1.0]), line_loss=float("nan")),
        "line_loss",
    ),
    "2 summarize None": (
        lambda: comparison.summarize(np.array([1.0]), line_loss=None),
        "line_loss",
    ),
    "3 full_batch lr 1e6": (
        lambda: ch03.full_batch_descent([1.0, 2.0, 3.0], [2.0, 4.0, 6.0], lr=1e6),
        None,
    ),
    "4 as_tensors 1e300": (lambda: training.as_tensors([1e300], [1.0]), "X"),
    "4 ensemble X*1e300": (
        lambda: ensemble.train_ensemble(
            X_P * 1e300,
            Y_P,
            sizes=(1, 2, 1),
            activations="relu",
            seeds=[0],
            lr=0.001,
            num_epochs=1,
        ),
        "X",
    ),
    "4 gradient_norms big": (
        lambda: gradient_flow.gradient_norms(
            "relu", X_P * 1e30, Y_P, depth=2, width=3, seeds=[0]
        ),
        "X",
    ),
    "5 mlp seed 2**64": (lambda: models.mlp(seed=2**64), "seed"),
    "5 LinearModel seed 2**64": (lambda: models.LinearModel(seed=2**64), "seed"),
    "5 ensemble seeds 2**64": (
        lambda: ensemble.train_ensemble(
            X_P,
            Y_P,
            sizes=(1, 2, 1),
            activations="relu",
            seeds=[2**64],
            lr=0.001,
            num_epochs=1,
        ),
        "seeds",
    ),
    "6 ensemble epochs 1e20": (
        lambda: ensemble.train_ensemble(
            X_P,
            Y_P,
            sizes=(1, 2, 1),
            activations="relu",
            seeds=[0],
            lr=0.001,
            num_epochs=10**20,
        ),
        "num_epochs",
    ),
    "6 compare_activations": (
        lambda: comparison.compare_activations(
            X_P,
            Y_P,
            names=["relu"],
            sizes=(1, 2, 1),
            seeds=[0],
            lr=0.001,
            num_epochs=10**20,
        ),
        "num_epochs",
    ),
    "6 noisy_target_losses": (lambda: ch07.noisy_target_losses(10**20), "num_epochs"),
    "7 sizes 1e9": (lambda: models.mlp((1, 10**9, 1)), "sizes"),
    "7 ch01 max_iter": (
        lambda: ch01.learn_by_proportional_steps(max_iterations=10**20),
        "max_iterations",
    ),
    "7 ch02 num_epochs": (
        lambda: ch02.train_without_bias(num_epochs=10**20),
        "num_epochs",
    ),
    "7 ch02 trains_stably": (
        lambda: ch02.trains_stably(0.01, num_epochs=10**20),
        "num_epochs",
    ),
    "7 ch03 num_steps": (
        lambda: ch03.full_batch_descent([1.0, 2.0], [2.0, 4.0], num_steps=10**20),
        "num_steps",
    ),
    "8 mlp(None)": (lambda: models.mlp(None), "sizes"),
    "8 ensemble activations None": (
        lambda: ensemble.train_ensemble(
            X_P,
            Y_P,
            sizes=(1, 2, 1),
            activations=None,
            seeds=[0],
            lr=0.001,
            num_epochs=1,
        ),
        "activations",
    ),
    "8 apply list": (lambda: activations.apply(["relu"], [1.0]), "name"),
    "8 train_per_sample None": (
        lambda: training.train_per_sample(None, X_P, Y_P, lr=0.01, num_epochs=1),
        "model",
    ),
    "8 parabola None": (lambda: data.parabola(start=None), "start"),
    "9 converged []": (
        lambda: outcomes.classify_runs([1.0, 2.0], line_loss=[]),
        "line_loss",
    ),
    "9 noisy_targets inf": (lambda: comparison.noisy_targets([float("inf")]), "seeds"),
    "10 complex": (lambda: training.as_tensors([1 + 1j], [1.0]), "X"),
    "10 bool": (lambda: training.as_tensors([True, False], [1.0, 2.0]), "X"),
    "11 apply empty": (lambda: activations.apply("relu", []), "x"),
    "11 converged empty": (
        lambda: outcomes.classify_runs([], 78),
        "final_loss",
    ),
    "12 new_linear None": (lambda: models.new_linear(1, 1, None), "generator"),
}


@pytest.mark.parametrize(("call", "argument"), ISSUE_17.values(), ids=ISSUE_17.keys())
def test_issue_17_reproductions_are_refused(call, argument):
    if argument is None:
        with pytest.raises(TrainingDivergedError, match="smaller lr"):
            call()
        return
    with pytest.raises((ValueError, TypeError)) as raised:
        call()
    assert str(raised.value).startswith(f"{argument} "), raised.value
