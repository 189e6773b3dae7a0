"""The data sets of the book's examples, each a pair of 1-D float64 arrays.

Every function that draws noise takes a ``seed`` and uses its own generator, so the
same call returns the same numbers on every machine and every build.

Shown in chapter 1 (``01-learning-by-nudging``); chapter 2 (``02-pytorch-linear``);
chapter 3 (``03-linear-regression``); chapter 4 (``04-parabola-network``); chapter 5
(``05-backpropagation``); chapter 6 (``06-mini-batches``); chapter 7
(``07-deeper-networks``, figure ``fig-deep-loss``); chapter 8
(``08-activation-functions``); chapter 9 (``09-training-with-activations``, figures
``fig-compare-curves``, ``fig-compare-final``).
"""

from __future__ import annotations

import numpy as np

from examples import _validate


def linear_table(
    xs: tuple[float, ...] = (1.0, 3.0, 5.0), weight: float = 3.0
) -> list[tuple[float, float, float]]:
    """Rows ``(x, f(x), f(x) / x)`` of the table for ``f(x) = weight * x``.

    The last column recovers the weight from each example, which is what learning
    has to do without being told ``f``.

    >>> linear_table()
    [(1.0, 3.0, 3.0), (3.0, 9.0, 3.0), (5.0, 15.0, 3.0)]
    """
    weight = _validate.finite_number("weight", weight)
    rows = []
    for x in _validate.finite_vector("xs", xs, float32=True):
        if x == 0:
            raise ValueError("xs must not contain 0: f(x) / x is undefined there")
        fx = weight * x
        rows.append((float(x), float(fx), float(fx / x)))
    return rows


def line_data(weight: float = 3.0, n: int = 6) -> tuple[np.ndarray, np.ndarray]:
    """The points ``x = 1, 2, ..., n`` on the line ``y = weight * x``.

    >>> X, y = line_data()
    >>> X
    array([1., 2., 3., 4., 5., 6.])
    >>> y
    array([ 3.,  6.,  9., 12., 15., 18.])
    """
    n = _validate.iteration_count("n", n, limit=MAX_POINTS)
    weight = _validate.finite_number("weight", weight)
    X = np.arange(1.0, n + 1.0)
    return X, weight * X


def noisy_line(
    n: int = 10, noise: float = 1.0, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Points ``x = 0, 1, ..., n - 1`` on ``y = x`` plus Gaussian noise.

    ``noise`` is the noise's standard deviation; ``seed`` fixes its draw.

    >>> X, y = noisy_line(n=3, seed=0)
    >>> X
    array([0., 1., 2.])
    >>> eps = np.random.default_rng(0).normal(0.0, 1.0, 3)
    >>> bool(np.allclose(y - X, eps))
    True
    """
    _check_noise(n, noise, seed)
    rng = np.random.default_rng(seed)
    X = np.arange(float(n))
    return X, X + rng.normal(0.0, noise, size=n)


#: The most points a data set of the book may have (it uses at most a few hundred).
MAX_POINTS = 10**6


def _check_noise(n: int, noise: float, seed: int) -> None:
    """Check the size, noise level and seed of a noisy data set."""
    _validate.iteration_count("n", n, limit=MAX_POINTS)
    _validate.non_negative_number("noise", noise)
    _validate.seed("seed", seed)


def parabola(start: int = -5, stop: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """The integers ``start, ..., stop`` (inclusive) and their squares.

    >>> X, y = parabola(-2, 2)
    >>> X, y
    (array([-2., -1.,  0.,  1.,  2.]), array([4., 1., 0., 1., 4.]))
    """
    for name, value in (("start", start), ("stop", stop)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"{name} must be an integer, got {value!r}")
        if abs(value) > MAX_POINTS:
            raise ValueError(f"{name} must be in [-{MAX_POINTS}, {MAX_POINTS}]")
    if stop < start:
        raise ValueError(
            f"stop must be >= start, got start={start!r} and stop={stop!r}"
        )
    X = np.arange(float(start), float(stop) + 1.0)
    return X, X**2


def noisy_parabola(
    start: int = -5, stop: int = 5, noise: float = 1.0, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """The source's "really crazy" target: ``y = (x + N(0, noise**2))**2``.

    The noise is added to ``x`` before squaring, so it grows with ``|x|``.

    >>> X, y = noisy_parabola(-1, 1, seed=0)
    >>> eps = np.random.default_rng(0).normal(0.0, 1.0, 3)
    >>> bool(np.allclose(y, (X + eps) ** 2))
    True
    """
    X, _ = parabola(start, stop)
    noise = _validate.non_negative_number("noise", noise)
    seed = _validate.seed("seed", seed)
    rng = np.random.default_rng(seed)
    return X, (X + rng.normal(0.0, noise, size=len(X))) ** 2
