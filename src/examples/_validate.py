"""Argument checks shared by the public functions of the package.

Each check raises :class:`ValueError` at once with the argument's name and what was
expected, so that a reader's mistake surfaces as a sentence rather than as a NaN
several cells later.

Shown in no chapter: every public function of the package calls these checks
before the lines a chapter shows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

#: The real number types a numeric argument may have (bool and complex are not).
REAL = (int, float, np.integer, np.floating)

#: The largest magnitude a float32 tensor holds: data meant for a model must fit.
FLOAT32_MAX = float(np.finfo(np.float32).max)


def _real(name: str, value: float) -> float:
    """``value`` as a float if it is a real number (not bool, not complex)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, REAL):
        raise ValueError(f"{name} must be a number, got {value!r}")
    try:
        return float(value)
    except OverflowError:
        raise ValueError(f"{name} must be a finite number, got {value!r}") from None


def finite_number(name: str, value: float) -> float:
    """Return ``value`` as a float if it is a finite real number.

    >>> finite_number("weight", float("inf"))
    Traceback (most recent call last):
    ...
    ValueError: weight must be a finite number, got inf
    """
    number = _real(name, value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return number


def positive_number(name: str, value: float) -> float:
    """Return ``value`` as a float if it is finite and greater than zero.

    >>> positive_number("lr", 0.01)
    0.01
    >>> positive_number("lr", 0)
    Traceback (most recent call last):
    ...
    ValueError: lr must be a finite number greater than 0, got 0
    """
    number = _real(name, value)
    if not math.isfinite(number) or number <= 0:
        raise ValueError(
            f"{name} must be a finite number greater than 0, got {value!r}"
        )
    return number


def non_negative_number(name: str, value: float) -> float:
    """Return ``value`` as a float if it is finite and at least zero.

    >>> non_negative_number("momentum", 0.2)
    0.2
    """
    number = _real(name, value)
    if not math.isfinite(number) or number < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return number


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
        isinstance(value, (bool, np.bool_))
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
    X: Sequence[float] | np.ndarray,
    y: Sequence[float] | np.ndarray,
    float32: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Check a training set and return it as two 1-D float64 arrays.

    ``X`` and ``y`` must be non-empty, of the same length and finite (in
    float32 too with ``float32=True``, for data a model will see).

    >>> data_pair([1, 2], [3, 6])
    (array([1., 2.]), array([3., 6.]))
    >>> data_pair([1, 2], [3])
    Traceback (most recent call last):
    ...
    ValueError: X and y must have the same length, got 2 and 1
    """
    X_arr = finite_vector("X", X, float32=float32)
    y_arr = finite_vector("y", y, float32=float32)
    if len(X_arr) != len(y_arr):
        raise ValueError(
            f"X and y must have the same length, got {len(X_arr)} and {len(y_arr)}"
        )
    return X_arr, y_arr


def _real_numbers(name: str, values: object, expected: str) -> np.ndarray:
    """``values`` (a tensor, an array, a sequence or a number) as a float64 array of
    real numbers, any shape; a ValueError naming ``name`` and ``expected`` when it
    holds anything else (text, booleans, complex numbers, None, dates)."""
    if isinstance(values, (str, bytes, dict, set)) or values is None:
        raise ValueError(f"{name} must be {expected}, got {values!r}")
    try:
        raw = np.asarray(
            values.detach().cpu().numpy() if hasattr(values, "detach") else values
        )
        if raw.dtype.kind in "bcUSVM":
            kind = {"b": "booleans", "c": "complex numbers"}.get(raw.dtype.kind)
            raise TypeError(f"got {kind or raw.dtype}")
        if raw.dtype.kind == "O" and any(
            isinstance(v, (bool, complex, str, bytes, np.bool_, np.complexfloating))
            or v is None
            for v in raw.reshape(-1)
        ):
            raise TypeError("found a bool, complex number, string or None among them")
        return np.asarray(raw, dtype=np.float64)
    except (TypeError, ValueError, OverflowError) as err:
        raise ValueError(f"{name} must be {expected}: {err}") from None


def finite_vector(
    name: str, values: Sequence[float] | np.ndarray, float32: bool = False
) -> np.ndarray:
    """Return ``values`` as a non-empty, finite, 1-D float64 array.

    Booleans, complex numbers and strings are refused rather than converted. With
    ``float32=True`` every value must also be finite in float32 (at most about
    3.4e38 in size), the format of the book's models.

    >>> finite_vector("X", [0.5, float("nan")])
    Traceback (most recent call last):
    ...
    ValueError: X must hold only finite numbers; found a NaN or infinity at index 1
    """
    arr = _real_numbers(name, values, "a sequence of numbers")
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
    big = np.flatnonzero(np.abs(arr) > FLOAT32_MAX) if float32 else bad
    if big.size:
        raise ValueError(
            f"{name} must hold numbers a float32 model can hold (size at most "
            f"{FLOAT32_MAX:.3g}); found {arr[big[0]]:g} at index {big[0]}"
        )
    return arr


#: Seeds are 63-bit: every generator of the book (numpy's, torch's, an int64
#: array of seeds) takes them without overflow.
MAX_SEED = 2**63 - 1

#: The most iterations (or epochs) a loop of the book accepts: far above what any
#: chapter uses (hundreds to a few thousand), low enough to finish in minutes.
MAX_ITERATIONS = 10**6


def seed(name: str, value: int) -> int:
    """Return ``value`` if it is an integer seed in ``[0, 2**63 - 1]``.

    >>> seed("seed", 2**64)
    Traceback (most recent call last):
    ...
    ValueError: seed must be an integer in [0, 2**63 - 1], got 18446744073709551616
    """
    if (
        isinstance(value, (bool, np.bool_))
        or not isinstance(value, (int, np.integer))
        or not 0 <= value <= MAX_SEED
    ):
        raise ValueError(f"{name} must be an integer in [0, 2**63 - 1], got {value!r}")
    return int(value)


def iteration_count(name: str, value: int, limit: int = MAX_ITERATIONS) -> int:
    """Return ``value`` if it is an integer in ``[1, limit]``.

    >>> iteration_count("num_epochs", 10**20)
    Traceback (most recent call last):
    ...
    ValueError: num_epochs must be an integer in [1, 1000000], got 100000000000000000000
    """
    if (
        isinstance(value, (bool, np.bool_))
        or not isinstance(value, (int, np.integer))
        or not 1 <= value <= limit
    ):
        raise ValueError(f"{name} must be an integer in [1, {limit}], got {value!r}")
    return int(value)


def real_array(name: str, values: object, allow_nan: bool = False) -> np.ndarray:
    """Return ``values`` (a number or an array of any shape) as a non-empty float64
    array of real numbers, finite unless ``allow_nan`` (then NaN and infinity, a
    diverged run's loss, are kept).

    >>> real_array("x", 2.0)
    array(2.)
    >>> real_array("x", [1j])
    Traceback (most recent call last):
    ...
    ValueError: x must be a number or an array of numbers: got complex numbers
    """
    arr = _real_numbers(name, values, "a number or an array of numbers")
    if arr.size == 0:
        raise ValueError(f"{name} must be a non-empty array, got {arr.shape}")
    if not allow_nan and not np.isfinite(arr).all():
        raise ValueError(f"{name} must hold only finite numbers")
    return arr


def final_and_line_losses(
    final_loss: object, line_loss: object
) -> tuple[np.ndarray, np.ndarray]:
    """Check runs' final losses (NaN: diverged) against the best line's loss.

    ``final_loss`` is a non-empty 1-D array; ``line_loss`` one positive finite
    number or one per run. Returns both as float64 arrays of the same shape.

    >>> final_and_line_losses([1.0, float("nan")], 78)
    (array([ 1., nan]), array([78., 78.]))
    >>> final_and_line_losses([1.0, 2.0], [])
    Traceback (most recent call last):
    ...
    ValueError: line_loss must be a non-empty array, got (0,)
    """
    final = real_array("final_loss", final_loss, allow_nan=True)
    if final.ndim != 1:
        raise ValueError(f"final_loss must be one-dimensional, got shape {final.shape}")
    line = real_array("line_loss", line_loss)
    if line.ndim > 1 or line.size not in (1, final.size):
        raise ValueError(
            f"line_loss must be one number or one per run ({final.size}), "
            f"got shape {line.shape}"
        )
    if np.any(line <= 0):
        raise ValueError("line_loss must be greater than 0 (data not on a line)")
    return final, np.broadcast_to(line.reshape(-1), final.shape)


def seed_list(name: str, seeds: object) -> list[int]:
    """Return ``seeds`` as a non-empty list of seeds (see :func:`seed`).

    >>> seed_list("seeds", range(3))
    [0, 1, 2]
    """
    if isinstance(seeds, (str, bytes)) or not hasattr(seeds, "__iter__"):
        raise ValueError(f"{name} must be a sequence of integers, got {seeds!r}")
    if hasattr(seeds, "__len__") and len(seeds) > MAX_SEEDS:
        raise ValueError(
            f"{name} must hold at most {MAX_SEEDS} seeds, got {len(seeds)}"
        )
    values = list(seeds)
    if not values:
        raise ValueError(f"{name} must name at least one seed")
    return [seed(name, value) for value in values]


#: The most seeds (runs) one call may ask for.
MAX_SEEDS = 10**6
