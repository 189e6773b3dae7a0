"""Solutions to the exercises of chapter 6, Mini-batches, learning rates and
optimisers.

Shown in chapter 6 (``06-mini-batches``).
"""

from __future__ import annotations

import numpy as np

from examples.data import parabola
from examples.mini_batches import largest_stable_lr, linear_hessian


def per_sample_limit(x: float = 5.0) -> tuple[float, float]:
    """Exercise 1: the largest stable rate of one sample's step, predicted
    from its curvature and measured by bisection."""
    X = np.array([x])
    curvature = np.linalg.eigvalsh(linear_hessian(X)).max()  # 2(x^2 + 1)
    predicted = 2 / curvature
    measured = largest_stable_lr(
        X, X**2, low=predicted / 10, high=predicted * 10, num_epochs=400,
        steps=16,
    )  # fmt: skip
    return float(predicted), measured


def scaled_inputs_limit(scale: float = 2.0) -> tuple[float, float]:
    """Exercise 2: the same on the parabola's data with every x times
    ``scale`` (the targets are still the old x squared)."""
    X, y = parabola(-5, 5)
    curvature = np.linalg.eigvalsh(linear_hessian(scale * X)).max()
    predicted = 2 / curvature
    measured = largest_stable_lr(
        scale * X, y, low=predicted / 10, high=predicted * 10,
        num_epochs=400, steps=16,
    )  # fmt: skip
    return float(predicted), measured
