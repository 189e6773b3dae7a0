"""The solutions of chapter 8's exercises do what the exercises ask."""

import numpy as np
import pytest
import torch

from examples.activations import derivative
from examples.data import parabola
from examples.ensemble import train_ensemble
from examples.models import mlp
from examples.piecewise import interpolation_error
from examples.solutions.ch08 import (
    relu_tail_slopes,
    sigmoid_output_bounds,
    tanh_from_sigmoid,
    tanh_slope_from_sigmoid,
    units_for_error,
)
from examples.training import predict

X, Y = parabola()
GRID = np.linspace(-8.0, 8.0, 401)


def test_tanh_is_a_rescaled_sigmoid():
    expected = torch.tanh(torch.from_numpy(GRID)).numpy()
    np.testing.assert_allclose(tanh_from_sigmoid(GRID), expected, atol=1e-12)


def test_tanh_slope_is_four_sigmoid_slopes_and_at_most_one():
    np.testing.assert_allclose(
        tanh_slope_from_sigmoid(GRID), derivative("tanh", GRID), atol=1e-12
    )
    np.testing.assert_allclose(
        tanh_slope_from_sigmoid(GRID), 4 * derivative("sigmoid", 2 * GRID), atol=1e-12
    )
    assert tanh_slope_from_sigmoid(GRID).max() == pytest.approx(1.0)


@pytest.fixture(scope="module")
def trained_sigmoid_121():
    history = train_ensemble(
        X,
        Y,
        sizes=(1, 2, 1),
        activations="sigmoid",
        seeds=[0, 1, 2],
        lr=0.001,
        momentum=0.1,
        num_epochs=300,
    )
    return [history.model(k) for k in range(3)]


def test_a_sigmoid_network_stays_within_its_bounds(trained_sigmoid_121):
    wide = np.linspace(-1000.0, 1000.0, 20001)
    for net in trained_sigmoid_121:
        low, high = sigmoid_output_bounds(net)
        y_hat = predict(net, wide)
        assert low - 1e-4 <= y_hat.min() and y_hat.max() <= high + 1e-4
        # ... and cannot reach the parabola at x = 9
        assert high < 81
    # The bounds are tight: a single unit with weight 1 sweeps from c to c + v.
    net = mlp((1, 1, 1), "sigmoid", seed=0)
    with torch.no_grad():
        net.hidden1.weight.fill_(1.0)
        net.hidden1.bias.fill_(0.0)
        net.output.weight.fill_(-3.0)
        net.output.bias.fill_(2.0)
    assert sigmoid_output_bounds(net) == (-1.0, 2.0)
    y_far = predict(net, [-50.0, 50.0])
    np.testing.assert_allclose(y_far, [2.0, -1.0], atol=1e-6)


def test_relu_tail_slopes_match_the_far_predictions():
    for seed in range(5):
        net = mlp((1, 6, 1), "relu", seed=seed)
        left, right = relu_tail_slopes(net)
        far = predict(net, [-1001.0, -1000.0, 1000.0, 1001.0])
        assert far[1] - far[0] == pytest.approx(left, abs=1e-3)
        assert far[3] - far[2] == pytest.approx(right, abs=1e-3)


def test_units_for_error_is_the_smallest_that_suffices():
    assert units_for_error(0.01) == 50
    assert interpolation_error(np.square, 50) <= 0.01 + 1e-12
    assert interpolation_error(np.square, 49) > 0.01
    for tolerance in [1.0, 0.3, 0.05, 0.001]:
        n = units_for_error(tolerance)
        assert interpolation_error(np.square, n) <= tolerance * (1 + 1e-9)
        if n > 1:
            assert interpolation_error(np.square, n - 1) > tolerance
    with pytest.raises(ValueError, match="^tolerance"):
        units_for_error(0.0)


def test_bad_models_are_refused():
    with pytest.raises(ValueError, match="^model must be a 1-H-1 network with a"):
        sigmoid_output_bounds(mlp((1, 2, 1), "relu"))
    with pytest.raises(ValueError, match="^model must be a 1-H-1 network with a"):
        relu_tail_slopes(mlp((1, 2, 2, 1), "relu"))
