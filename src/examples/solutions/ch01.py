"""Solutions to the exercises of chapter 1, learning a weight by nudging it.

Shown in chapter 1 (``01-learning-by-nudging``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from examples import _validate
from examples.scratch import NudgeResult, _check_nudging, learn_by_nudging


def compare_steps(
    steps: Sequence[float] = (0.01, 0.05, 0.5),
    max_iterations: int = 500,
    seed: int = 0,
) -> dict[float, NudgeResult]:
    """The chapter's run (x = 3, y = 9, tolerance 0.1) with each step.

    Each nudge moves the error by ``3 * step``. A step of 0.5 moves it by
    1.5, more than the width 0.2 of the tolerance band, so the error can
    jump over the band for ever.
    """
    _check_steps(steps)
    return {
        step: learn_by_nudging(
            x=3.0,
            y=9.0,
            step=step,
            tolerance=0.1,
            max_iterations=max_iterations,
            seed=seed,
        )
        for step in steps
    }


def _check_steps(steps: Sequence[float]) -> None:
    """``steps`` must be a non-empty sequence of positive numbers."""
    if isinstance(steps, (str, bytes)) or not isinstance(steps, Sequence):
        raise TypeError(f"steps must be a sequence of numbers, got {steps!r}")
    if not steps:
        raise ValueError("steps must not be empty")
    for step in steps:
        _validate.positive_number("steps", step)


def _checked(x, y, step, tolerance, max_iterations, seed, step_name="step"):
    """The checks of :func:`examples.scratch.learn_by_nudging`, allowing x = 0."""
    return _check_nudging(
        x, y, step, tolerance, max_iterations, seed, step_name=step_name, zero_x=True
    )


def nudge_by_sign_of_error(
    x: float,
    y: float,
    step: float = 0.05,
    tolerance: float = 0.1,
    max_iterations: int = 90,
    seed: int = 0,
) -> NudgeResult:
    """The nudging loop *without* the input's sign: lower the weight when
    the error is positive, raise it when negative. Right for ``x > 0``,
    backwards for ``x < 0``.
    """
    x, y = _checked(x, y, step, tolerance, max_iterations, seed)
    weight = float(np.random.default_rng(seed).uniform(0.0, 1.0))
    weights, errors, converged = [], [], False
    for _ in range(max_iterations):
        error = weight * x - y
        weights.append(weight)
        errors.append(error)
        if abs(error) <= tolerance:
            converged = True
            break
        # Ignores which way x turns the error:
        weight -= step if error > 0 else -step
    return NudgeResult(weights, errors, converged, x, y, step, tolerance)


def learn_by_proportional_steps(
    x: float = 3.0,
    y: float = 9.0,
    lr: float = 0.05,
    tolerance: float = 1e-6,
    max_iterations: int = 200,
    seed: int = 0,
) -> NudgeResult:
    """Nudge the weight by ``lr * error * x``: a step that shrinks with the
    error. ``error * x`` is the derivative of ``error**2 / 2`` with respect
    to the weight, so this is gradient descent. Each step multiplies the
    error by ``1 - lr * x**2``. The result's ``step`` field holds ``lr``.
    """
    x, y = _checked(x, y, lr, tolerance, max_iterations, seed, "lr")
    weight = float(np.random.default_rng(seed).uniform(0.0, 1.0))
    weights, errors, converged = [], [], False
    for _ in range(max_iterations):
        error = weight * x - y
        weights.append(weight)
        errors.append(error)
        if abs(error) <= tolerance:
            converged = True
            break
        weight -= lr * error * x
    return NudgeResult(weights, errors, converged, x, y, lr, tolerance)
