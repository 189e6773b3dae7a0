"""How often training succeeds: the references and the picture of many runs.

"If you get a straight line, try again" is an anecdote; counting is a measurement.
Train the same network from many seeds (cheaply, with
:func:`examples.ensemble.train_ensemble`) and sort each run's final mean loss into
an outcome with :func:`examples.outcomes.classify_runs`, against the loss of the
best straight line, :func:`straight_line_loss`, computed in closed form. The
histogram of :func:`plot_final_losses` shows the outcomes' thresholds.

Shown in chapter 4 (``04-parabola-network``, figure ``fig-parabola-outcomes``);
chapter 7 (``07-deeper-networks``).
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes
from torch import nn

from examples import _validate
from examples.collapse import best_line_loss
from examples.outcomes import FIT_BELOW, LINE_ABOVE, check_fractions
from examples.plotting import PALETTE
from examples.training import as_tensors


def straight_line_loss(
    X: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray
) -> float:
    """The mean squared error of the least-squares line: the best any line does.

    Another name for :func:`examples.collapse.best_line_loss`, the one
    computation, under the name chapters 4 and 7 use.

    For ``y = x**2`` on ``x = -5, ..., 5`` the best line is flat, ``y_hat = 10``,
    and its loss is the variance of ``y``, 78.

    >>> X = np.arange(-5.0, 6.0)
    >>> straight_line_loss(X, X**2)
    78.0
    """
    return best_line_loss(X, y)


def plot_final_losses(
    final_loss: Sequence[float] | np.ndarray,
    line_loss: float,
    ax: Axes | None = None,
    *,
    fit_below: float = FIT_BELOW,
    line_above: float = LINE_ABOVE,
    label: str | None = None,
    color: str | None = None,
) -> Axes:
    """A histogram of the runs' final losses (log scale) with the two thresholds
    of :func:`examples.outcomes.classify_runs`."""
    losses = np.asarray(final_loss, dtype=np.float64).reshape(-1)
    losses = losses[np.isfinite(losses)]
    if losses.size == 0 or np.any(losses <= 0):
        raise ValueError("final_loss must hold at least one finite, positive loss")
    line_loss = _validate.positive_number("line_loss", line_loss)
    fit_below, line_above = check_fractions(fit_below, line_above)
    ax = ax if ax is not None else plt.gca()
    low = min(losses.min(), fit_below * line_loss) / 1.5
    high = max(losses.max(), line_loss) * 1.5
    bins = np.geomspace(low, high, 60)
    ax.hist(losses, bins=bins, alpha=0.75, label=label, color=color)
    ax.axvline(
        fit_below * line_loss,
        color=PALETTE[2],
        linestyle="--",
        linewidth=1.2,
        label=f"fits below {fit_below * line_loss:.3g}",
    )
    ax.axvline(
        line_above * line_loss,
        color=PALETTE[6],
        linestyle=":",
        linewidth=1.2,
        label=f"straight line from {line_above * line_loss:.3g}",
    )
    ax.set_xscale("log")
    ax.set_xlabel("final mean loss")
    ax.set_ylabel("runs")
    ax.legend()
    return ax


def full_batch_gradient(
    model: nn.Module, X: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray
) -> dict[str, np.ndarray]:
    """The gradient of the mean squared error over all of ``(X, y)``, per parameter.

    Near zero everywhere means the parameters sit at a flat spot of the loss: a
    minimum, or a saddle that training may take a very long time to leave. The
    model's own ``.grad`` fields are left untouched.

    >>> from examples.models import LinearModel
    >>> model = LinearModel(seed=0)
    >>> with torch.no_grad():
    ...     _ = model.linear.weight.fill_(2.0), model.linear.bias.fill_(0.0)
    >>> full_batch_gradient(model, [1.0, 2.0], [3.0, 6.0])["linear.weight"].tolist()
    [[-5.0]]
    """
    X_t, y_t = as_tensors(X, y)
    params = dict(model.named_parameters())
    loss = ((model(X_t) - y_t) ** 2).mean()
    grads = torch.autograd.grad(loss, list(params.values()))
    return {
        name: g.detach().double().numpy() for name, g in zip(params, grads, strict=True)
    }
