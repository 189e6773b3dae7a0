"""Plot helpers: each takes an optional Axes, draws on it and returns it.

Nothing here calls ``plt.show()`` or changes matplotlib's settings on import; a
chapter calls :func:`use_book_style` once.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from torch import nn

from examples import _validate
from examples.gradients import mean_loss_at, slope_at
from examples.scratch import NudgeResult
from examples.training import History, predict

#: Colour-blind safe colours (Okabe and Ito), used in this order by every figure.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]

BOOK_STYLE = {
    "figure.figsize": (6.4, 3.6),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "axes.prop_cycle": mpl.cycler(color=PALETTE),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "legend.frameon": False,
    "lines.linewidth": 2.0,
    "font.size": 10,
    # Reproducible files: a fixed hash salt for SVG ids and no creation date.
    "svg.hashsalt": "basics-of-ml",
    "path.simplify": True,
}


def use_book_style() -> None:
    """Set the book's figure style for the rest of the session (one call per chapter).

    >>> use_book_style()
    >>> plt.rcParams["axes.spines.top"]
    False
    """
    plt.rcParams.update(BOOK_STYLE)


def _axes(ax: Axes | None) -> Axes:
    return ax if ax is not None else plt.gca()


def plot_fit(
    model: nn.Module,
    X: Sequence[float] | np.ndarray,
    y: Sequence[float] | np.ndarray,
    ax: Axes | None = None,
    grid: Sequence[float] | np.ndarray | None = None,
    label: str = "model",
) -> Axes:
    """Scatter the data and draw the model's prediction over ``grid``.

    ``grid`` defaults to 200 points spanning the data's ``x`` range.
    """
    X_arr, y_arr = _validate.data_pair(X, y)
    ax = _axes(ax)
    if grid is None:
        grid = np.linspace(X_arr.min(), X_arr.max(), 200)
    y_hat = predict(model, grid)
    ax.plot(grid, y_hat, label=label, color=PALETTE[1])
    ax.scatter(X_arr, y_arr, label="data", color=PALETTE[0], zorder=3)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend()
    return ax


def plot_weight_path(
    result: NudgeResult, ax: Axes | None = None, target: float = 3.0
) -> Axes:
    """The weight at each iteration of :func:`examples.scratch.learn_by_nudging`."""
    ax = _axes(ax)
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
    ax = _axes(ax)
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


def plot_loss_curve(
    losses: History | Sequence[float],
    ax: Axes | None = None,
    label: str | None = None,
    log: bool = True,
) -> Axes:
    """The mean training loss per epoch, on a log scale by default."""
    values = losses.loss if isinstance(losses, History) else list(losses)
    values = _validate.finite_vector("losses", values)
    ax = _axes(ax)
    ax.plot(np.arange(len(values)), values, label=label)
    if log and np.all(values > 0):
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("mean loss")
    if label:
        ax.legend()
    return ax


def plot_loss_against_weight(
    X: Sequence[float] | np.ndarray,
    y: Sequence[float] | np.ndarray,
    weight: float,
    bias: float = 0.0,
    ax: Axes | None = None,
    weights: Sequence[float] | np.ndarray | None = None,
) -> Axes:
    """The mean loss as a function of the weight, and its tangent at ``weight``.

    The bias is held at ``bias``. The tangent's slope is the gradient autograd
    computes, :func:`examples.gradients.slope_at`.
    """
    X_arr, y_arr = _validate.data_pair(X, y)
    ax = _axes(ax)
    if weights is None:
        weights = np.linspace(min(weight, 0.0) - 0.5, 6.0, 300)
    weights = np.asarray(weights, dtype=np.float64)
    ax.plot(weights, mean_loss_at(X_arr, y_arr, weights, bias), label="mean loss")
    loss0 = mean_loss_at(X_arr, y_arr, weight, bias)
    slope = slope_at(X_arr, y_arr, weight, bias)
    span = np.linspace(weight - 0.8, weight + 0.8, 2)
    ax.plot(
        span,
        loss0 + slope * (span - weight),
        color=PALETTE[1],
        linestyle="--",
        label=f"tangent, slope {slope:.1f}",
    )
    ax.scatter(
        [weight], [loss0], color=PALETTE[1], zorder=3, label=f"weight {weight:.2f}"
    )
    ax.set_xlabel("weight")
    ax.set_ylabel("mean loss")
    ax.legend()
    return ax
