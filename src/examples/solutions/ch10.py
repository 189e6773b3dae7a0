"""Solutions to the exercises of chapter 10, classification.

Shown in chapter 10 (``10-classification``).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from examples import _validate
from examples.classification import (
    Split,
    accuracy,
    check_points,
    cross_entropy,
    scores,
    train_classifier,
)
from examples.models import mlp


def squared_error(logit: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The mean squared error of the probability ``sigmoid(logit)`` against ``y``."""
    return ((torch.sigmoid(logit) - y) ** 2).mean()


def train_with_loss(model, X, y, loss_fn, lr, momentum, num_epochs):
    """Full-batch descent on ``loss_fn(logit, y)``; the final accuracy."""
    _check_loop(model, X, y, loss_fn, lr, momentum, num_epochs)
    X_t = torch.tensor(X, dtype=torch.float32)
    y_t = torch.tensor(y, dtype=torch.float32)
    params = model.parameters()
    optimizer = torch.optim.SGD(params, lr=lr, momentum=momentum)
    for _ in range(num_epochs):
        optimizer.zero_grad()
        loss = loss_fn(model(X_t).squeeze(1), y_t)
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        return accuracy(model(X_t).squeeze(1), y_t)


def _check_loop(model, X, y, loss_fn, lr, momentum, num_epochs) -> None:
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    check_points(X, y)
    if not callable(loss_fn):
        raise TypeError(f"loss_fn must be callable, got {type(loss_fn).__name__}")
    _validate.positive_number("lr", lr)
    _validate.non_negative_number("momentum", momentum)
    _validate.positive_int("num_epochs", num_epochs)


def _two_columns(X: np.ndarray) -> np.ndarray:
    X_arr = np.asarray(X, dtype=np.float64)
    if X_arr.ndim != 2 or X_arr.shape[1] != 2:
        raise ValueError(f"X must have shape (n, 2), got {X_arr.shape}")
    return X_arr


@dataclass(frozen=True)
class BadStart:
    """Training accuracy of the flipped model before training and after training
    with each loss."""

    start_acc: float
    cross_entropy_acc: float
    squared_acc: float


def squared_error_from_a_bad_start(
    split: Split, model: nn.Module, scale: float = 4.0, num_epochs: int = 200
) -> BadStart:
    """Multiply ``model``'s parameters by ``-scale`` and train one copy with each
    loss on ``split.train`` (``lr=0.5``, ``momentum=0.9``)."""
    if not isinstance(split, Split):
        raise TypeError(f"split must be a Split, got {type(split).__name__}")
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    scale = _validate.positive_number("scale", scale)
    num_epochs = _validate.positive_int("num_epochs", num_epochs)
    flipped = copy.deepcopy(model)
    with torch.no_grad():
        for p in flipped.parameters():
            p.mul_(-scale)
    X, y = split.train
    start = scores(flipped, split)["train"][1]
    results = [
        train_with_loss(copy.deepcopy(flipped), X, y, loss_fn, 0.5, 0.9, num_epochs)
        for loss_fn in (cross_entropy, squared_error)
    ]
    return BadStart(start, *results)


def polynomial_features(X: np.ndarray) -> np.ndarray:
    """Every product of x1 and x2 of degree 1 to 3: nine columns."""
    X = _two_columns(X)
    x1, x2 = X[:, 0], X[:, 1]
    columns = [x1**i * x2**j for d in (1, 2, 3) for i, j in _degrees(d)]
    return np.column_stack(columns)


def _degrees(d: int) -> list[tuple[int, int]]:
    return [(d - j, j) for j in range(d + 1)]


def polynomial_features_fit(
    split: Split, lr: float = 0.1, num_epochs: int = 200, seed: int = 0
) -> dict[str, tuple[float, float]]:
    """Logistic regression on :func:`polynomial_features`; its scores on each set."""
    if not isinstance(split, Split):
        raise TypeError(f"split must be a Split, got {type(split).__name__}")
    for X, y in (split.train, split.val, split.test):
        if check_points(X, y)[0].shape[1] != 2:
            raise ValueError("split must hold points with two features, x1 and x2")
    poly = Split(
        *[(polynomial_features(X), y) for X, y in (split.train, split.val, split.test)]
    )
    model = mlp((9, 1), seed=_validate.non_negative_int("seed", seed))
    train_classifier(model, poly, lr=lr, momentum=0.9, num_epochs=num_epochs)
    return scores(model, poly)


__all__ = [
    "BadStart",
    "polynomial_features",
    "polynomial_features_fit",
    "squared_error",
    "squared_error_from_a_bad_start",
    "train_with_loss",
]
