"""The exercises of chapter 5: each solution gives what its text says."""

import numpy as np
import pytest

from examples.backprop import network_parameters
from examples.data import parabola
from examples.models import mlp
from examples.solutions.ch05 import (
    difference_errors,
    tanh_check,
    tanh_gradients,
    used_twice,
)


def tanh_loss(p, x, y):
    return float((p["v"] @ np.tanh(p["w"] * x + p["b"]) + p["c"] - y) ** 2)


def test_tanh_gradients_agree_with_autograd():
    assert tanh_check(seed=0) < 1e-12
    assert tanh_check(seed=9) < 1e-12


def test_tanh_gradients_agree_with_finite_differences():
    p = network_parameters(mlp((1, 2, 1), "tanh", seed=2))
    p["c"] = np.array(p["c"])
    g = tanh_gradients(p, 1.5, 2.25)
    eps = 1e-6
    for name in ("w", "b", "v", "c"):
        for i in np.ndindex(p[name].shape):
            up = {k: np.array(v, dtype=float) for k, v in p.items()}
            down = {k: np.array(v, dtype=float) for k, v in p.items()}
            up[name][i] += eps
            down[name][i] -= eps
            numeric = (tanh_loss(up, 1.5, 2.25) - tanh_loss(down, 1.5, 2.25)) / (
                2 * eps
            )
            assert np.asarray(g[name])[i] == pytest.approx(numeric, rel=1e-6, abs=1e-8)


def test_the_error_of_finite_differences_falls_then_rises():
    eps = 10.0 ** -np.arange(1, 13)
    errors = difference_errors(eps)
    best = int(np.argmin(errors))
    assert 1e-7 <= eps[best] <= 1e-3
    # a hundredfold smaller for each tenfold smaller eps while the chord dominates
    for k in range(3):
        assert 60 < errors[k] / errors[k + 1] < 160
    assert errors[-1] > 100 * errors[best]  # rounding takes over


def test_difference_errors_refuses_a_non_positive_eps():
    with pytest.raises(ValueError, match="^eps_values"):
        difference_errors([1e-3, 0.0])


def test_a_value_used_twice():
    assert used_twice(3.0) == 7.0  # 2a + 1
    assert used_twice(-2.0) == -3.0
    X, _ = parabola(-1, 1)
    assert [used_twice(float(x)) for x in X] == [-1.0, 1.0, 3.0]
