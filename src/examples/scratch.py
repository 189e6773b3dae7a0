"""Learning ``f(x) = 3x`` with no framework: nudge a weight by a fixed step."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from examples import _validate


@dataclass(frozen=True)
class NudgeResult:
    """What :func:`learn_by_nudging` saw, one entry per iteration.

    ``weights[i]`` is the weight used at iteration ``i`` and ``errors[i]`` the error
    ``weights[i] * x - y`` it gave. ``converged`` says whether an error came within
    the tolerance before the iterations ran out.
    """

    weights: list[float]
    errors: list[float]
    converged: bool
    x: float
    y: float
    step: float
    tolerance: float

    @property
    def final_weight(self) -> float:
        """The weight of the last iteration."""
        return self.weights[-1]

    @property
    def final_error(self) -> float:
        """The error of the last iteration."""
        return self.errors[-1]

    @property
    def iterations(self) -> int:
        """How many iterations ran."""
        return len(self.weights)


def _check_nudging(
    x, y, step, tolerance, max_iterations, seed, *, step_name="step", zero_x=False
):
    """Check the arguments of a nudging loop; return ``x`` and ``y`` as floats.

    ``step_name`` is the name the caller gives its step; ``zero_x=True`` accepts
    ``x = 0`` (a loop that does not divide by ``x`` and is meant to show a failure).
    """
    x = _validate.finite_number("x", x)
    y = _validate.finite_number("y", y)
    if x == 0 and not zero_x:
        raise ValueError("x must not be 0: the prediction w * x would not depend on w")
    _validate.positive_number(step_name, step)
    _validate.non_negative_number("tolerance", tolerance)
    _validate.iteration_count("max_iterations", max_iterations)
    _validate.seed("seed", seed)
    return x, y


def learn_by_nudging(
    x: float = 3.0,
    y: float = 9.0,
    step: float = 0.05,
    tolerance: float = 0.1,
    max_iterations: int = 90,
    seed: int = 0,
) -> NudgeResult:
    """Learn ``w`` in ``y = w * x`` from one example by fixed nudges.

    >>> learn_by_nudging(seed=0).iterations
    48
    """
    x, y = _check_nudging(x, y, step, tolerance, max_iterations, seed)
    weight = float(np.random.default_rng(seed).uniform(0.0, 1.0))
    weights, errors = [], []
    for _ in range(max_iterations):
        error = weight * x - y  # how far the prediction w * x is from y
        weights.append(weight)
        errors.append(error)
        if abs(error) <= tolerance:
            return NudgeResult(weights, errors, True, x, y, step, tolerance)
        # The error grows with w when x > 0 and shrinks with w when x < 0.
        weight -= step if error * x > 0 else -step
    return NudgeResult(weights, errors, False, x, y, step, tolerance)


def nudging_log(result: NudgeResult, every: int = 10) -> str:
    """The log lines a reader would print every ``every`` iterations, and the end.

    >>> print(nudging_log(learn_by_nudging(seed=0), every=20))
    iteration  0: weight 0.637, error -7.089
    iteration 20: weight 1.637, error -4.089
    iteration 40: weight 2.637, error -1.089
    iteration 47: weight 2.987, error -0.039  (|error| <= 0.1: stop)
    """
    every = _validate.positive_int("every", every)
    lines = []
    last = result.iterations - 1
    for i, (w, e) in enumerate(zip(result.weights, result.errors, strict=True)):
        if i % every == 0 or i == last:
            line = f"iteration {i:2d}: weight {w:.3f}, error {e:.3f}"
            if i == last and result.converged:
                line += f"  (|error| <= {result.tolerance:g}: stop)"
            lines.append(line)
    return "\n".join(lines)
