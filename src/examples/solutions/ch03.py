"""Solutions to the exercises of chapter 3, linear regression on noisy data.

Shown in chapter 3 (``03-linear-regression``).
"""

from __future__ import annotations

import math

import numpy as np
import torch

from examples import _validate
from examples.models import LinearModel
from examples.training import Data, TrainingDivergedError, train_per_sample


def fit_through_origin(
    X: Data,
    y: Data,
    seed: int = 0,
) -> tuple[float, float]:
    """Train ``y_hat = weight * x`` with the chapter's settings; return the
    learned weight and the exact least-squares weight through the origin.

    Without a bias the mean squared error is a parabola in the weight
    alone, lowest where its derivative ``mean(2 * (w * x - y) * x)`` is
    zero: ``w = sum(x * y) / sum(x * x)``.
    """
    X_arr, y_arr = _check_data(X, y, seed)
    model = LinearModel(bias=False, seed=seed)
    settings = {"lr": 0.001, "momentum": 0.2, "num_epochs": 101}
    train_per_sample(model, X_arr, y_arr, **settings)
    exact = float(np.dot(X_arr, y_arr) / np.dot(X_arr, X_arr))
    return model.weight, exact


def full_batch_descent(
    X: Data,
    y: Data,
    lr: float = 0.02,
    num_steps: int = 2000,
) -> tuple[float, float]:
    """Gradient descent on the *mean* loss over all samples, one step each
    epoch.

    Every step uses the gradient of the same function, the mean squared
    error, so with a small enough ``lr`` the steps shrink to zero at its
    minimum: the least-squares line. In float64 from ``weight = bias = 0``.
    """
    X_arr, y_arr = _check_descent(X, y, lr, num_steps)
    X_t, y_t = torch.from_numpy(X_arr), torch.from_numpy(y_arr)
    weight = torch.zeros((), dtype=torch.float64, requires_grad=True)
    bias = torch.zeros((), dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.SGD([weight, bias], lr=lr)
    for _ in range(num_steps):
        optimizer.zero_grad()
        loss = ((weight * X_t + bias - y_t) ** 2).mean()
        loss.backward()
        optimizer.step()
    return _finite_line(weight.item(), bias.item(), lr)


def train_in_float64(
    X: Data,
    y: Data,
    seed: int = 0,
) -> tuple[float, float]:
    """The chapter's training run with the model and the data in float64.

    ``model.double()`` converts the parameters; the data stay float64 by
    building the tensors with ``torch.from_numpy``. Returns the learned
    weight and bias.
    """
    X_arr, y_arr = _check_data(X, y, seed)
    model = LinearModel(bias=True, seed=seed).double()
    X_t = torch.from_numpy(X_arr).reshape(-1, 1)
    y_t = torch.from_numpy(y_arr).reshape(-1, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.001, momentum=0.2)
    for _ in range(101):
        for i in range(len(X_t)):
            optimizer.zero_grad()
            loss = ((model(X_t[i]) - y_t[i]) ** 2).sum()
            loss.backward()
            optimizer.step()
    return model.weight, model.bias


def _check_data(X: Data, y: Data, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Check a data set and a seed; return the data as float64 arrays."""
    X_arr, y_arr = _validate.data_pair(X, y, float32=True)
    _validate.seed("seed", seed)
    return X_arr, y_arr


def _check_descent(X, y, lr, num_steps) -> tuple[np.ndarray, np.ndarray]:
    """Check :func:`full_batch_descent`'s arguments; return the data as arrays."""
    X_arr, y_arr = _validate.data_pair(X, y)
    _validate.positive_number("lr", lr)
    _validate.iteration_count("num_steps", num_steps)
    return X_arr, y_arr


def _finite_line(weight: float, bias: float, lr: float) -> tuple[float, float]:
    """``(weight, bias)``, or :class:`TrainingDivergedError` if either is not finite."""
    if not (math.isfinite(weight) and math.isfinite(bias)):
        raise TrainingDivergedError(
            f"training diverged: the weight is {weight} and the bias {bias}; "
            f"try a smaller lr than {lr:g}"
        )
    return weight, bias
