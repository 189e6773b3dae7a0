"""Solutions to the exercises of chapter 1, learning a weight by nudging it."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from examples import _validate
from examples.scratch import NudgeResult, learn_by_nudging


def compare_steps(
    steps: Sequence[float] = (0.01, 0.05, 0.5), max_iterations: int = 500, seed: int = 0
) -> dict[float, NudgeResult]:
    """The chapter's run (x = 3, y = 9, tolerance 0.1) with each step size.

    Each nudge moves the error by ``3 * step``. A step of 0.5 moves it by 1.5, more
    than the width 0.2 of the tolerance band, so the error can jump over the band
    for ever.
    """
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


def nudge_by_sign_of_error(
    x: float,
    y: float,
    step: float = 0.05,
    tolerance: float = 0.1,
    max_iterations: int = 90,
    seed: int = 0,
) -> NudgeResult:
    """The nudging loop *without* the input's sign: lower the weight when the error
    is positive, raise it when negative. Right for ``x > 0``, backwards for ``x < 0``.
    """
    x = float(_validate.finite_vector("x", [x])[0])
    y = float(_validate.finite_vector("y", [y])[0])
    step = _validate.positive_number("step", step)
    tolerance = _validate.non_negative_number("tolerance", tolerance)
    max_iterations = _validate.positive_int("max_iterations", max_iterations)
    weight = float(np.random.default_rng(seed).uniform(0.0, 1.0))
    weights, errors, converged = [], [], False
    for _ in range(max_iterations):
        error = weight * x - y
        weights.append(weight)
        errors.append(error)
        if abs(error) <= tolerance:
            converged = True
            break
        weight -= step if error > 0 else -step  # ignores which way x turns the error
    return NudgeResult(weights, errors, converged, x, y, step, tolerance)


def learn_by_proportional_steps(
    x: float = 3.0,
    y: float = 9.0,
    lr: float = 0.05,
    tolerance: float = 1e-6,
    max_iterations: int = 200,
    seed: int = 0,
) -> NudgeResult:
    """Nudge the weight by ``lr * error * x``: a step that shrinks with the error.

    ``error * x`` is the derivative of ``error**2 / 2`` with respect to the weight,
    so this is gradient descent. Each step multiplies the error by ``1 - lr * x**2``:
    it shrinks geometrically when that factor is between -1 and 1, and grows
    otherwise. The result's ``step`` field holds ``lr``.
    """
    x = float(_validate.finite_vector("x", [x])[0])
    y = float(_validate.finite_vector("y", [y])[0])
    lr = _validate.positive_number("lr", lr)
    tolerance = _validate.non_negative_number("tolerance", tolerance)
    max_iterations = _validate.positive_int("max_iterations", max_iterations)
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
