"""Extrapolation: what a network predicts outside the inputs it was trained on.

Training constrains a network only where it saw data. Outside that range its
prediction is whatever its architecture makes of the weights, and that can be
worked out exactly:

* a network whose hidden units are sigmoids tends to constants on both sides, as
  every sigmoid saturates at 0 or 1 (:func:`sigmoid_asymptotes`);
* a ReLU network is piecewise linear, so beyond its outermost kink it continues as
  a straight line for ever (:func:`linear_pieces`).

Neither follows a parabola out of the range it was trained on. This is not
overfitting (which is about noise in the training data); it is extrapolation.

Shown in chapter 4 (``04-parabola-network``, figure ``fig-parabola-extrapolation``);
chapter 7 (``07-deeper-networks``, figure ``fig-deep-extrapolation``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from torch import nn

from examples import _validate
from examples.models import layer_parameters
from examples.one_hidden_layer import unit_parameters
from examples.plotting import PALETTE
from examples.training import predict


def sigmoid_asymptotes(model: nn.Module) -> tuple[float, float]:
    """The limits of a 1-H-1 sigmoid network's prediction as x goes to -inf and +inf.

    Unit ``j`` tends to 1 on the side its weight ``w_j`` points to and to 0 on the
    other, so the prediction tends to ``c`` plus the ``v_j`` of the units that are
    on. A unit with ``w_j = 0`` is the constant ``sigmoid(b_j)`` everywhere.

    >>> from examples.models import mlp
    >>> net = mlp((1, 2, 1), "sigmoid", seed=0)
    >>> left, right = sigmoid_asymptotes(net)
    >>> bool(np.allclose(predict(net, [-1e4, 1e4]), [left, right], atol=1e-5))
    True
    """
    p = unit_parameters(model)
    if not isinstance(p.activation, nn.Sigmoid):
        raise ValueError(
            f"model must have sigmoid hidden units, got {type(p.activation).__name__}"
        )
    flat = 1.0 / (1.0 + np.exp(-p.b))
    right_on = np.where(p.w > 0, 1.0, np.where(p.w < 0, 0.0, flat))
    left_on = np.where(p.w < 0, 1.0, np.where(p.w > 0, 0.0, flat))
    return float(p.c + p.v @ left_on), float(p.c + p.v @ right_on)


@dataclass(frozen=True)
class LinearPieces:
    """A piecewise-linear function of one input, exactly.

    Between consecutive ``kinks`` (and before the first, after the last) the function
    is ``slopes[i] * x + intercepts[i]``: piece ``i`` lies left of ``kinks[i]``, the
    last piece right of ``kinks[-1]``. Some kinks may not bend the output (a unit
    switches but its change is cancelled or ignored downstream); they are kept.
    """

    kinks: np.ndarray
    slopes: np.ndarray
    intercepts: np.ndarray

    def __call__(self, X: Sequence[float] | np.ndarray) -> np.ndarray:
        """The function's values at ``X``."""
        X_arr = _validate.finite_vector("X", X)
        piece = np.searchsorted(self.kinks, X_arr)
        return self.slopes[piece] * X_arr + self.intercepts[piece]


_PIECEWISE_LINEAR = (nn.ReLU, nn.Identity)


def linear_pieces(model: nn.Module) -> LinearPieces:
    """The exact linear pieces of a ReLU network with one input and output.

    Working layer by layer in float64, each piece of the input line carries
    every unit's value as ``A * x + C``; a ReLU splits a piece where a
    unit's pre-activation crosses zero and zeroes the unit where it is
    negative.
    """
    layers = _check_relu_network(model)
    # Each part: its left and right ends and the units' values A * x + C.
    parts = [(-np.inf, np.inf, np.ones(1), np.zeros(1))]
    for layer in layers:
        if isinstance(layer, nn.Linear):
            [(W, b)] = layer_parameters(layer)
            parts = [(lo, hi, W @ A, W @ C + b) for lo, hi, A, C in parts]
        elif isinstance(layer, nn.ReLU):
            parts = [p for part in parts for p in _relu_split(*part)]
    kinks = np.array([hi for _, hi, _, _ in parts[:-1]])
    slopes = np.array([A[0] for _, _, A, _ in parts])
    intercepts = np.array([C[0] for _, _, _, C in parts])
    return LinearPieces(kinks, slopes, intercepts)


def _check_relu_network(model: nn.Module) -> list[nn.Module]:
    """Check that ``model`` is a ReLU network for :func:`linear_pieces`.

    ``model`` is an ``nn.Sequential`` of ``nn.Linear`` layers and ``nn.ReLU`` (or
    ``nn.Identity``) activations, such as ``mlp((1, 10, 10, 1), "relu")``; returns
    its layers.

    >>> from examples.models import mlp
    >>> net = mlp((1, 10, 10, 1), "relu", seed=0)
    >>> pieces = linear_pieces(net)
    >>> X = np.linspace(-20, 20, 9)
    >>> bool(np.allclose(pieces(X), predict(net, X), atol=1e-4))
    True
    """
    layers = list(model) if isinstance(model, nn.Sequential) else []
    linears = [m for m in layers if isinstance(m, nn.Linear)]
    if (
        not linears
        or not all(isinstance(m, (nn.Linear, *_PIECEWISE_LINEAR)) for m in layers)
        or linears[0].in_features != 1
        or linears[-1].out_features != 1
    ):
        raise ValueError(
            "model must be an nn.Sequential of Linear layers and ReLU activations "
            "with one input and one output"
        )
    return layers


def _relu_split(lo: float, hi: float, A: np.ndarray, C: np.ndarray) -> list[tuple]:
    """Split the piece ``[lo, hi]`` where any unit's ``A x + C`` crosses zero, then
    apply the ReLU on each part (zero the units that are negative there)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        roots = -C / A
    inside = np.unique(roots[np.isfinite(roots) & (roots > lo) & (roots < hi)])
    ends = np.concatenate([[lo], inside, [hi]])
    parts = []
    for left, right in zip(ends[:-1], ends[1:], strict=True):
        if np.isfinite(left) and np.isfinite(right):
            probe = 0.5 * (left + right)
        elif np.isfinite(left):
            probe = left + 1.0
        elif np.isfinite(right):
            probe = right - 1.0
        else:
            probe = 0.0
        on = (A * probe + C) > 0
        parts.append((left, right, np.where(on, A, 0.0), np.where(on, C, 0.0)))
    return parts


def plot_extrapolation(
    model: nn.Module,
    X_train: Sequence[float] | np.ndarray,
    grid: Sequence[float] | np.ndarray,
    target: np.ndarray | None = None,
    ax: Axes | None = None,
    label: str = "network",
) -> Axes:
    """The model's prediction over ``grid``, the true curve ``target`` (its values on
    ``grid``, if given) and the training range shaded."""
    X_arr = _validate.finite_vector("X_train", X_train)
    grid_arr = _validate.finite_vector("grid", grid)
    ax = ax if ax is not None else plt.gca()
    ax.axvspan(X_arr.min(), X_arr.max(), color="0.92", zorder=0, label="training range")
    if target is not None:
        target_arr = _validate.finite_vector("target", target)
        if len(target_arr) != len(grid_arr):
            raise ValueError(
                f"target must have one value per grid point ({len(grid_arr)}), "
                f"got {len(target_arr)}"
            )
        ax.plot(grid_arr, target_arr, color=PALETTE[6], linestyle=":", label="x²")
    ax.plot(grid_arr, predict(model, grid_arr), color=PALETTE[1], label=label)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend()
    return ax
