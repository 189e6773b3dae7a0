"""Activation functions: their values, their derivatives and what they look like.

The functions are the very modules the book's networks use
(:func:`examples.models.activation`), evaluated in float64. Derivatives come from
PyTorch's autograd (:func:`derivative`); the closed forms derived by hand
(:func:`closed_form_derivative`) are written with numpy alone, so that the tests can
check one against the other.

Shown in chapter 8 (``08-activation-functions``, figure ``fig-activation-shapes``);
chapter 9 (``09-training-with-activations``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes

from examples import _validate
from examples.models import ACTIVATIONS, activation

#: The activation functions chapters 8 and 9 compare, in the order they appear.
NAMES: tuple[str, ...] = ("sigmoid", "tanh", "relu", "leaky_relu", "gelu")

#: The slope of Leaky ReLU for negative inputs (PyTorch's default, used by the book).
LEAKY_SLOPE = 0.01


@dataclass(frozen=True)
class ActivationFacts:
    """What the chapter's table says about one activation function."""

    label: str
    formula: str
    output_range: str | None  # None: measured by :func:`facts_rows`
    used_in: str


#: The facts the chapter's table shows, by name. Formulas are LaTeX.
FACTS: dict[str, ActivationFacts] = {
    "identity": ActivationFacts(
        "identity", r"$x$", r"$(-\infty, \infty)$", "output layers of regression"
    ),
    "sigmoid": ActivationFacts(
        "sigmoid",
        r"$\sigma(x) = \frac{1}{1 + e^{-x}}$",
        "$(0, 1)$",
        "outputs that are probabilities (yes-or-no answers)",
    ),
    "tanh": ActivationFacts(
        "tanh",
        r"$\tanh x = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}$",
        "$(-1, 1)$",
        "outputs in $(-1, 1)$; hidden layers of older networks",
    ),
    "relu": ActivationFacts(
        "ReLU",
        r"$\max(0, x)$",
        r"$[0, \infty)$",
        "hidden layers of most networks (the default)",
    ),
    "leaky_relu": ActivationFacts(
        "Leaky ReLU",
        r"$\max(x, 0.01\,x)$",
        r"$(-\infty, \infty)$",
        "where ReLU units die",
    ),
    "gelu": ActivationFacts(
        "GELU",
        r"$x\,\Phi(x)$",
        None,  # measured: see facts_rows
        "large networks for text",
    ),
}


def _check_name(name: str) -> str:
    if not isinstance(name, str):
        raise TypeError(f"name must be an activation's name (a str), got {name!r}")
    if name not in ACTIVATIONS:
        choices = ", ".join(sorted(ACTIVATIONS))
        raise ValueError(f"name must be one of {choices}; got {name!r}")
    return name


def _as_float64(x: Sequence[float] | np.ndarray | float) -> np.ndarray:
    return _validate.real_array("x", x)


def apply(name: str, x: Sequence[float] | np.ndarray | float) -> np.ndarray:
    """The activation ``name`` at each ``x``: the network's own module, in float64.

    >>> apply("relu", [-2.0, 0.0, 3.0]).tolist()
    [0.0, 0.0, 3.0]
    >>> float(apply("sigmoid", 0.0))
    0.5
    """
    module = activation(_check_name(name))
    x_arr = _as_float64(x)
    with torch.no_grad():
        return module(torch.from_numpy(x_arr.copy())).numpy()


def derivative(
    name: str,
    x: Sequence[float] | np.ndarray | float,
) -> np.ndarray:
    """The derivative of the activation ``name`` at each ``x``, by autograd.

    Each output depends only on its own input, so the gradient of the *sum*
    of the outputs is the vector of the derivatives. At the kink ``x = 0``
    PyTorch takes the slope on the left for ReLU (0) and Leaky ReLU (0.01).

    >>> derivative("sigmoid", [0.0]).tolist()
    [0.25]
    >>> derivative("relu", [-1.0, 0.0, 2.0]).tolist()
    [0.0, 0.0, 1.0]
    """
    module = activation(_check_name(name))
    x_t = torch.tensor(_as_float64(x), requires_grad=True)
    (grad,) = torch.autograd.grad(module(x_t).sum(), x_t)
    return grad.detach().numpy()


def _normal_cdf(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.vectorize(math.erf, otypes=[float])(x / math.sqrt(2.0)))


def _normal_pdf(x: np.ndarray) -> np.ndarray:
    return np.exp(-0.5 * x**2) / math.sqrt(2.0 * math.pi)


def closed_form(name: str, x: Sequence[float] | np.ndarray | float) -> np.ndarray:
    """The activation ``name`` from its formula, with numpy only.

    >>> closed_form("leaky_relu", [-2.0, 3.0]).tolist()
    [-0.02, 3.0]
    >>> round(float(closed_form("gelu", 1.0)), 4)
    0.8413
    """
    x_arr = _as_float64(x)
    formulas = {
        "identity": lambda v: v.copy(),
        "sigmoid": lambda v: 1.0 / (1.0 + np.exp(-v)),
        "tanh": np.tanh,
        "relu": lambda v: np.maximum(v, 0.0),
        "leaky_relu": lambda v: np.where(v > 0, v, LEAKY_SLOPE * v),
        "gelu": lambda v: v * _normal_cdf(v),
    }
    return formulas[_check_name(name)](x_arr)


def closed_form_derivative(
    name: str, x: Sequence[float] | np.ndarray | float
) -> np.ndarray:
    """The derivative of ``name`` derived by hand, with numpy only.

    - sigmoid: :math:`\\sigma'(x) = \\sigma(x)\\,(1 - \\sigma(x))`
    - tanh: :math:`1 - \\tanh^2 x`
    - ReLU: 1 for :math:`x > 0`, else 0; Leaky ReLU: 1 for :math:`x > 0`, else 0.01
    - GELU (exact): :math:`\\Phi(x) + x\\,\\varphi(x)`, with :math:`\\varphi` the
      standard normal density (product rule on :math:`x\\,\\Phi(x)`)

    >>> closed_form_derivative("tanh", [0.0]).tolist()
    [1.0]
    >>> round(float(closed_form_derivative("gelu", 0.0)), 3)
    0.5
    """
    x_arr = _as_float64(x)
    sig = lambda v: 1.0 / (1.0 + np.exp(-v))
    formulas = {
        "identity": lambda v: np.ones_like(v),
        "sigmoid": lambda v: sig(v) * (1.0 - sig(v)),
        "tanh": lambda v: 1.0 - np.tanh(v) ** 2,
        "relu": lambda v: np.where(v > 0, 1.0, 0.0),
        "leaky_relu": lambda v: np.where(v > 0, 1.0, LEAKY_SLOPE),
        "gelu": lambda v: _normal_cdf(v) + v * _normal_pdf(v),
    }
    return formulas[_check_name(name)](x_arr)


@dataclass(frozen=True)
class Extremes:
    """The smallest and largest value of a function over a grid, and where they are."""

    min_value: float
    argmin: float
    max_value: float
    argmax: float


def extremes(values: np.ndarray, grid: np.ndarray) -> Extremes:
    """Where ``values`` (sampled on ``grid``) is smallest and largest.

    >>> extremes(np.array([3.0, 1.0, 2.0]), np.array([0.0, 1.0, 2.0]))
    Extremes(min_value=1.0, argmin=1.0, max_value=3.0, argmax=0.0)
    """
    values = _validate.finite_vector("values", values)
    grid = _validate.finite_vector("grid", grid)
    if len(values) != len(grid):
        raise ValueError(
            f"values and grid must have the same length, got {len(values)} and "
            f"{len(grid)}"
        )
    i, j = int(np.argmin(values)), int(np.argmax(values))
    return Extremes(float(values[i]), float(grid[i]), float(values[j]), float(grid[j]))


def derivative_extremes(
    name: str, lo: float = -10.0, hi: float = 10.0, num: int = 200_001
) -> Extremes:
    """The extremes of the autograd derivative of ``name`` over ``[lo, hi]``.

    >>> round(derivative_extremes("sigmoid").max_value, 6)
    0.25
    """
    _check_range(lo, hi)
    num = _validate.iteration_count("num", num, limit=10**7)
    grid = np.linspace(lo, hi, num)
    return extremes(derivative(name, grid), grid)


def _check_range(lo: float, hi: float) -> None:
    _validate.finite_number("lo", lo)
    _validate.finite_number("hi", hi)
    if not hi > lo:
        raise ValueError(f"hi must be greater than lo, got lo={lo!r} and hi={hi!r}")


def value_extremes(
    name: str, lo: float = -10.0, hi: float = 10.0, num: int = 200_001
) -> Extremes:
    """The extremes of the activation ``name`` itself over ``[lo, hi]``.

    >>> e = value_extremes("gelu")
    >>> round(e.min_value, 4), round(e.argmin, 3)
    (-0.17, -0.752)
    """
    _check_range(lo, hi)
    num = _validate.iteration_count("num", num, limit=10**7)
    grid = np.linspace(lo, hi, num)
    return extremes(apply(name, grid), grid)


def facts_rows(names: Sequence[str] = NAMES) -> list[tuple[str, str, str, str, str]]:
    """Rows (name, formula, output range, largest slope, where used) for a table.

    The largest slope is measured (:func:`derivative_extremes`), not typed.

    >>> facts_rows(["relu"])[0][:4]
    ('ReLU', '$\\\\max(0, x)$', '$[0, \\\\infty)$', '1')
    """
    rows = []
    for name in names:
        facts = FACTS[_check_name(name)]
        slope = derivative_extremes(name).max_value
        output_range = facts.output_range
        if output_range is None:  # bounded below by its minimum, unbounded above
            output_range = f"$[{value_extremes(name).min_value:.2f}, \\infty)$"
        rows.append(
            (facts.label, facts.formula, output_range, f"{slope:.3g}", facts.used_in)
        )
    return rows


#: Line styles that tell the curves apart without colour.
LINESTYLES = ["-", "--", "-.", ":", (0, (5, 1, 1, 1, 1, 1))]


def plot_activations(
    names: Sequence[str] = NAMES,
    axes: Sequence[Axes] | None = None,
    lo: float = -4.0,
    hi: float = 4.0,
) -> Sequence[Axes]:
    """Each activation (left) and its autograd derivative (right), on ``[lo, hi]``.

    ``axes`` is a pair of Axes; by default a new figure with two side by side.
    """
    if not hi > lo:
        raise ValueError(f"hi must be greater than lo, got lo={lo!r} and hi={hi!r}")
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(9.0, 3.6))
    if len(axes) != 2:
        raise ValueError(f"axes must be a pair of Axes, got {len(axes)}")
    grid = np.linspace(lo, hi, 801)
    for i, name in enumerate(names):
        label = FACTS[_check_name(name)].label
        style = dict(linestyle=LINESTYLES[i % len(LINESTYLES)], label=label)
        axes[0].plot(grid, apply(name, grid), **style)
        axes[1].plot(grid, derivative(name, grid), **style)
    axes[0].set_title("activation f(x)")
    axes[1].set_title("derivative f'(x)")
    for ax in axes:
        ax.axhline(0.0, color="black", linewidth=0.6)
        ax.axvline(0.0, color="black", linewidth=0.6)
        ax.set_xlabel("x")
    axes[0].legend()
    return axes
