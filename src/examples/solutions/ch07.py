"""Solutions to the exercises of chapter 7, deeper networks and a noisy target.

Shown in chapter 7 (``07-deeper-networks``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from torch import nn

from examples import _validate
from examples.data import noisy_parabola
from examples.extrapolation import linear_pieces
from examples.overfitting import noisy_squares, train_with_held_out


def extrapolate_by_hand(
    model: nn.Module, X: Sequence[float] | np.ndarray
) -> np.ndarray:
    """A ReLU network's predictions at ``X`` from its linear pieces alone:
    the slope and intercept of the piece each ``x`` falls in."""
    X_arr = _validate.finite_vector("X", X)
    pieces = linear_pieces(model)
    # How many bends lie left of each x:
    piece = np.searchsorted(pieces.kinks, X_arr)
    return pieces.slopes[piece] * X_arr + pieces.intercepts[piece]


def simulated_variance(
    X: Sequence[float] | np.ndarray,
    noise: float = 1.0,
    draws: int = 1_000_000,
    seed: int = 0,
) -> np.ndarray:
    """The variance of ``(x + e)**2`` at each ``x``, estimated from
    ``draws`` draws of ``e ~ N(0, noise**2)``; compare with
    ``4 x**2 noise**2 + 2 noise**4``."""
    X_arr = _validate.finite_vector("X", X)
    noise = _validate.non_negative_number("noise", noise)
    draws = _validate.positive_int("draws", draws)
    e = np.random.default_rng(seed).normal(0.0, noise, size=draws)
    return np.array([np.var((x + e) ** 2) for x in X_arr])


def noisy_target_losses(num_epochs: int = 3000) -> tuple[float, float]:
    """The chapter's 1-5-5-1 network on the noisy target, trained
    ``num_epochs`` epochs; returns its final training and held-out loss."""
    num_epochs = _validate.positive_int("num_epochs", num_epochs)
    X, y = noisy_parabola(-5, 5, noise=1.0, seed=0)
    X_held = np.tile(np.arange(-5.0, 5.5, 0.5), 20)
    y_held = noisy_squares(X_held, noise=1.0, seed=1, inside=True)
    history = train_with_held_out(
        X,
        y,
        X_held,
        y_held,
        sizes=(1, 5, 5, 1),
        activations=["sigmoid", "relu"],
        seeds=[0],
        lr=0.001,
        momentum=0.1,
        num_epochs=num_epochs,
        every=num_epochs,
    )
    train, held = history.train_loss[-1, 0], history.held_out_loss[-1, 0]
    return float(train), float(held)
