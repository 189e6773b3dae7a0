"""Argument checks shared by the public functions of the package.

Each check raises :class:`ValueError` at once with the argument's name and what was
expected, so that a reader's mistake surfaces as a sentence rather than as a NaN
several cells later.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np


def positive_number(name: str, value: float) -> float:
    """Return ``value`` as a float if it is finite and greater than zero.

    >>> positive_number("lr", 0.01)
    0.01
    >>> positive_number("lr", 0)
    Traceback (most recent call last):
    ...
    ValueError: lr must be a finite number greater than 0, got 0
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        raise ValueError(f"{name} must be a number, got {value!r}")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(
            f"{name} must be a finite number greater than 0, got {value!r}"
        )
    return float(value)


def non_negative_number(name: str, value: float) -> float:
    """Return ``value`` as a float if it is finite and at least zero.

    >>> non_negative_number("momentum", 0.2)
    0.2
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        raise ValueError(f"{name} must be a number, got {value!r}")
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return float(value)


def positive_int(name: str, value: int) -> int:
    """Return ``value`` if it is an integer greater than zero.

    >>> positive_int("num_epochs", 201)
    201
    >>> positive_int("num_epochs", 2.5)
    Traceback (most recent call last):
    ...
    ValueError: num_epochs must be an integer greater than 0, got 2.5
    """
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, np.integer))
        or value <= 0
    ):
        raise ValueError(f"{name} must be an integer greater than 0, got {value!r}")
    return int(value)


def non_negative_int(name: str, value: int) -> int:
    """Return ``value`` if it is an integer of at least zero.

    >>> non_negative_int("seed", 0)
    0
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ValueError(f"{name} must be an integer >= 0, got {value!r}")
    return int(value)


def data_pair(
    X: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Check a training set and return it as two 1-D float64 arrays.

    ``X`` and ``y`` must be non-empty, of the same length and finite.

    >>> data_pair([1, 2], [3, 6])
    (array([1., 2.]), array([3., 6.]))
    >>> data_pair([1, 2], [3])
    Traceback (most recent call last):
    ...
    ValueError: X and y must have the same length, got 2 and 1
    """
    X_arr = finite_vector("X", X)
    y_arr = finite_vector("y", y)
    if len(X_arr) != len(y_arr):
        raise ValueError(
            f"X and y must have the same length, got {len(X_arr)} and {len(y_arr)}"
        )
    return X_arr, y_arr


def finite_vector(name: str, values: Sequence[float] | np.ndarray) -> np.ndarray:
    """Return ``values`` as a non-empty, finite, 1-D float64 array.

    >>> finite_vector("X", [0.5, float("nan")])
    Traceback (most recent call last):
    ...
    ValueError: X must hold only finite numbers; found a NaN or infinity at index 1
    """
    try:
        arr = np.asarray(
            values.detach().cpu().numpy() if hasattr(values, "detach") else values,
            dtype=np.float64,
        )
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} must be a sequence of numbers: {err}") from None
    arr = arr.reshape(-1) if arr.ndim == 2 and 1 in arr.shape else arr
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty")
    bad = np.flatnonzero(~np.isfinite(arr))
    if bad.size:
        raise ValueError(
            f"{name} must hold only finite numbers; found a NaN or infinity at index {bad[0]}"
        )
    return arr
