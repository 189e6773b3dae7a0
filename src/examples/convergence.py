"""How often training succeeds: sort many runs' final losses into outcomes.

"If you get a straight line, try again" is an anecdote; counting is a measurement.
Train the same network from many seeds (cheaply, with
:func:`examples.ensemble.train_ensemble`), then compare each run's final mean loss
with two references that need no training:

* the loss of the best straight line, :func:`straight_line_loss`, computed in closed
  form: a run that ends near it has learned nothing a line could not;
* a small fraction of that loss: a run that ends below it has fitted the curve.

Runs in between did part of the job, and runs whose loss stopped being finite
diverged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes
from torch import nn

from examples import _validate
from examples.least_squares import least_squares_line
from examples.plotting import PALETTE
from examples.training import as_tensors

#: The outcome labels :func:`classify_runs` returns, in this order of quality.
OUTCOMES = ("fit", "in between", "straight line", "diverged")


def straight_line_loss(
    X: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray
) -> float:
    """The mean squared error of the least-squares line: the best any line does.

    For ``y = x**2`` on ``x = -5, ..., 5`` the best line is flat, ``y_hat = 10``,
    and its loss is the variance of ``y``, 78.

    >>> X = np.arange(-5.0, 6.0)
    >>> straight_line_loss(X, X**2)
    78.0
    """
    X_arr, y_arr = _validate.data_pair(X, y)
    weight, bias = least_squares_line(X_arr, y_arr)
    return float(np.mean((weight * X_arr + bias - y_arr) ** 2))


def _fractions(fit_below: float, line_above: float) -> tuple[float, float]:
    fit_below = _validate.positive_number("fit_below", fit_below)
    line_above = _validate.positive_number("line_above", line_above)
    if not fit_below < line_above:
        raise ValueError(
            f"fit_below must be smaller than line_above, got {fit_below} and "
            f"{line_above}"
        )
    return fit_below, line_above


def classify_runs(
    final_loss: Sequence[float] | np.ndarray,
    line_loss: float,
    *,
    fit_below: float = 0.1,
    line_above: float = 0.9,
) -> np.ndarray:
    """Label each run by its final mean loss, relative to ``line_loss``.

    ``"fit"`` if the loss is below ``fit_below * line_loss``, ``"straight line"``
    if it is above ``line_above * line_loss``, ``"diverged"`` if it is not finite
    (NaN, as :class:`examples.ensemble.EnsembleHistory` records it) and
    ``"in between"`` otherwise.

    >>> classify_runs([3.0, 50.0, 78.6, float("nan")], 78.0).tolist()
    ['fit', 'in between', 'straight line', 'diverged']
    """
    losses = np.asarray(final_loss, dtype=np.float64).reshape(-1)
    if losses.size == 0:
        raise ValueError("final_loss must hold at least one run")
    line_loss = _validate.positive_number("line_loss", line_loss)
    fit_below, line_above = _fractions(fit_below, line_above)
    labels = np.full(losses.shape, "in between", dtype=object)
    finite = np.isfinite(losses)
    labels[finite & (losses < fit_below * line_loss)] = "fit"
    labels[finite & (losses > line_above * line_loss)] = "straight line"
    labels[~finite] = "diverged"
    return labels


@dataclass(frozen=True)
class OutcomeCounts:
    """How many runs ended in each outcome, and the thresholds that decided it."""

    fit: int
    in_between: int
    straight_line: int
    diverged: int
    fit_threshold: float
    line_threshold: float

    @property
    def total(self) -> int:
        """The number of runs counted."""
        return self.fit + self.in_between + self.straight_line + self.diverged

    def summary(self) -> str:
        """One line: the count of each outcome.

        >>> print(OutcomeCounts(6, 1, 3, 0, 7.8, 70.2).summary())
        of 10 runs: 6 fit, 1 in between, 3 straight line, 0 diverged
        """
        return (
            f"of {self.total} runs: {self.fit} fit, {self.in_between} in between, "
            f"{self.straight_line} straight line, {self.diverged} diverged"
        )


def count_outcomes(
    final_loss: Sequence[float] | np.ndarray,
    line_loss: float,
    *,
    fit_below: float = 0.1,
    line_above: float = 0.9,
) -> OutcomeCounts:
    """Count the runs in each outcome of :func:`classify_runs`.

    >>> counts = count_outcomes([3.0, 3.5, 50.0, 78.6], 78.0)
    >>> counts.fit, counts.in_between, counts.straight_line, counts.total
    (2, 1, 1, 4)
    >>> round(counts.fit_threshold, 1), round(counts.line_threshold, 1)
    (7.8, 70.2)
    """
    labels = classify_runs(
        final_loss, line_loss, fit_below=fit_below, line_above=line_above
    )
    n = {name: int(np.sum(labels == name)) for name in OUTCOMES}
    return OutcomeCounts(
        fit=n["fit"],
        in_between=n["in between"],
        straight_line=n["straight line"],
        diverged=n["diverged"],
        fit_threshold=fit_below * float(line_loss),
        line_threshold=line_above * float(line_loss),
    )


def plot_final_losses(
    final_loss: Sequence[float] | np.ndarray,
    line_loss: float,
    ax: Axes | None = None,
    *,
    fit_below: float = 0.1,
    line_above: float = 0.9,
    label: str | None = None,
    color: str | None = None,
) -> Axes:
    """A histogram of the runs' final losses (log scale) with both thresholds."""
    losses = np.asarray(final_loss, dtype=np.float64).reshape(-1)
    losses = losses[np.isfinite(losses)]
    if losses.size == 0 or np.any(losses <= 0):
        raise ValueError("final_loss must hold at least one finite, positive loss")
    line_loss = _validate.positive_number("line_loss", line_loss)
    fit_below, line_above = _fractions(fit_below, line_above)
    ax = ax if ax is not None else plt.gca()
    low = min(losses.min(), fit_below * line_loss) / 1.5
    high = max(losses.max(), line_loss) * 1.5
    bins = np.geomspace(low, high, 60)
    ax.hist(losses, bins=bins, alpha=0.75, label=label, color=color)
    ax.axvline(
        fit_below * line_loss,
        color=PALETTE[2],
        linestyle="--",
        linewidth=1.2,
        label=f"fit below {fit_below * line_loss:.3g}",
    )
    ax.axvline(
        line_above * line_loss,
        color=PALETTE[6],
        linestyle=":",
        linewidth=1.2,
        label=f"straight line above {line_above * line_loss:.3g}",
    )
    ax.set_xscale("log")
    ax.set_xlabel("final mean loss")
    ax.set_ylabel("runs")
    ax.legend()
    return ax


def full_batch_gradient(
    model: nn.Module, X: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray
) -> dict[str, np.ndarray]:
    """The gradient of the mean squared error over all of ``(X, y)``, per parameter.

    Near zero everywhere means the parameters sit at a flat spot of the loss: a
    minimum, or a saddle that training may take a very long time to leave. The
    model's own ``.grad`` fields are left untouched.

    >>> from examples.models import LinearModel
    >>> model = LinearModel(seed=0)
    >>> with torch.no_grad():
    ...     _ = model.linear.weight.fill_(2.0), model.linear.bias.fill_(0.0)
    >>> full_batch_gradient(model, [1.0, 2.0], [3.0, 6.0])["linear.weight"].tolist()
    [[-5.0]]
    """
    X_t, y_t = as_tensors(X, y)
    params = dict(model.named_parameters())
    loss = ((model(X_t) - y_t) ** 2).mean()
    grads = torch.autograd.grad(loss, list(params.values()))
    return {
        name: g.detach().double().numpy() for name, g in zip(params, grads, strict=True)
    }
