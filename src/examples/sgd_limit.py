"""Where per-sample SGD on a line ends up, and why it is not the least-squares line.

Fitting ``y_hat = weight * x + bias`` one sample at a time with a fixed learning rate
does two things the exact least-squares solution does not:

* it approaches its destination geometrically, losing only a small fraction of the
  remaining distance per epoch, so a fixed number of epochs stops short;
* its destination is not the least-squares line. Each step pulls towards the line
  that suits *one* sample, so with a fixed learning rate the end-of-epoch line
  settles on a compromise that depends on ``lr`` and on the order of the samples,
  and moves to the least-squares line only as ``lr`` goes to zero.

Every step of per-sample SGD with momentum on a squared error is an affine map of the
state ``(weight, bias, and the two momentum buffers)``, so one epoch is an affine map
too. :func:`sgd_line_limit` computes its fixed point and its contraction factor
exactly; :func:`per_sample_sgd_line` runs the steps themselves in float64, the
reference the tests pin both against.

Shown in chapter 3 (``03-linear-regression``, figure ``fig-regression-path``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from examples import _validate
from examples.plotting import PALETTE
from examples.training import History


def per_sample_sgd_line(
    X: Sequence[float] | np.ndarray,
    y: Sequence[float] | np.ndarray,
    weight: float,
    bias: float,
    *,
    lr: float,
    num_epochs: int,
    momentum: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Per-sample SGD with momentum on ``y_hat = weight * x + bias``, in float64.

    The same steps as :func:`examples.training.train_per_sample` with a
    :class:`examples.models.LinearModel` (PyTorch's momentum: the buffer starts as
    the first gradient, then ``v = momentum * v + grad``), written out by hand.
    Returns the weights and the biases at the end of each epoch.

    >>> w, b = per_sample_sgd_line([1.0, 2.0], [3.0, 6.0], 0.0, 0.0, lr=0.05,
    ...                            num_epochs=600)
    >>> round(float(w[-1]), 3), round(float(b[-1]), 3)
    (3.0, 0.0)
    """
    X_arr, y_arr = _validate.data_pair(X, y)
    w = _validate.finite_number("weight", weight)
    b = _validate.finite_number("bias", bias)
    lr = _validate.positive_number("lr", lr)
    momentum = _validate.non_negative_number("momentum", momentum)
    num_epochs = _validate.iteration_count("num_epochs", num_epochs)
    v_w = v_b = None
    weights = np.empty(num_epochs)
    biases = np.empty(num_epochs)
    for epoch in range(num_epochs):
        for x_i, y_i in zip(X_arr, y_arr, strict=True):
            residual = w * x_i + b - y_i
            g_w, g_b = 2.0 * residual * x_i, 2.0 * residual
            v_w = g_w if v_w is None else momentum * v_w + g_w
            v_b = g_b if v_b is None else momentum * v_b + g_b
            w, b = w - lr * v_w, b - lr * v_b
        weights[epoch], biases[epoch] = w, b
    return weights, biases


@dataclass(frozen=True)
class SGDLimit:
    """The line per-sample SGD settles on at the end of each epoch, run for ever.

    ``contraction`` is the factor by which the distance to that line shrinks per
    epoch once training has settled into its slowest direction: 0.99 means each
    epoch closes only 1% of the remaining gap.
    """

    weight: float
    bias: float
    contraction: float


def sgd_line_limit(
    X: Sequence[float] | np.ndarray,
    y: Sequence[float] | np.ndarray,
    *,
    lr: float,
    momentum: float = 0.0,
) -> SGDLimit:
    """The end-of-epoch fixed point of per-sample SGD on a line, in closed form.

    One step on the sample ``(x, y)`` with ``phi = (x, 1)`` maps the parameters
    ``theta = (weight, bias)`` and the momentum buffer ``v`` to::

        v'     = momentum * v + 2 * phi * (phi . theta - y)
        theta' = theta - lr * v'

    which is affine in ``(theta, v)``. Composing the steps of one epoch gives
    ``z -> A z + c``; its fixed point solves ``(I - A) z = c`` and its contraction
    factor is the spectral radius of ``A``. Raises :class:`ValueError` if the
    factor is not below 1: with that ``lr`` the steps do not settle.

    >>> limit = sgd_line_limit([1.0, 2.0, 3.0], [2.0, 4.0, 6.0], lr=0.01)
    >>> round(limit.weight, 6), abs(round(limit.bias, 6))
    (2.0, 0.0)
    >>> limit = sgd_line_limit([0.0, 1.0, 2.0], [0.0, 2.0, 1.0], lr=0.01)
    >>> round(limit.weight, 3), round(limit.bias, 3)  # least squares: (0.5, 0.5)
    (0.474, 0.512)
    """
    X_arr, y_arr = _validate.data_pair(X, y)
    lr = _validate.positive_number("lr", lr)
    momentum = _validate.non_negative_number("momentum", momentum)
    if len(X_arr) < 2 or np.ptp(X_arr) == 0:
        raise ValueError("X must hold at least two different values to define a line")
    eye = np.eye(2)
    A = np.eye(4)
    c = np.zeros(4)
    for x_i, y_i in zip(X_arr, y_arr, strict=True):
        phi = np.array([x_i, 1.0])
        outer = 2.0 * np.outer(phi, phi)
        # Rows 0-1: theta' = (I - lr*outer) theta - lr*momentum v + 2 lr phi y.
        # Rows 2-3: v'     = outer theta + momentum v - 2 phi y.
        step = np.block(
            [[eye - lr * outer, -lr * momentum * eye], [outer, momentum * eye]]
        )
        shift = np.concatenate([2.0 * lr * phi * y_i, -2.0 * phi * y_i])
        A, c = step @ A, step @ c + shift
    contraction = float(np.max(np.abs(np.linalg.eigvals(A))))
    if not contraction < 1.0:
        raise ValueError(
            f"lr={lr:g} is too large for these data: per-sample SGD does not settle "
            f"(contraction factor {contraction:.3g} per epoch, not below 1)"
        )
    z = np.linalg.solve(np.eye(4) - A, c)
    return SGDLimit(float(z[0]), float(z[1]), contraction)


def plot_parameter_path(
    history: History,
    X: Sequence[float] | np.ndarray,
    y: Sequence[float] | np.ndarray,
    start: tuple[float, float],
    marks: dict[str, tuple[float, float]] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """The ``(weight, bias)`` at the end of each epoch, over contours of the loss.

    ``history`` comes from training a line (it must record weights and biases);
    ``start`` is the initial ``(weight, bias)``; ``marks`` names other points to
    show, such as the least-squares line.
    """
    if not history.weight:
        raise ValueError("history must record weights and biases: train a line model")
    X_arr, y_arr = _validate.data_pair(X, y)
    ax = ax if ax is not None else plt.gca()
    weights = np.concatenate([[start[0]], history.weight])
    biases = np.concatenate([[start[1]], history.bias])
    points = [(w, b) for w, b in (marks or {}).values()] + [tuple(start)]
    w_all = np.concatenate([weights, [p[0] for p in points]])
    b_all = np.concatenate([biases, [p[1] for p in points]])
    w_pad = 0.15 * np.ptp(w_all) + 0.05
    b_pad = 0.15 * np.ptp(b_all) + 0.05
    w_grid = np.linspace(w_all.min() - w_pad, w_all.max() + w_pad, 200)
    b_grid = np.linspace(b_all.min() - b_pad, b_all.max() + b_pad, 200)
    W, B = np.meshgrid(w_grid, b_grid)
    residuals = W[..., None] * X_arr + B[..., None] - y_arr
    loss = np.mean(residuals**2, axis=-1)
    # Levels spaced geometrically above the minimum show the valley's floor too.
    excess = np.geomspace(1e-3, 1.0, 12) * (loss.max() - loss.min())
    ax.contour(W, B, loss, levels=loss.min() + excess, colors="0.75", linewidths=0.8)
    ax.plot(
        weights,
        biases,
        marker=".",
        markersize=3,
        color=PALETTE[0],
        label="end of each epoch",
    )
    ax.scatter(
        [start[0]], [start[1]], color=PALETTE[0], marker="o", zorder=3, label="start"
    )
    markers = ["*", "X", "P", "D"]
    for n, (name, (w, b)) in enumerate((marks or {}).items()):
        ax.scatter(
            [w],
            [b],
            marker=markers[n % len(markers)],
            s=90,
            zorder=4,
            color=PALETTE[(n + 1) % len(PALETTE)],
            label=name,
        )
    ax.set_xlabel("weight")
    ax.set_ylabel("bias")
    ax.legend()
    return ax
