"""The gradient as the slope of the loss: the picture behind ``loss.backward()``.

Shown in chapter 2 (``02-pytorch-linear``, figure ``fig-loss-slope``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from matplotlib.axes import Axes

from examples import _validate
from examples.plotting import PALETTE, get_axes


def mean_loss_at(
    X: Sequence[float] | np.ndarray,
    y: Sequence[float] | np.ndarray,
    weight: float | np.ndarray,
    bias: float = 0.0,
) -> float | np.ndarray:
    """The mean squared error of ``weight * x + bias`` over the data set.

    ``weight`` may be an array, to trace the loss curve over many weights at once.

    >>> mean_loss_at([1.0, 2.0], [3.0, 6.0], 3.0)
    0.0
    >>> mean_loss_at([1.0, 2.0], [3.0, 6.0], np.array([2.0, 4.0])).tolist()
    [2.5, 2.5]
    """
    X_arr, y_arr = _validate.data_pair(X, y)
    w = _validate.real_array("weight", weight)
    bias = _validate.finite_number("bias", bias)
    residuals = np.multiply.outer(w, X_arr) + bias - y_arr
    loss = np.mean(residuals**2, axis=-1)
    return float(loss) if loss.ndim == 0 else loss


def slope_at(
    X: Sequence[float] | np.ndarray,
    y: Sequence[float] | np.ndarray,
    weight: float,
    bias: float = 0.0,
) -> float:
    """The derivative of :func:`mean_loss_at` with respect to the weight, by autograd.

    By hand it is ``mean(2 * (weight * x + bias - y) * x)``; the tests check that the
    two agree.

    >>> slope_at([1.0, 2.0], [3.0, 6.0], 2.0)
    -5.0
    """
    X_arr, y_arr = _validate.data_pair(X, y)
    weight = _validate.finite_number("weight", weight)
    bias = _validate.finite_number("bias", bias)
    w = torch.tensor(float(weight), dtype=torch.float64, requires_grad=True)
    X_t = torch.from_numpy(X_arr)
    loss = ((w * X_t + bias - torch.from_numpy(y_arr)) ** 2).mean()
    loss.backward()
    return float(w.grad)


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
    ax = get_axes(ax)
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
