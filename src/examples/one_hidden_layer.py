"""Inside a one-hidden-layer network: what each hidden unit computes, and the sum.

A 1-H-1 network (``examples.models.mlp((1, H, 1), activation)``) computes

    h_j   = act(w_j * x + b_j)             for each hidden unit j = 1, ..., H
    y_hat = v_1 * h_1 + ... + v_H * h_H + c

Each hidden unit is a dot product of its weights with the input, plus its bias,
passed through the activation; the output unit is a dot product of its weights with
the hidden units, plus its bias. The functions here take a trained network apart
into those pieces so they can be plotted and measured: :func:`unit_parameters` is
the one place that reads ``w``, ``b``, ``v`` and ``c`` out of such a network (with
:func:`examples.models.layer_parameters`, which reads every layer of any network).
For pre-activations and activation slopes of many copies at once, see
:mod:`examples.hidden_units`.

Shown in chapter 4 (``04-parabola-network``, figures ``fig-parabola-failure``,
``fig-parabola-units``).
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
from examples.models import layer_parameters
from examples.plotting import PALETTE


@dataclass(frozen=True)
class UnitParameters:
    """The parameters of a 1-H-1 network as float64 arrays.

    ``w``, ``b``: the hidden units' weights and biases; ``v``: the output weights;
    ``c``: the output bias. ``activation`` is the hidden layer's module.
    """

    w: np.ndarray
    b: np.ndarray
    v: np.ndarray
    c: float
    activation: nn.Module

    @property
    def centres(self) -> np.ndarray:
        """Where each unit's pre-activation ``w_j * x + b_j`` is zero: ``-b_j / w_j``.

        For a sigmoid that is where the unit is half on and changes fastest; for a
        ReLU it is the kink (:func:`examples.piecewise.kinks`). ``inf`` where
        ``w_j = 0``: such a unit is the same constant everywhere.
        """
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.w != 0, -self.b / self.w, np.inf)


def unit_parameters(model: nn.Module) -> UnitParameters:
    """Read ``w``, ``b``, ``v`` and ``c`` out of a 1-H-1 network.

    >>> from examples.models import mlp
    >>> p = unit_parameters(mlp((1, 2, 1), "sigmoid", seed=0))
    >>> p.w.shape, p.b.shape, p.v.shape, type(p.c).__name__
    ((2,), (2,), (2,), 'float')
    """
    layers = list(model) if isinstance(model, nn.Sequential) else []
    if (
        len(layers) != 3
        or not isinstance(layers[0], nn.Linear)
        or isinstance(layers[1], nn.Linear)
        or not isinstance(layers[2], nn.Linear)
        or layers[0].in_features != 1
        or layers[2].out_features != 1
        or layers[0].bias is None
        or layers[2].bias is None
    ):
        raise ValueError(
            "model must be a 1-H-1 network: nn.Sequential(Linear(1, H), activation, "
            "Linear(H, 1)), as mlp((1, H, 1), ...) builds"
        )
    (W1, b1), (W2, b2) = layer_parameters(model)
    return UnitParameters(
        w=W1[:, 0], b=b1, v=W2[0], c=float(b2[0]), activation=layers[1]
    )


def hidden_outputs(model: nn.Module, X: Sequence[float] | np.ndarray) -> np.ndarray:
    """Each hidden unit's output ``h_j(x)`` at each ``x`` in ``X``, shape (H, len(X)).

    >>> from examples.models import mlp
    >>> from examples.training import predict
    >>> net = mlp((1, 3, 1), "sigmoid", seed=1)
    >>> h = hidden_outputs(net, [0.0, 2.0])
    >>> p = unit_parameters(net)
    >>> bool(np.allclose(p.v @ h + p.c, predict(net, [0.0, 2.0]), atol=1e-6))
    True
    """
    p = unit_parameters(model)
    X_arr = _validate.finite_vector("X", X)
    z = torch.from_numpy(np.outer(p.w, X_arr) + p.b[:, None])
    with torch.no_grad():
        return p.activation(z).numpy()


def plot_hidden_units(
    model: nn.Module,
    grid: Sequence[float] | np.ndarray,
    ax: Axes | None = None,
    shade: tuple[float, float] | None = None,
) -> Axes:
    """Each hidden unit's output ``h_j(x)`` over ``grid``; ``shade`` an x range."""
    h = hidden_outputs(model, grid)
    grid_arr = _validate.finite_vector("grid", grid)
    ax = ax if ax is not None else plt.gca()
    if shade is not None:
        ax.axvspan(*shade, color="0.92", zorder=0, label="training range")
    for j, row in enumerate(h):
        ax.plot(grid_arr, row, color=PALETTE[(j + 2) % len(PALETTE)], label=f"h{j + 1}")
    ax.set_xlabel("x")
    ax.set_ylabel("hidden unit output")
    ax.legend()
    return ax


def plot_output_combination(
    model: nn.Module,
    X: Sequence[float] | np.ndarray,
    y: Sequence[float] | np.ndarray,
    grid: Sequence[float] | np.ndarray,
    ax: Axes | None = None,
) -> Axes:
    """The output layer's terms ``v_j * h_j(x)`` (thin), their sum plus ``c`` (thick)
    and the data (points)."""
    X_arr, y_arr = _validate.data_pair(X, y)
    p = unit_parameters(model)
    h = hidden_outputs(model, grid)
    grid_arr = _validate.finite_vector("grid", grid)
    ax = ax if ax is not None else plt.gca()
    for j, row in enumerate(h):
        ax.plot(
            grid_arr,
            p.v[j] * row,
            color=PALETTE[(j + 2) % len(PALETTE)],
            linewidth=1.2,
            linestyle="--",
            label=f"v{j + 1} h{j + 1} = {p.v[j]:.1f} h{j + 1}",
        )
    ax.plot(
        grid_arr, p.v @ h + p.c, color=PALETTE[1], label=f"sum + c  (c = {p.c:.1f})"
    )
    ax.scatter(X_arr, y_arr, color=PALETTE[0], zorder=3, label="data")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend()
    return ax
