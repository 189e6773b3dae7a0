"""The solutions of chapter 2's exercises do what the exercises ask."""

import numpy as np
import pytest

from examples.data import line_data
from examples.models import LinearModel
from examples.solutions.ch02 import (
    epoch_factor,
    largest_stable_lr,
    train_without_bias,
    trains_stably,
)
from examples.training import train_per_sample

X, Y = line_data(weight=3.0, n=6)


def test_without_a_bias_the_weight_reaches_three():
    model, history = train_without_bias(num_epochs=201, seed=0)
    assert model.bias == 0.0
    assert model.weight == pytest.approx(3.0, abs=1e-5)
    # the chapter's model with a bias is further from 3 after the same epochs
    with_bias = LinearModel(bias=True, seed=0)
    train_per_sample(with_bias, X, Y, lr=0.01, momentum=0.2, num_epochs=201)
    assert abs(with_bias.weight - 3.0) > abs(model.weight - 3.0)
    assert history.loss[-1] <= history.loss[0] * 1e-6


@pytest.mark.parametrize("lr", [0.01, 0.05, 0.07])
def test_epoch_factor_matches_the_per_sample_updates(lr):
    # run one epoch of w <- w - lr * d/dw (w x - y)^2 by hand, in float64
    w = 0.5
    for x, y in zip(X, Y, strict=True):
        w -= lr * 2 * (w * x - y) * x
    assert (w - 3.0) / (0.5 - 3.0) == pytest.approx(epoch_factor(X, lr), rel=1e-12)


def test_largest_stable_lr_is_where_the_factor_first_reaches_one():
    lr = largest_stable_lr(X)
    assert abs(epoch_factor(X, lr)) == pytest.approx(1.0, abs=1e-6)
    below = np.linspace(1e-6, lr * (1 - 1e-6), 2000)
    assert max(abs(epoch_factor(X, v)) for v in below) < 1.0
    # looser than the one-sample bound 1 / max(x^2): the other samples pull it back
    assert lr > 1.0 / 36.0


def test_training_is_stable_just_below_and_unstable_just_above():
    lr = largest_stable_lr(X)
    assert trains_stably(0.9 * lr)
    assert not trains_stably(1.1 * lr)
    assert not trains_stably(0.3)  # diverges outright: the loss stops being finite


def test_solutions_reject_bad_arguments():
    with pytest.raises(ValueError, match="lr"):
        epoch_factor(X, 0.0)
    with pytest.raises(ValueError, match="X"):
        largest_stable_lr([])
