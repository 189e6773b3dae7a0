"""How a one-hidden-layer ReLU network builds a curve out of bent lines.

A 1-H-1 ReLU network computes

    y_hat = c + sum_i v_i * relu(w_i * x + b_i).

Each term is zero on one side of its *kink* ``x = -b_i / w_i`` and a straight line
on the other, so the sum is a chain of straight pieces that bends only at the kinks:
a piecewise-linear function. With enough kinks, such a chain can follow any
continuous curve on an interval as closely as we like (universal approximation); for
``x**2`` with kinks every ``h``, the largest error of the interpolating chain is
exactly ``h**2 / 4``.

Shown in chapter 8 (``08-activation-functions``, figures ``fig-relu-error``,
``fig-relu-pieces``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes
from torch import nn

from examples import _validate
from examples.models import mlp
from examples.one_hidden_layer import hidden_outputs, unit_parameters


def unit_contributions(
    model: nn.Sequential, grid: Sequence[float] | np.ndarray
) -> tuple[np.ndarray, float]:
    """Each hidden unit's term ``v_i * act(w_i * x + b_i)`` on ``grid``, and ``c``.

    Returns an array of shape ``(H, len(grid))`` and the output bias ``c``; their
    sum over units plus ``c`` is the network's prediction.

    >>> from examples.training import predict
    >>> net = mlp((1, 4, 1), "relu", seed=0)
    >>> terms, c = unit_contributions(net, [0.0, 1.0])
    >>> bool(np.allclose(terms.sum(axis=0) + c, predict(net, [0.0, 1.0]), atol=1e-6))
    True
    """
    p = unit_parameters(model)
    grid_arr = _validate.finite_vector("grid", grid, float32=True)
    return p.v[:, None] * hidden_outputs(model, grid_arr), p.c


def kinks(model: nn.Sequential) -> np.ndarray:
    """The ``x`` where each hidden unit bends, ``-b_i / w_i`` (inf where ``w_i = 0``):
    the units' centres (:class:`examples.one_hidden_layer.UnitParameters`).

    >>> kinks(relu_interpolant(np.square, [0.0, 1.0, 2.0])).tolist()
    [0.0, 1.0]
    """
    return unit_parameters(model).centres


def relu_interpolant(
    f: Callable[[np.ndarray], np.ndarray],
    knots: Sequence[float] | np.ndarray,
    dtype: torch.dtype = torch.float32,
) -> nn.Sequential:
    """A 1-H-1 ReLU network, made by hand, through the points ``(t, f(t))``.

    Unit ``j`` is ``relu(x - t_j)``: weight 1, bias ``-t_j``. Its output
    weight is the change of slope at ``t_j`` (for the first unit, the first
    slope), and the output bias is ``f(t_0)``. On ``[t_0, t_H]`` the network
    is the polyline through the points; left of ``t_0`` it stays at
    ``f(t_0)``. ``dtype``: float32 like every model of the book, or float64.
    """
    t, values = _check_interpolant(f, knots, dtype)
    slopes = np.diff(values) / np.diff(t)
    H = len(t) - 1
    model = mlp((1, H, 1), "relu", seed=0).to(dtype)
    changes = torch.from_numpy(np.diff(slopes, prepend=0.0))
    with torch.no_grad():
        model.hidden1.weight.fill_(1.0)
        model.hidden1.bias.copy_(torch.from_numpy(-t[:-1]))
        model.output.weight.copy_(changes.reshape(1, H))
        model.output.bias.fill_(float(values[0]))
    return model


def _check_interpolant(f, knots, dtype) -> tuple[np.ndarray, np.ndarray]:
    """Check :func:`relu_interpolant`'s arguments; return the knots and f there.

    With knots ``t_0 < t_1 < ... < t_H`` and slopes ``s_j`` of the straight piece
    from ``t_j`` to ``t_(j+1)``, unit ``j``'s output weight is ``s_0`` for the first
    unit and ``s_j - s_(j-1)`` for the others.

    >>> from examples.training import predict
    >>> net = relu_interpolant(np.square, [-1.0, 0.0, 1.0])
    >>> predict(net, [-1.0, -0.5, 0.0, 0.5, 1.0]).tolist()
    [1.0, 0.5, 0.0, 0.5, 1.0]
    """
    if not callable(f):
        raise TypeError(f"f must be a function of an array, got {f!r}")
    if dtype not in (torch.float32, torch.float64):
        raise ValueError(f"dtype must be torch.float32 or torch.float64, got {dtype}")
    single = dtype == torch.float32
    t = _validate.finite_vector("knots", knots, float32=single)
    if len(t) < 2 or np.any(np.diff(t) <= 0):
        raise ValueError("knots must hold at least two values in increasing order")
    if len(t) > 10**5:
        raise ValueError(f"knots must hold at most 100000 values, got {len(t)}")
    values = _validate.finite_vector("f(knots)", f(t), float32=single)
    if len(values) != len(t):
        raise ValueError(
            f"f(knots) must give one value per knot ({len(t)}), got {len(values)}"
        )
    return t, values


def interpolation_error(
    f: Callable[[np.ndarray], np.ndarray],
    num_units: int,
    lo: float = -5.0,
    hi: float = 5.0,
    num_points: int = 10_001,
) -> float:
    """The largest ``|network(x) - f(x)|`` on ``[lo, hi]`` for evenly spaced knots.

    The network is :func:`relu_interpolant` with ``num_units`` units, that is
    ``num_units + 1`` knots from ``lo`` to ``hi``; the error is measured on
    ``num_points`` evenly spaced points in float64.

    >>> round(interpolation_error(np.square, 10), 4)  # h = 1: h**2 / 4
    0.25
    """
    num_units = _validate.iteration_count("num_units", num_units, limit=10**5)
    num_points = _validate.iteration_count("num_points", num_points, limit=10**7)
    if not callable(f):
        raise TypeError(f"f must be a function of an array, got {f!r}")
    _validate.finite_number("lo", lo)
    _validate.finite_number("hi", hi)
    if not hi > lo:
        raise ValueError(f"hi must be greater than lo, got lo={lo!r} and hi={hi!r}")
    knots = np.linspace(lo, hi, num_units + 1)
    model = relu_interpolant(f, knots, dtype=torch.float64)
    grid = np.linspace(lo, hi, num_points)
    with torch.no_grad():
        y_hat = model(torch.from_numpy(grid).reshape(-1, 1)).reshape(-1).numpy()
    return float(np.max(np.abs(y_hat - f(grid))))


def plot_unit_contributions(
    model: nn.Sequential,
    X: Sequence[float] | np.ndarray,
    y: Sequence[float] | np.ndarray,
    ax: Axes | None = None,
    grid: Sequence[float] | np.ndarray | None = None,
) -> Axes:
    """Each unit's term (thin lines), their sum plus ``c`` (thick) and the data.

    Units whose term is zero over the whole grid are drawn as nothing and counted
    in the legend. The vertical axis spans the data with a margin; terms that leave
    it continue as straight lines.
    """
    X_arr, y_arr = _validate.data_pair(X, y)
    ax = ax if ax is not None else plt.gca()
    if grid is None:
        grid = np.linspace(X_arr.min(), X_arr.max(), 401)
    grid = _validate.finite_vector("grid", grid)
    terms, c = unit_contributions(model, grid)
    silent = 0
    first = True
    for term in terms:
        if np.all(term == 0):
            silent += 1
            continue
        ax.plot(
            grid,
            term,
            color="#56B4E9",
            linewidth=1.0,
            label="one unit's term" if first else None,
        )
        first = False
    ax.plot(grid, terms.sum(axis=0) + c, color="#D55E00", label="sum of terms + c")
    ax.scatter(X_arr, y_arr, color="black", zorder=3, s=18, label="data")
    if silent:
        ax.plot([], [], " ", label=f"{silent} unit(s) zero everywhere")
    ax.axhline(0.0, color="black", linewidth=0.6)
    span = max(float(np.ptp(y_arr)), 1.0)
    ax.set_ylim(min(y_arr.min(), 0.0) - 0.4 * span, y_arr.max() + 0.15 * span)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend(fontsize=8)
    return ax


def plot_interpolation_error(
    num_units: Sequence[int],
    errors: Sequence[float],
    ax: Axes | None = None,
    bound: Sequence[float] | None = None,
) -> Axes:
    """The measured largest error against the number of units, log-log."""
    units = np.asarray(num_units, dtype=np.float64)
    errs = _validate.finite_vector("errors", errors)
    ax = ax if ax is not None else plt.gca()
    ax.loglog(units, errs, marker="o", label="measured largest error")
    if bound is not None:
        ax.loglog(units, bound, linestyle="--", label="$h^2/4$, $h = 10 / H$")
    ax.set_xlabel("hidden units H")
    ax.set_ylabel("largest |error| on [-5, 5]")
    ax.legend()
    return ax
