"""The solutions of chapter 9's exercises do what the exercises (and their
solutions' prose) say."""

import numpy as np
import pytest

from examples.solutions.ch09 import first_layer_inactive_share, sigmoid_chain_gradient


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


@pytest.mark.parametrize("depth", [1, 3, 10])
@pytest.mark.parametrize("weight", [1.0, 4.0, 6.0])
def test_the_chain_multiplies_by_a_quarter_of_the_weight(depth, weight):
    assert sigmoid_chain_gradient(depth, weight) == pytest.approx(
        (weight / 4) ** depth, rel=1e-12
    )


def test_the_chain_against_finite_differences_off_the_balance_point():
    def chain(x, depth=10, weight=4.0):
        for _ in range(depth):
            x = sigmoid(weight * (x - 0.5))
        return x

    h = 1e-6
    numeric = (chain(1.0 + h) - chain(1.0 - h)) / (2 * h)
    got = sigmoid_chain_gradient(10, 4.0, x=1.0)
    assert got == pytest.approx(numeric, rel=1e-5)
    assert got < 0.05  # off the balance point, the units saturate


def test_first_layer_units_inactive_at_birth_are_about_one_in_twenty():
    share = first_layer_inactive_share(1000)
    # closed form: w, b uniform on (-1, 1); inactive iff b <= -5 |w|: 1/20
    se = np.sqrt(0.05 * 0.95 / 10_000)
    assert abs(share - 0.05) < 4 * se


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="depth"):
        sigmoid_chain_gradient(0, 1.0)
    with pytest.raises(ValueError, match="weight"):
        sigmoid_chain_gradient(2, float("nan"))
    with pytest.raises(ValueError, match="num_seeds"):
        first_layer_inactive_share(0)
