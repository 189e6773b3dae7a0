"""Solutions to the exercises of chapter 8, activation functions.

Shown in chapter 8 (``08-activation-functions``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from torch import nn

from examples import _validate


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def tanh_from_sigmoid(x: Sequence[float] | np.ndarray) -> np.ndarray:
    """``tanh(x)`` computed as ``2 * sigmoid(2 * x) - 1`` (exercise 1).

    >>> tanh_from_sigmoid([0.0]).tolist()
    [0.0]
    """
    x = _validate.finite_vector("x", x)
    return 2.0 * _sigmoid(2.0 * x) - 1.0


def tanh_slope_from_sigmoid(x: Sequence[float] | np.ndarray) -> np.ndarray:
    """``tanh'(x)`` by the chain rule on ``2 * sigmoid(2 * x) - 1``:
    ``4 * sigmoid'(2x)``. Since ``sigmoid'`` is at most 0.25 (at 0),
    ``tanh'`` is at most 1 (at 0).

    >>> tanh_slope_from_sigmoid([0.0]).tolist()
    [1.0]
    """
    x = _validate.finite_vector("x", x)
    s = _sigmoid(2.0 * x)
    return 4.0 * s * (1.0 - s)


def _hidden_and_output(model: nn.Sequential, kind: type[nn.Module]) -> tuple:
    layers = list(model)
    if (
        len(layers) != 3
        or not isinstance(layers[0], nn.Linear)
        or not isinstance(layers[1], kind)
        or not isinstance(layers[2], nn.Linear)
        or layers[0].in_features != 1
        or layers[2].out_features != 1
    ):
        raise ValueError(
            f"model must be a 1-H-1 network with a {kind.__name__} hidden layer"
        )
    hidden, output = layers[0], layers[2]
    w = hidden.weight.detach().double().numpy()[:, 0]
    v = output.weight.detach().double().numpy()[0]
    c = float(output.bias.item())
    return w, v, c


def sigmoid_output_bounds(model: nn.Sequential) -> tuple[float, float]:
    """The range ``(low, high)`` a 1-H-1 sigmoid network's prediction never
    leaves. Each term ``v_i * sigmoid(...)`` lies between ``min(v_i, 0)``
    and ``max(v_i, 0)``, so the prediction lies between
    ``c + sum(min(v_i, 0))`` and ``c + sum(max(v_i, 0))`` (exercise 2).

    >>> from examples.models import mlp
    >>> low, high = sigmoid_output_bounds(mlp((1, 2, 1), "sigmoid", seed=0))
    >>> low < high
    True
    """
    _, v, c = _hidden_and_output(model, nn.Sigmoid)
    low = c + float(np.minimum(v, 0.0).sum())
    return low, c + float(np.maximum(v, 0.0).sum())


def relu_tail_slopes(model: nn.Sequential) -> tuple[float, float]:
    """The slopes ``(left, right)`` of a 1-H-1 ReLU network far from data.

    For ``x -> +inf`` the units with ``w_i > 0`` are on, each adding
    ``v_i * w_i`` to the slope; for ``x -> -inf`` the units with ``w_i < 0``
    are (exercise 3).

    >>> from examples.piecewise import relu_interpolant
    >>> relu_tail_slopes(relu_interpolant(np.square, [0.0, 1.0, 2.0]))
    (0.0, 3.0)
    """
    w, v, _ = _hidden_and_output(model, nn.ReLU)
    return float(np.sum((v * w)[w < 0])), float(np.sum((v * w)[w > 0]))


def units_for_error(
    tolerance: float,
    lo: float = -5.0,
    hi: float = 5.0,
) -> int:
    """The fewest units for which the hand-built ReLU polyline through
    evenly spaced points of ``x**2`` on ``[lo, hi]`` is within ``tolerance``
    everywhere. With ``H`` units the spacing is ``h = (hi - lo) / H`` and
    the largest error is ``h**2 / 4``, so ``H`` must be at least
    ``(hi - lo) / (2 * sqrt(tolerance))`` (exercise 4).

    >>> units_for_error(0.01)
    50
    """
    tolerance = _validate.positive_number("tolerance", tolerance)
    if not hi > lo:
        raise ValueError(f"hi must exceed lo, got lo={lo!r}, hi={hi!r}")
    units = int(np.ceil((hi - lo) / (2.0 * np.sqrt(tolerance)) - 1e-9))
    return max(units, 1)
