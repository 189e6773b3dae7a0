import numpy as np
import pytest

from examples.solutions.ch06 import per_sample_limit, scaled_inputs_limit


def test_one_samples_limit_is_two_over_two_x_squared_plus_one():
    predicted, measured = per_sample_limit(5.0)
    assert predicted == pytest.approx(2 / (2 * (25 + 1)))
    assert measured == pytest.approx(predicted, rel=0.01)
    predicted_3, _ = per_sample_limit(3.0)
    assert predicted_3 == pytest.approx(1 / 10)


def test_doubling_the_inputs_divides_the_limit_by_four():
    predicted, measured = scaled_inputs_limit(2.0)
    assert predicted == pytest.approx(0.1 / 4)
    assert measured == pytest.approx(predicted, rel=0.01)
    assert np.isfinite(measured)
