"""Dead ReLUs: hidden units that output zero for every training input.

A ReLU unit whose pre-activation ``z = w . a + b`` is negative (or zero) at every
training input outputs 0 for all of them, and its derivative there is 0 too. The
gradient of every sample's loss with respect to the unit's incoming weights and bias
is then exactly zero: training cannot move them, and a unit of the first hidden
layer (whose input ``x`` never changes) stays dead for good. A Leaky ReLU unit in the
same place still passes 1% of the gradient, so it can come back.

We call such a unit *inactive*: dead for ReLU, merely quiet for Leaky ReLU.

Shown in chapter 9 (``09-training-with-activations``, figure ``fig-dead-units``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from torch import nn

from examples import _validate
from examples.ensemble import (
    EnsembleHistory,
    EnsembleTrainer,
    _initial_parameters,
    train_in_chunks,
)
from examples.hidden_units import preactivations
from examples.models import _check_mlp


def inactive_units(
    source: EnsembleHistory | Sequence[nn.Sequential],
    X: Sequence[float] | np.ndarray,
) -> np.ndarray:
    """Which hidden units have ``z <= 0`` at every input of ``X``, per copy.

    ``source`` is a trained ensemble or a list of models (see
    :func:`examples.hidden_units.preactivations`). Returns a boolean array
    ``(K, units)``, the hidden layers' units side by side (first hidden
    layer first). Copies that diverged count as having none.

    >>> from examples.data import parabola
    >>> from examples.ensemble import train_ensemble
    >>> X, y = parabola()
    >>> h = train_ensemble(X, y, sizes=(1, 3, 2, 1), activations="relu",
    ...                    seeds=range(4), lr=1e-3, num_epochs=1)
    >>> inactive_units(h, X).shape
    (4, 5)
    """
    layers = preactivations(source, X)
    # NaN <= 0 is False, so a diverged copy has no inactive unit.
    return np.concatenate([(z <= 0).all(axis=2) for z in layers], axis=1)


@dataclass
class InactiveTrace:
    """Which units were inactive at each checkpoint of a training run.

    ``inactive[c, k, u]`` says whether unit ``u`` of copy ``k`` was inactive on the
    training inputs after ``epochs[c]`` epochs (``epochs[0] == 0``: at
    initialisation). ``layer_of[u]`` is the hidden layer (1, 2, ...) unit ``u``
    belongs to. ``history`` is the ensemble at the end of training.
    """

    epochs: np.ndarray
    inactive: np.ndarray
    layer_of: np.ndarray
    history: EnsembleHistory

    @property
    def counts(self) -> np.ndarray:
        """Inactive units per copy at each checkpoint, shape (checkpoints, K)."""
        return self.inactive.sum(axis=2)

    def share_of_rise(self, epoch: int) -> float:
        """The share of the rise in the mean inactive count, from initialisation
        to the end of training, that happened by the checkpoint ``epoch``.

        >>> trace = InactiveTrace(np.array([0, 10, 20]),
        ...                       np.zeros((3, 2, 3), dtype=bool), np.ones(3), None)
        >>> trace.inactive[1:, 0, :2] = True   # two units of copy 0 by epoch 10
        >>> trace.inactive[2, 1, 0] = True     # one unit of copy 1 by epoch 20
        >>> round(trace.share_of_rise(10), 4)  # (2 / 2) / (3 / 2)
        0.6667
        """
        if epoch not in set(self.epochs.tolist()):
            raise ValueError(
                f"epoch must be one of the checkpoints {self.epochs.tolist()}, "
                f"got {epoch!r}"
            )
        mean = self.counts.mean(axis=1)
        rise = mean - mean[0]
        return float(rise[int(np.flatnonzero(self.epochs == epoch)[0])] / rise[-1])

    def revived(self, layer: int | None = None) -> tuple[int, int]:
        """(units that were inactive at some checkpoint and active at a later one,
        units that were inactive at some checkpoint), over all copies.

        ``layer`` restricts the count to one hidden layer (1 = next to the input).
        """
        mask = self.inactive
        if layer is not None:
            if layer not in set(self.layer_of.tolist()):
                raise ValueError(f"layer must be one of {sorted(set(self.layer_of))}")
            mask = mask[:, :, self.layer_of == layer]
        ever = mask.any(axis=0)
        # inactive at checkpoint c and active at some checkpoint after c
        active_later = np.flip(np.logical_or.accumulate(np.flip(~mask, 0), 0), 0)
        back = (mask[:-1] & active_later[1:]).any(axis=0)
        return int(back.sum()), int(ever.sum())


def trace_inactive_units(
    X: Sequence[float] | np.ndarray,
    y: Sequence[float] | np.ndarray,
    *,
    sizes: Sequence[int],
    activations: str | Sequence[str],
    seeds: Sequence[int],
    lr: float,
    num_epochs: int,
    momentum: float = 0.0,
    every: int = 10,
) -> InactiveTrace:
    """Train an ensemble and record its inactive units every ``every`` epochs.

    Training in chunks (:func:`examples.ensemble.train_in_chunks`) gives exactly
    the run :func:`examples.ensemble.train_ensemble` would.

    >>> from examples.data import parabola
    >>> X, y = parabola()
    >>> trace = trace_inactive_units(X, y, sizes=(1, 4, 1), activations="relu",
    ...                              seeds=range(3), lr=1e-3, num_epochs=4, every=2)
    >>> trace.epochs.tolist(), trace.inactive.shape
    ([0, 2, 4], (3, 3, 4))
    """
    X_arr = _validate.finite_vector("X", X)
    num_epochs = _validate.iteration_count("num_epochs", num_epochs)
    _validate.positive_int("every", every)
    trainer = EnsembleTrainer(
        X_arr,
        y,
        sizes=sizes,
        activations=activations,
        seeds=seeds,
        lr=lr,
        momentum=momentum,
    )
    widths = list(sizes)[1:-1]
    layer_of = np.repeat(np.arange(1, len(widths) + 1), widths)
    # Before any step: the untrained models the seeds build.
    start = untrained(sizes, activations, trainer.seeds)
    epochs, masks = [0], [inactive_units(start, X_arr)]
    for history in train_in_chunks(trainer, num_epochs, every):
        masks.append(inactive_units(history, X_arr))
        epochs.append(history.num_epochs)
    return InactiveTrace(np.array(epochs), np.stack(masks), layer_of, history)


def untrained(
    sizes: Sequence[int], activations: str | Sequence[str], seeds: Sequence[int]
) -> EnsembleHistory:
    """The networks ``mlp(sizes, activations, seed=s)`` for every seed ``s``,
    untrained, as an ensemble of zero epochs: what :func:`inactive_units` and
    :func:`examples.hidden_units.preactivations` read, without building a
    thousand ``nn.Sequential`` (which takes seconds).
    :func:`examples.ensemble._initial_parameters` draws what ``mlp`` draws, the
    same numbers in the same order.

    >>> start = untrained((1, 3, 1), "relu", range(4))
    >>> start.num_epochs, start.weights[0].shape, start.activations
    (0, (4, 3, 1), ('relu',))
    """
    names = tuple(_check_mlp(sizes, activations, 0))
    seed_array = np.array(_validate.seed_list("seeds", seeds), dtype=np.int64)
    K = len(seed_array)
    params = _initial_parameters(tuple(int(s) for s in sizes), seed_array)
    return EnsembleHistory(
        seeds=seed_array,
        loss=np.empty((0, K)),
        diverged_at=np.full(K, -1, dtype=np.int64),
        sizes=tuple(int(s) for s in sizes),
        activations=names,
        weights=tuple(w.numpy() for w in params[::2]),
        biases=tuple(b[:, :, 0].contiguous().numpy() for b in params[1::2]),
    )


def plot_inactive_counts(
    traces: dict[str, InactiveTrace], ax: Axes | None = None
) -> Axes:
    """The mean number of inactive hidden units per network against the epoch."""
    ax = ax if ax is not None else plt.gca()
    styles = ["-", "--", ":"]
    for i, (label, trace) in enumerate(traces.items()):
        ax.plot(
            trace.epochs,
            trace.counts.mean(axis=1),
            marker=".",
            linestyle=styles[i % 3],
            label=label,
        )
    units = next(iter(traces.values())).inactive.shape[2]
    ax.set_ylim(0, None)
    ax.set_xlabel("epoch")
    ax.set_ylabel(f"inactive units (of {units}), mean")
    ax.legend()
    return ax
