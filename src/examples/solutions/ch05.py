"""Solutions to the exercises of chapter 5, backpropagation by hand.

Shown in chapter 5 (``05-backpropagation``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from examples import _validate
from examples.autograd import Value
from examples.backprop import (
    autograd_gradients,
    backward_pass,
    central_differences,
    max_difference,
    network_parameters,
)
from examples.data import parabola
from examples.models import mlp


def tanh_gradients(p: dict, x: float, y: float) -> dict:
    """Exercise 1: the chain rule for the 1-2-1 network with tanh units."""
    h = np.tanh(p["w"] * x + p["b"])
    dy_hat = 2 * (p["v"] @ h + p["c"] - y)
    dz = dy_hat * p["v"] * (1 - h**2)  # tanh'(z) = 1 - tanh(z)**2
    return {"w": dz * x, "b": dz, "v": dy_hat * h, "c": dy_hat}


def tanh_check(seed: int = 0) -> float:
    """Exercise 1: the largest difference between :func:`tanh_gradients` and
    PyTorch's, float64 both, on the first sample of the parabola."""
    seed = _validate.seed("seed", seed)
    model = mlp((1, 2, 1), "tanh", seed=seed)
    X, y = parabola(-5, 5)
    by_hand = tanh_gradients(network_parameters(model), X[0], y[0])
    by_torch = autograd_gradients(model, X[0], y[0], dtype=torch.float64)
    return max_difference(by_hand, by_torch)


#: The nudges exercise 2 tries: 0.1, 0.01, ..., 1e-12.
EPS_VALUES = tuple(10.0 ** -np.arange(1, 13))


def difference_errors(
    eps_values: Sequence[float] = EPS_VALUES, seed: int = 0
) -> np.ndarray:
    """Exercise 2: the largest error of central differences, one per ``eps``,
    against the chain rule's gradients, on the first sample of the parabola."""
    eps = _validate.finite_vector("eps_values", eps_values)
    if np.any(eps <= 0):
        raise ValueError("eps_values must all be greater than 0")
    seed = _validate.seed("seed", seed)
    return nudge_errors(eps, seed)


def nudge_errors(eps_values, seed):
    """Exercise 2: each ``eps``'s largest error against the chain rule."""
    p = network_parameters(mlp((1, 2, 1), "sigmoid", seed=seed))
    X, y = parabola(-5, 5)
    exact = backward_pass(p, X[0], y[0])
    errors = []
    for eps in eps_values:
        numeric = central_differences(p, X[0], y[0], eps)
        errors.append(max_difference(numeric, exact))
    return np.array(errors)


def used_twice(x: float = 3.0) -> float:
    """Exercise 3: the derivative of ``x * x + x``, by :class:`Value`."""
    a = Value(_validate.finite_number("x", x))
    f = a * a + a  # a is used three times
    f.backward()
    return a.grad
