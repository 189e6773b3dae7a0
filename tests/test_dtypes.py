import numpy as np
import pytest
import torch

from examples.dtypes import float32_roundoff, parameter_dtypes
from examples.models import LinearModel, mlp


def test_roundoff_is_the_float32_round_trip_error():
    values = np.array([0.1, 1.0 / 3.0, 7.3, -2.6])
    expected = max(abs(float(np.float32(v)) - v) / abs(v) for v in values.tolist())
    assert float32_roundoff(values) == expected
    assert 0 < expected <= 2.0**-24


def test_exactly_representable_values_do_not_change():
    assert float32_roundoff([0.0, 1.0, -0.25, 2.0**20]) == 0.0
    assert float32_roundoff([0.0]) == 0.0


def test_roundoff_rejects_bad_input():
    with pytest.raises(ValueError, match="values"):
        float32_roundoff([])
    with pytest.raises(ValueError, match="float32"):
        float32_roundoff([1e300])


def test_parameter_dtypes():
    assert parameter_dtypes(LinearModel(seed=0)) == {torch.float32}
    assert parameter_dtypes(mlp((1, 2, 1), seed=0).double()) == {torch.float64}
    with pytest.raises(ValueError, match="model"):
        parameter_dtypes("not a model")
