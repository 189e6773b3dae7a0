"""Mini-batches, learning rates and optimisers: a model's training loop as a reader
writes it with ``TensorDataset`` and ``DataLoader``, the curvature that sets the
largest stable learning rate, and the settings compared over many seeds.

The loop :func:`fit_in_batches` is the single-model reference of the ensemble
trainer's mini-batch, shuffling and Adam paths (``tests/test_ensemble_batches.py``).

Shown in chapter 6 (``06-mini-batches``, figure ``fig-mini-batches-settings``).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from examples import _validate
from examples.convergence import straight_line_loss
from examples.ensemble import OPTIMIZERS, EnsembleHistory, train_ensemble
from examples.outcomes import FIT_BELOW, classify_runs
from examples.plotting import PALETTE, get_axes
from examples.training import as_tensors

__all__ = [
    "Setting",
    "SettingResult",
    "compare_settings",
    "data_loader",
    "epochs_to_fit",
    "fit_in_batches",
    "gd_is_stable",
    "largest_stable_lr",
    "SETTINGS",
    "linear_hessian",
    "plot_fit_share",
    "train_in_batches",
]


def data_loader(X, y, batch_size, shuffle_seed=None) -> DataLoader:
    """The samples ``(x, y)`` in batches of ``batch_size``: shuffled
    anew each epoch by a generator seeded ``shuffle_seed``, or in order
    if it is None."""
    X_t, y_t = _check_loader_args(X, y, batch_size, shuffle_seed)
    dataset = TensorDataset(X_t, y_t)  # the pairs (x_i, y_i)
    if shuffle_seed is None:
        return DataLoader(dataset, batch_size=batch_size)
    generator = torch.Generator().manual_seed(shuffle_seed)
    return DataLoader(
        dataset, batch_size=batch_size, shuffle=True, generator=generator
    )  # fmt: skip


def _check_loader_args(
    X: Sequence[float] | np.ndarray,
    y: Sequence[float] | np.ndarray,
    batch_size: int,
    shuffle_seed: int | None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """:func:`data_loader`'s arguments, checked; the data as column tensors."""
    X_t, y_t = as_tensors(X, y)
    _validate.positive_int("batch_size", batch_size)
    if batch_size > len(X_t):
        raise ValueError(
            f"batch_size must be at most the number of samples ({len(X_t)}), "
            f"got {batch_size}"
        )
    if shuffle_seed is not None:
        _validate.seed("shuffle_seed", shuffle_seed)
    return X_t, y_t


def make_optimizer(
    model: nn.Module, optimizer: str, lr: float, momentum: float
) -> torch.optim.Optimizer:
    """``torch.optim.SGD(lr, momentum)`` or ``torch.optim.Adam(lr)``."""
    if optimizer == "adam":
        return torch.optim.Adam(model.parameters(), lr=lr)
    return torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)


def fit_in_batches(model, loader, optimizer, num_epochs):
    """Train ``model`` on the batches of ``loader``; return each epoch's
    mean loss."""
    epoch_losses = []
    for _ in range(num_epochs):
        total, count = 0.0, 0
        for X_batch, y_batch in loader:  # a new order if shuffled
            optimizer.zero_grad()
            y_hat = model(X_batch)
            loss = ((y_hat - y_batch) ** 2).mean()  # the batch's mean loss
            loss.backward()
            optimizer.step()  # one step per batch
            total += loss.item() * len(X_batch)
            count += len(X_batch)
        epoch_losses.append(total / count)
    return epoch_losses


def train_in_batches(
    model: nn.Module,
    X: Sequence[float] | np.ndarray,
    y: Sequence[float] | np.ndarray,
    *,
    lr: float,
    num_epochs: int,
    batch_size: int,
    shuffle_seed: int | None = None,
    optimizer: str = "sgd",
    momentum: float = 0.0,
) -> list[float]:
    """Checks its arguments, then runs :func:`fit_in_batches` (in place)."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    lr = _validate.positive_number("lr", lr)
    num_epochs = _validate.iteration_count("num_epochs", num_epochs)
    momentum = _validate.non_negative_number("momentum", momentum)
    if not isinstance(optimizer, str) or optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {optimizer!r}")
    if optimizer == "adam" and momentum:
        raise ValueError(f"momentum must be 0 with optimizer='adam', got {momentum}")
    loader = data_loader(X, y, batch_size, shuffle_seed)
    opt = make_optimizer(model, optimizer, lr, momentum)
    return fit_in_batches(model, loader, opt, num_epochs)


def linear_hessian(X: Sequence[float] | np.ndarray) -> np.ndarray:
    """The Hessian of the mean squared error of ``y_hat = w * x + b`` with
    respect to ``(w, b)``, computed by autograd at ``w = b = 0``.

    The loss is quadratic in ``(w, b)``, so its Hessian is the same everywhere
    and does not depend on ``y``: ``2 * [[mean x^2, mean x], [mean x, 1]]``.
    """
    x = torch.from_numpy(_validate.finite_vector("X", X))

    def loss(params: torch.Tensor) -> torch.Tensor:
        return ((params[0] * x + params[1]) ** 2).mean()

    hessian = torch.autograd.functional.hessian(loss, torch.zeros(2, dtype=x.dtype))
    return hessian.numpy()


def gd_is_stable(
    X: np.ndarray, y: np.ndarray, lr: float, num_epochs: int = 1000
) -> bool:
    """Whether full-batch gradient descent on the linear model ``w * x + b``
    (``mlp((1, 1), seed=0)``) ends ``num_epochs`` epochs with a smaller loss
    than its first epoch's."""
    history = train_ensemble(
        X, y, sizes=(1, 1), activations=[], seeds=[0], lr=lr,
        num_epochs=num_epochs, batch_size=len(X),
    )  # fmt: skip
    last = history.loss[-1, 0]
    return bool(np.isfinite(last) and last < history.loss[0, 0])


def largest_stable_lr(
    X: Sequence[float] | np.ndarray,
    y: Sequence[float] | np.ndarray,
    low: float,
    high: float,
    num_epochs: int = 1000,
    steps: int = 30,
) -> float:
    """The largest learning rate between ``low`` (stable) and ``high`` (not)
    at which full-batch gradient descent on the linear model is stable, found
    by bisection: ``steps`` halvings of the interval."""
    X_arr, y_arr = _validate.data_pair(X, y, float32=True)
    low = _validate.positive_number("low", low)
    high = _validate.positive_number("high", high)
    steps = _validate.positive_int("steps", steps)
    if not gd_is_stable(X_arr, y_arr, low, num_epochs):
        raise ValueError(f"low must be a stable learning rate, got {low}")
    if gd_is_stable(X_arr, y_arr, high, num_epochs):
        raise ValueError(f"high must be an unstable learning rate, got {high}")
    for _ in range(steps):
        middle = (low + high) / 2
        if gd_is_stable(X_arr, y_arr, middle, num_epochs):
            low = middle
        else:
            high = middle
    return low


def epochs_to_fit(loss: np.ndarray, line_loss: float) -> np.ndarray:
    """For each run (column of ``loss``), the first epoch whose mean loss is
    below the fit threshold ``FIT_BELOW * line_loss``, counted from 1; -1 for a
    run that never gets there."""
    below = np.nan_to_num(np.asarray(loss), nan=np.inf) < FIT_BELOW * line_loss
    first = below.argmax(axis=0) + 1
    return np.where(below.any(axis=0), first, -1)


@dataclass(frozen=True)
class Setting:
    """One way of training: the optimiser, its step size, the batch size."""

    name: str
    lr: float
    batch_size: int = 1
    shuffle_seed: int | None = None
    optimizer: str = "sgd"
    momentum: float = 0.0


#: The settings chapter 6 compares on the parabola, 1-2-1 sigmoid network.
SETTINGS = (
    Setting("per sample, in order", lr=0.001, momentum=0.1),
    Setting("per sample, shuffled", lr=0.001, momentum=0.1, shuffle_seed=0),
    Setting("batches of 4, m 0.9", 0.003, 4, shuffle_seed=0, momentum=0.9),
    Setting("full batch, plain", lr=0.01, batch_size=11),
    Setting("full batch, m 0.9", lr=0.01, batch_size=11, momentum=0.9),
    Setting("full batch, Adam", lr=0.3, batch_size=11, optimizer="adam"),
)


@dataclass
class SettingResult:
    """What one setting did over many seeds."""

    setting: Setting
    labels: np.ndarray  # each seed's outcome
    epochs_to_fit: np.ndarray  # each seed's first fitting epoch, -1 if none
    seconds: float  # the time the ensemble took to train
    num_epochs: int
    line_loss: float  # the best straight line's loss, the outcomes' reference
    #: The trained runs themselves (curves, loss per epoch), for chapter 6's
    #: explorer, which shows them without training again.
    runs: EnsembleHistory | None = field(default=None, repr=False)

    @property
    def fit_threshold(self) -> float:
        """The loss below which a run fits: ``FIT_BELOW * line_loss``."""
        return FIT_BELOW * self.line_loss

    @property
    def fits(self) -> int:
        """How many seeds fit."""
        return int((self.labels == "fits").sum())

    @property
    def median_epochs(self) -> float:
        """The median first fitting epoch of the seeds that fit (NaN if none)."""
        found = self.epochs_to_fit[self.epochs_to_fit > 0]
        return float(np.median(found)) if found.size else float("nan")


def compare_settings(
    X, y, settings: Sequence[Setting], seeds, num_epochs: int
) -> list[SettingResult]:
    """Train the 1-2-1 sigmoid network from every seed with each setting; the
    outcomes are against the best straight line through ``(X, y)``."""
    line_loss = straight_line_loss(X, y)
    results = []
    for s in settings:
        start = time.perf_counter()
        runs = train_ensemble(
            X, y, sizes=(1, 2, 1), activations="sigmoid", seeds=seeds,
            lr=s.lr, num_epochs=num_epochs, batch_size=s.batch_size,
            shuffle_seed=s.shuffle_seed, optimizer=s.optimizer,
            momentum=s.momentum,
        )  # fmt: skip
        seconds = time.perf_counter() - start
        labels = classify_runs(runs.final_loss, line_loss)
        first = epochs_to_fit(runs.loss, line_loss)
        result = SettingResult(s, labels, first, seconds, num_epochs, line_loss, runs)
        results.append(result)
    return results


def plot_fit_share(results: Sequence[SettingResult], ax=None):
    """For each setting, the share of seeds whose loss has reached the fit
    threshold by each epoch (log scale of epochs). Line style tells batch
    sizes apart where colours are close: dashed per sample, dash-dot for
    mini-batches, solid for the largest batch (the full batch)."""
    ax = get_axes(ax)
    largest = max((r.setting.batch_size for r in results), default=1)
    for colour, result in zip(PALETTE, results, strict=False):
        first = result.epochs_to_fit
        epochs = np.arange(1, result.num_epochs + 1)
        reached = (first[None, :] > 0) & (first[None, :] <= epochs[:, None])
        size = result.setting.batch_size
        style = "--" if size == 1 else "-" if size == largest else "-."
        ax.plot(epochs, reached.mean(axis=1), color=colour, linestyle=style,
                label=result.setting.name)  # fmt: skip
    ax.set_xscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("share that reached a fit")
    ax.set_ylim(0, 1)
    ax.legend(fontsize="small")
    return ax
