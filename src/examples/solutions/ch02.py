"""Solutions to the exercises of chapter 2, the same in PyTorch.

Shown in chapter 2 (``02-pytorch-linear``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from examples import _validate
from examples.data import line_data
from examples.models import LinearModel
from examples.training import History, TrainingDivergedError, train_per_sample


def train_without_bias(
    num_epochs: int = 201, seed: int = 0
) -> tuple[LinearModel, History]:
    """The chapter's run (six points on y = 3x, lr 0.01, momentum 0.2)
    without a bias: chapter 1's one-weight model, trained by PyTorch."""
    X, y = line_data(weight=3.0, n=6)
    model = LinearModel(bias=False, seed=seed)
    history = train_per_sample(
        model, X, y, lr=0.01, momentum=0.2, num_epochs=num_epochs
    )
    return model, history


def epoch_factor(X: Sequence[float] | np.ndarray, lr: float) -> float:
    """What one epoch of per-sample SGD (no bias, no momentum) multiplies
    ``w - 3`` by. On ``y = 3x`` a sample's error is ``(w - 3) x`` and the
    step ``w <- w - lr * 2 * (w - 3) * x * x`` multiplies ``w - 3`` by
    ``1 - 2 * lr * x**2``. An epoch applies one such factor per sample.
    """
    X_arr, lr = _check_factor(X, lr)
    return float(np.prod(1.0 - 2.0 * lr * X_arr**2))


def largest_stable_lr(
    X: Sequence[float] | np.ndarray,
    tol: float = 1e-9,
) -> float:
    """The learning rate at which ``|epoch_factor|`` first reaches 1.

    Below it every epoch brings the weight closer to 3; above it, further.
    Found by scanning for the first crossing, then bisecting.
    """
    X_arr = _check_stable(X, tol)
    # Past 1 / min(x**2), every factor is below -1, and so is the product.
    grid = np.linspace(0.0, 1.0 / np.min(X_arr**2), 20_001)[1:]
    sizes = np.abs([epoch_factor(X_arr, lr) for lr in grid])
    k = int(np.argmax(sizes >= 1.0))
    low, high = (grid[k - 1] if k else 0.0), grid[k]
    while high - low > tol:
        mid = (low + high) / 2
        above = abs(epoch_factor(X_arr, mid)) >= 1.0
        low, high = (low, mid) if above else (mid, high)
    return float(high)


def _check_factor(X, lr) -> tuple[np.ndarray, float]:
    """Check :func:`epoch_factor`'s arguments; return them as an array and a float."""
    return _validate.finite_vector("X", X), _validate.positive_number("lr", lr)


def _check_stable(X, tol) -> np.ndarray:
    """Check :func:`largest_stable_lr`'s arguments; return ``X`` as an array."""
    X_arr = _validate.finite_vector("X", X)
    if np.any(X_arr == 0):
        raise ValueError("X must not contain 0: a sample at 0 never moves the weight")
    _validate.positive_number("tol", tol)
    return X_arr


def trains_stably(lr: float, num_epochs: int = 60, seed: int = 0) -> bool:
    """Train the bias-free model without momentum; did the loss end below its start?"""
    X, y = line_data(weight=3.0, n=6)
    model = LinearModel(bias=False, seed=seed)
    try:
        history = train_per_sample(model, X, y, lr=lr, num_epochs=num_epochs)
    except TrainingDivergedError:
        return False
    return history.loss[-1] < history.loss[0]
