"""The solutions of chapter 3's exercises do what the exercises ask."""

import numpy as np
import pytest

from examples.data import noisy_line
from examples.least_squares import least_squares_line
from examples.models import LinearModel
from examples.sgd_limit import per_sample_sgd_line
from examples.solutions.ch03 import (
    fit_through_origin,
    full_batch_descent,
    train_in_float64,
)
from examples.training import train_per_sample

X, Y = noisy_line(n=10, noise=1.0, seed=0)


def test_through_origin_weight_is_the_minimum_of_the_one_weight_loss():
    learned, exact = fit_through_origin(X, Y, seed=0)
    # The exact weight zeroes the derivative of the mean loss ...
    assert np.mean(2 * (exact * X - Y) * X) == pytest.approx(0.0, abs=1e-12)
    # ... and training gets close to it, but (like the chapter's run) not exactly.
    assert learned == pytest.approx(exact, abs=0.03)
    assert learned != exact
    # Without a bias the line must be steeper to pass near the points.
    assert exact > least_squares_line(X, Y)[0]


def test_full_batch_descent_reaches_the_least_squares_line():
    w, b = full_batch_descent(X, Y, lr=0.02, num_steps=2000)
    ls_w, ls_b = least_squares_line(X, Y)
    assert w == pytest.approx(ls_w, abs=1e-8)
    assert b == pytest.approx(ls_b, abs=1e-8)


def test_float64_run_is_the_float64_reference_and_close_to_float32():
    w64, b64 = train_in_float64(X, Y, seed=0)
    start = LinearModel(seed=0)
    ref_w, ref_b = per_sample_sgd_line(
        X, Y, start.weight, start.bias, lr=0.001, momentum=0.2, num_epochs=101
    )
    assert w64 == pytest.approx(ref_w[-1], abs=1e-12)
    assert b64 == pytest.approx(ref_b[-1], abs=1e-12)
    model = LinearModel(seed=0)
    train_per_sample(model, X, Y, lr=0.001, momentum=0.2, num_epochs=101)
    assert abs(model.weight - w64) < 1e-4 and abs(model.bias - b64) < 1e-4
    # ... yet not bit-for-bit the same: float32 did round.
    assert (model.weight, model.bias) != (w64, b64)


def test_full_batch_gap_keeps_shrinking_with_more_steps():
    # "more steps shrink that gap further, until float64 rounding stops it"
    ls_w, ls_b = least_squares_line(X, Y)

    def gap(num_steps):
        w, b = full_batch_descent(X, Y, lr=0.02, num_steps=num_steps)
        return max(abs(w - ls_w), abs(b - ls_b))

    assert gap(1000) > gap(2000) > gap(3000) > 0
    assert gap(3000) < 1e-13
