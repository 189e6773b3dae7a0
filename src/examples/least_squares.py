"""The exact least-squares line, the reference a trained line is checked against.

Shown in chapter 2 (``02-pytorch-linear``); chapter 3 (``03-linear-regression``);
chapter 7 (``07-deeper-networks``); chapter 8 (``08-activation-functions``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from examples import _validate


def least_squares_line(
    X: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray
) -> tuple[float, float]:
    """The ``(weight, bias)`` minimising the mean of
    ``(weight * x + bias - y)**2``. Closed form:
    ``weight = cov(x, y) / var(x)``, ``bias = mean(y) - weight * mean(x)``.

    >>> least_squares_line([1, 2, 3], [2, 4, 6])
    (2.0, 0.0)
    """
    X_arr, y_arr = _check_line_data(X, y)
    x_c = X_arr - X_arr.mean()
    weight = float(np.dot(x_c, y_arr - y_arr.mean()) / np.dot(x_c, x_c))
    bias = float(y_arr.mean() - weight * X_arr.mean())
    return weight, bias


def _check_line_data(X, y) -> tuple[np.ndarray, np.ndarray]:
    """Check a data set that defines a line; return it as float64 arrays."""
    X_arr, y_arr = _validate.data_pair(X, y)
    if len(X_arr) < 2 or np.ptp(X_arr) == 0:
        raise ValueError("X must hold at least two different values to define a line")
    return X_arr, y_arr
