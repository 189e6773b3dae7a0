import math

import numpy as np
import pytest

from examples import _validate


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
    import torch

    X, y = _validate.data_pair(torch.ones(3, 1), np.arange(3.0).reshape(3, 1))
    assert X.shape == y.shape == (3,)
    assert X.dtype == np.float64
