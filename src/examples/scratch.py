"""Learning ``f(x) = 3x`` with no framework: nudge a weight by a fixed step.

Shown in chapter 1 (``01-learning-by-nudging``, figures ``fig-nudging-animation``,
``fig-nudging-path``).
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from examples import _validate
from examples.animation import Animation, animate
from examples.plotting import PALETTE, get_axes


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


def plot_weight_path(
    result: NudgeResult, ax: Axes | None = None, target: float = 3.0
) -> Axes:
    """The weight at each iteration of :func:`examples.scratch.learn_by_nudging`."""
    ax = get_axes(ax)
    ax.plot(result.weights, marker=".", label="weight")
    ax.axhline(
        target, color=PALETTE[2], linestyle="--", label=f"true weight {target:g}"
    )
    ax.set_xlabel("iteration")
    ax.set_ylabel("weight")
    ax.legend()
    return ax


def plot_error_path(result: NudgeResult, ax: Axes | None = None) -> Axes:
    """The error at each iteration, with the tolerance band it must reach."""
    ax = get_axes(ax)
    ax.axhspan(
        -result.tolerance,
        result.tolerance,
        color=PALETTE[2],
        alpha=0.2,
        label=f"|error| <= {result.tolerance:g}",
    )
    ax.plot(result.errors, marker=".", color=PALETTE[1], label="error")
    ax.axhline(0.0, color="black", linewidth=0.8)
    ax.set_xlabel("iteration")
    ax.set_ylabel("error  (w * x - y)")
    ax.legend()
    return ax


class NudgingScene:
    """Chapter 1's run as a line ``y = w x`` pivoting towards the example.

    Left: the example ``(x, y)``, the current line through the origin and the error
    as a segment from the prediction to the target. Right: the error at each
    iteration so far, with the tolerance band the loop stops in.
    """

    def __init__(self, result: NudgeResult, figsize: tuple[float, float] = (8, 3.2)):
        if not isinstance(result, NudgeResult):
            raise ValueError(
                f"result must be a NudgeResult, got {type(result).__name__}"
            )
        self.result = result
        x, y = result.x, result.y
        self.fig, (self.ax_line, self.ax_err) = plt.subplots(1, 2, figsize=figsize)
        reach = max(abs(x), 1.0) * 1.25
        self.xs = np.array([min(0.0, x) - 0.1 * reach, max(0.0, x) + 0.1 * reach])
        top = max(abs(y), max(abs(w * x) for w in result.weights)) * 1.15
        ax = self.ax_line
        ax.scatter(
            [x], [y], color=PALETTE[0], zorder=3, label=f"example ({x:g}, {y:g})"
        )
        (self.line,) = ax.plot([], [], color=PALETTE[1], label="y = w x")
        (self.gap,) = ax.plot([], [], color=PALETTE[3], linestyle=":", label="error")
        ax.set_xlim(*self.xs)
        ax.set_ylim(-top if min(y, 0) < 0 else -0.05 * top, top)
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        ax.legend(loc="upper left")
        self.title = ax.set_title("")
        ax = self.ax_err
        n = result.iterations
        ax.axhspan(-result.tolerance, result.tolerance, color=PALETTE[2], alpha=0.2)
        ax.axhline(0.0, color="black", linewidth=0.8)
        (self.err_line,) = ax.plot([], [], marker=".", color=PALETTE[1])
        low, high = min(result.errors + [0.0]), max(result.errors + [0.0])
        pad = 0.08 * (high - low or 1.0)
        ax.set_xlim(-0.5, max(n - 0.5, 1.0))
        ax.set_ylim(low - pad, high + pad)
        ax.set_xlabel("iteration")
        ax.set_ylabel("error  (w * x - y)")
        self.update(n - 1)  # lay out with a title in place, so it is not clipped
        self.fig.tight_layout()

    @property
    def num_frames(self) -> int:
        return self.result.iterations

    def update(self, i: int) -> None:
        """Draw the state at iteration ``i``."""
        r = self.result
        w = r.weights[i]
        self.line.set_data(self.xs, w * self.xs)
        self.gap.set_data([r.x, r.x], [w * r.x, r.y])
        # Numbered like nudging_log: iteration 0 is the start, i follows i nudges.
        label = "iteration 0 (start)" if i == 0 else f"iteration {i}"
        self.title.set_text(f"{label}: w = {w:.2f}, error = {r.errors[i]:.2f}")
        self.err_line.set_data(np.arange(i + 1), r.errors[: i + 1])


def nudging_animation(
    result: NudgeResult, alt: str | None = None, interval_ms: int = 120
) -> Animation:
    """One frame per iteration of :func:`examples.scratch.learn_by_nudging`.

    >>> from examples.scratch import learn_by_nudging
    >>> anim = nudging_animation(learn_by_nudging(seed=0))
    >>> anim.num_frames
    48
    """
    scene = NudgingScene(result)
    if alt is None:
        alt = (
            f"Animation over {result.iterations} iterations: a straight line through "
            f"the origin pivots upwards, one equal step at a time, until it passes "
            f"just below the example point ({result.x:g}, {result.y:g}); beside it "
            f"the error climbs in a straight line towards zero and stops inside the "
            f"tolerance band."
        )
    return animate(scene.fig, scene.update, scene.num_frames, alt, interval_ms)
