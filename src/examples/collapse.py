"""Without activations, a stack of linear layers is one linear map.

Layer ``l`` computes ``W_l a + b_l``. Composing two of them gives
``W_2 (W_1 a + b_1) + b_2 = (W_2 W_1) a + (W_2 b_1 + b_2)``: another linear layer.
By induction a whole network of linear layers, however deep and wide, computes one
``W a + b``, and for one input and one output that is a line ``weight * x + bias``.

Shown in chapter 8 (``08-activation-functions``, figure ``fig-collapse``); chapter 9
(``09-training-with-activations``).
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from torch import nn

from examples import _validate
from examples.least_squares import least_squares_line
from examples.models import layer_parameters


def collapse_linear(model: nn.Sequential) -> tuple[np.ndarray, np.ndarray]:
    """The single ``(W, b)`` a network of linear layers and identities is.

    Multiplies the layers out in float64, from the input side:
    ``W <- W_l @ W`` and ``b <- W_l @ b + b_l``. An activation function is
    exactly what stops the collapse, so any layer but ``nn.Linear`` and
    ``nn.Identity`` is refused.
    """
    _check_linear_network(model)
    layers = layer_parameters(model)  # each layer's (W_l, b_l), float64
    W, b = layers[0]
    for W_l, b_l in layers[1:]:
        W, b = W_l @ W, W_l @ b + b_l
    return W, b


def _check_linear_network(model: nn.Sequential) -> None:
    """Check :func:`collapse_linear`'s model: linear layers and identities only.

    >>> from examples.models import mlp
    >>> W, b = collapse_linear(mlp((1, 10, 10, 1), "identity", seed=0))
    >>> W.shape, b.shape
    ((1, 1), (1,))
    >>> collapse_linear(mlp((1, 2, 1), "relu"))
    Traceback (most recent call last):
    ...
    ValueError: model must contain only nn.Linear and nn.Identity layers; found ReLU()
    """
    if not isinstance(model, nn.Sequential):
        raise ValueError(f"model must be an nn.Sequential, got {type(model).__name__}")
    for layer in model:
        if not isinstance(layer, (nn.Linear, nn.Identity)):
            raise ValueError(
                "model must contain only nn.Linear and nn.Identity layers; "
                f"found {layer}"
            )
    if not any(isinstance(layer, nn.Linear) for layer in model):
        raise ValueError("model must contain at least one nn.Linear layer")


def collapse_to_line(model: nn.Sequential) -> tuple[float, float]:
    """The ``(weight, bias)`` of the line a one-input, one-output linear network is.

    >>> from examples.models import mlp
    >>> weight, bias = collapse_to_line(mlp((1, 3, 1), "identity", seed=1))
    >>> isinstance(weight, float) and isinstance(bias, float)
    True
    """
    W, b = collapse_linear(model)
    if W.shape != (1, 1):
        raise ValueError(
            f"model must map one input to one output, but it maps {W.shape[1]} "
            f"to {W.shape[0]}"
        )
    return float(W[0, 0]), float(b[0])


def best_line_loss(
    X: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray
) -> float:
    """The mean squared error of the least-squares line: no line does better.

    >>> round(best_line_loss([-1.0, 0.0, 1.0], [1.0, 0.0, 1.0]), 6)  # y = 2/3
    0.222222
    """
    X_arr, y_arr = _validate.data_pair(X, y)
    weight, bias = least_squares_line(X_arr, y_arr)
    return float(np.mean((weight * X_arr + bias - y_arr) ** 2))


def distance_from_line(
    X: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray
) -> float:
    """How far a curve, ``y`` at the inputs ``X``, strays from its own
    least-squares line: the largest ``|y - (weight * X + bias)|``. About zero
    (float rounding) for a network that collapsed into a line, clearly more for
    one that bends.

    >>> distance_from_line([0.0, 1.0, 2.0], [1.0, 3.0, 5.0])  # y = 2x + 1
    0.0
    >>> round(distance_from_line([-1.0, 0.0, 1.0], [1.0, 0.0, 1.0]), 4)
    0.6667
    """
    weight, bias = least_squares_line(X, y)
    X_arr, y_arr = _validate.data_pair(X, y)
    return float(np.max(np.abs(y_arr - (weight * X_arr + bias))))


def plot_linear_fits(
    X: Sequence[float] | np.ndarray,
    y: Sequence[float] | np.ndarray,
    lines: dict[str, tuple[float, float]],
    ax: Axes | None = None,
) -> Axes:
    """The data and one or more lines ``label -> (weight, bias)`` over its range."""
    X_arr, y_arr = _validate.data_pair(X, y)
    ax = ax if ax is not None else plt.gca()
    grid = np.linspace(X_arr.min(), X_arr.max(), 2)
    styles = ["-", "--", ":"]
    for i, (label, (weight, bias)) in enumerate(lines.items()):
        ax.plot(grid, weight * grid + bias, linestyle=styles[i % 3], label=label)
    ax.scatter(X_arr, y_arr, color="black", zorder=3, label="data")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend()
    return ax
