import numpy as np
import pytest

from examples.data import line_data, noisy_line
from examples.gradients import mean_loss_at, slope_at
from examples.least_squares import least_squares_line


@pytest.mark.parametrize(
    "weight, bias", [(-0.5, 0.5), (0.0, 0.0), (2.9, -1.0), (7.0, 3.0)]
)
def test_slope_is_the_hand_derived_derivative(weight, bias):
    X, y = noisy_line(seed=1)
    hand = np.mean(2 * (weight * X + bias - y) * X)
    assert slope_at(X, y, weight, bias) == pytest.approx(hand, rel=1e-12)


def test_slope_matches_finite_differences_of_the_loss():
    X, y = line_data()
    h = 1e-6
    numeric = (mean_loss_at(X, y, 1.0 + h, 0.2) - mean_loss_at(X, y, 1.0 - h, 0.2)) / (
        2 * h
    )
    assert slope_at(X, y, 1.0, 0.2) == pytest.approx(numeric, rel=1e-6)


def test_slope_is_zero_at_the_least_squares_weight():
    X, y = noisy_line(seed=2)
    w, b = least_squares_line(X, y)
    assert slope_at(X, y, w, b) == pytest.approx(0.0, abs=1e-9)


def test_least_squares_matches_numpy_polyfit():
    X, y = noisy_line(n=25, seed=4)
    w, b = least_squares_line(X, y)
    np.testing.assert_allclose([w, b], np.polyfit(X, y, 1), rtol=1e-10)
    with pytest.raises(ValueError, match="two different values"):
        least_squares_line([1.0, 1.0], [2.0, 3.0])
