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


def learn_by_nudging(
    x: float = 3.0,
    y: float = 9.0,
    step: float = 0.05,
    tolerance: float = 0.1,
    max_iterations: int = 90,
    seed: int = 0,
) -> NudgeResult:
    """Learn the weight ``w`` of ``y = w * x`` from one example by fixed nudges.

    Start from a weight drawn uniformly from [0, 1) with ``seed``. At each
    iteration, predict ``w * x`` and measure the error ``w * x - y``; stop if its
    size is at most ``tolerance``, otherwise move ``w`` by ``step`` in the direction
    that shrinks the error.

    >>> result = learn_by_nudging(seed=0)
    >>> result.converged, round(result.final_weight, 2), result.iterations
    (True, 2.99, 48)
    >>> abs(result.final_error) <= 0.1
    True
    """
    x = float(_validate.finite_vector("x", [x])[0])
    y = float(_validate.finite_vector("y", [y])[0])
    if x == 0:
        raise ValueError("x must not be 0: the prediction w * x would not depend on w")
    step = _validate.positive_number("step", step)
    tolerance = _validate.non_negative_number("tolerance", tolerance)
    max_iterations = _validate.positive_int("max_iterations", max_iterations)
    seed = _validate.non_negative_int("seed", seed)

    weight = float(np.random.default_rng(seed).uniform(0.0, 1.0))
    weights: list[float] = []
    errors: list[float] = []
    converged = False
    for _ in range(max_iterations):
        error = weight * x - y
        weights.append(weight)
        errors.append(error)
        if abs(error) <= tolerance:
            converged = True
            break
        # The error grows with w when x > 0 and shrinks with w when x < 0.
        weight -= step if error * x > 0 else -step
    return NudgeResult(weights, errors, converged, x, y, step, tolerance)


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
