"""Solutions to the exercises of chapter 4, a network for a parabola.

Shown in chapter 4 (``04-parabola-network``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from torch import nn

from examples import _validate
from examples.convergence import straight_line_loss
from examples.data import parabola
from examples.ensemble import train_ensemble
from examples.one_hidden_layer import unit_parameters
from examples.outcomes import OutcomeCounts, classify_runs, count_outcomes
from examples.training import predict

#: The chapter's 1-2-1 set-up, and the three changes the first exercise tries.
BASE = {"activations": "sigmoid", "lr": 0.001, "standardise": False}
REMEDIES = {
    "tanh": {"activations": "tanh"},
    "standardised inputs": {"standardise": True},
    "lr 0.003": {"lr": 0.003},
}


def remedy_counts(
    change: str | None = None,
    num_seeds: int = 1000,
) -> OutcomeCounts:
    """The 1-2-1 network's outcomes over seeds ``0 .. num_seeds - 1`` with a
    change of :data:`REMEDIES` (``None``: the chapter's set-up) applied."""
    if change is not None and change not in REMEDIES:
        choices = sorted(REMEDIES)
        raise ValueError(f"change must be None or one of {choices}")
    num_seeds = _validate.positive_int("num_seeds", num_seeds)
    setup = {**BASE, **(REMEDIES[change] if change else {})}
    X, y = parabola(-5, 5)
    if setup["standardise"]:
        X = X / X.std()  # mean 0 already; now standard deviation 1
    runs = train_ensemble(
        X,
        y,
        sizes=(1, 2, 1),
        activations=setup["activations"],
        seeds=range(num_seeds),
        lr=setup["lr"],
        momentum=0.1,
        num_epochs=2000,
    )
    return count_outcomes(runs.final_loss, straight_line_loss(X, y))


def one_arm_runs(
    num_seeds: int = 1000,
) -> list[tuple[int, float, np.ndarray, np.ndarray]]:
    """For each 1-2-1 run that ends in between: its seed, its final loss,
    its two hidden weights and the two ``x`` where its units switch
    (``-b / w``)."""
    num_seeds = _validate.positive_int("num_seeds", num_seeds)
    X, y = parabola(-5, 5)
    runs = train_ensemble(
        X,
        y,
        sizes=(1, 2, 1),
        activations="sigmoid",
        seeds=range(num_seeds),
        lr=0.001,
        momentum=0.1,
        num_epochs=2000,
    )
    labels = classify_runs(runs.final_loss, straight_line_loss(X, y))
    result = []
    for k in np.flatnonzero(labels == "in between"):
        p = unit_parameters(runs.model(int(k)))
        result.append((int(k), float(runs.final_loss[k]), p.w, p.centres))
    return result


def distance_to_parabola(
    model: nn.Module, grid: Sequence[float] | np.ndarray | None = None
) -> float:
    """The mean squared distance between the model and ``x**2`` on ``grid``
    (by default 1001 points from -5 to 5)."""
    grid = np.linspace(-5.0, 5.0, 1001) if grid is None else grid
    grid_arr = _validate.finite_vector("grid", grid)
    return float(np.mean((predict(model, grid_arr) - grid_arr**2) ** 2))
