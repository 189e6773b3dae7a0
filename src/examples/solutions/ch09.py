"""Solutions to the exercises of chapter 9, training with activation functions.

Shown in chapter 9 (``09-training-with-activations``).
"""

from __future__ import annotations

import numpy as np
import torch

from examples import _validate
from examples.dead_units import inactive_units, untrained


def _check_chain(depth: int, weight: float) -> tuple[int, float]:
    depth = _validate.positive_int("depth", depth)
    weight = float(weight)
    if not np.isfinite(weight):
        raise ValueError(f"weight must be a finite number, got {weight}")
    return depth, weight


def sigmoid_chain_gradient(
    depth: int,
    weight: float,
    x: float = 0.5,
) -> float:
    """d(output)/dx through ``depth`` sigmoid units, each computing
    ``sigmoid(weight * (a - 0.5))`` from the output ``a`` of the one before
    (the first from ``x``), by autograd in float64. At ``x = 0.5`` each
    unit multiplies the gradient by ``weight * sigmoid'(0) = weight / 4``.
    """
    depth, weight = _check_chain(depth, weight)
    start = torch.tensor(float(x), dtype=torch.float64, requires_grad=True)
    a = start
    for _ in range(depth):
        a = torch.sigmoid(weight * (a - 0.5))
    (grad,) = torch.autograd.grad(a, start)
    return float(grad)


def first_layer_inactive_share(num_seeds: int = 1000) -> float:
    """The fraction of first-layer units of new 1-10-10-1 ReLU networks
    (seeds ``0 .. num_seeds - 1``) inactive at every ``x = -5, ..., 5``;
    compare with the closed form 1/20."""
    num_seeds = _validate.positive_int("num_seeds", num_seeds)
    X = np.arange(-5.0, 6.0)
    networks = untrained((1, 10, 10, 1), "relu", seeds=range(num_seeds))
    return float(inactive_units(networks, X)[:, :10].mean())
