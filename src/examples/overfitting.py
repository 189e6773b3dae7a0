"""Overfitting: the training loss keeps falling while the loss on held-out data rises.

A network with enough parameters can pass through every noisy training point. Early
in training it picks up the pattern the points share, and the loss on
held-out data (fresh noisy points it never trains on) falls along with the
training loss. Later it bends towards each point's own noise, which helps on the
training points only: the held-out loss turns round and rises.
:func:`train_with_held_out` records both losses every few epochs; the copies are
trained by :class:`examples.ensemble.EnsembleTrainer`, in chunks
(:func:`examples.ensemble.train_in_chunks`), so several seeds (and noise draws)
cost about what one does.

Shown in chapter 4 (``04-parabola-network``, figure ``fig-overfitting``); chapter 7
(``07-deeper-networks``, figure ``fig-noisy-target``); chapter 9
(``09-training-with-activations``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from torch import nn

from examples import _validate
from examples.ensemble import EnsembleHistory, EnsembleTrainer, train_in_chunks
from examples.plotting import PALETTE
from examples.training import mean_squared_error


def noisy_squares(
    X: Sequence[float] | np.ndarray,
    *,
    noise: float = 1.0,
    seed: int = 0,
    inside: bool = False,
) -> np.ndarray:
    """Noisy observations of ``x**2`` at each ``x`` in ``X``.

    With ``inside=False`` the noise is added to the output, ``y = x**2 + e``; with
    ``inside=True`` it is added to the input before squaring, ``y = (x + e)**2``,
    the target of :func:`examples.data.noisy_parabola`. Either way ``e`` is drawn
    from ``N(0, noise**2)`` with its own generator seeded by ``seed``, so held-out
    data are fresh draws with another seed.

    >>> noisy_squares([1.0, 2.0], noise=0.0).tolist()
    [1.0, 4.0]
    >>> from examples.data import noisy_parabola
    >>> X, y = noisy_parabola(seed=3)
    >>> bool(np.array_equal(noisy_squares(X, seed=3, inside=True), y))
    True
    """
    X_arr = _validate.finite_vector("X", X)
    noise = _validate.non_negative_number("noise", noise)
    seed = _validate.seed("seed", seed)
    e = np.random.default_rng(seed).normal(0.0, noise, size=len(X_arr))
    return (X_arr + e) ** 2 if inside else X_arr**2 + e


def best_prediction(
    X: Sequence[float] | np.ndarray, *, noise: float = 1.0, inside: bool = False
) -> np.ndarray:
    """The mean of the noisy target at each ``x``: the best any model can predict.

    ``x**2`` for noise added to the output; ``x**2 + noise**2`` for noise added to
    the input, since ``E[(x + e)**2] = x**2 + 2 x E[e] + E[e**2]``.

    >>> best_prediction([0.0, 2.0], noise=1.0, inside=True).tolist()
    [1.0, 5.0]
    """
    X_arr = _validate.finite_vector("X", X)
    noise = _validate.non_negative_number("noise", noise)
    return X_arr**2 + (noise**2 if inside else 0.0)


def irreducible_loss(
    X: Sequence[float] | np.ndarray, *, noise: float = 1.0, inside: bool = False
) -> float:
    """The expected mean squared error of :func:`best_prediction` on fresh draws at
    ``X``: the part of the held-out loss no model can remove.

    For ``y = x**2 + e`` it is the noise's variance, ``noise**2``. For
    ``y = (x + e)**2`` the deviation from the mean is ``2 x e + e**2 - noise**2``,
    whose variance is ``4 x**2 noise**2 + 2 noise**4``: the noise grows with ``|x|``.

    >>> irreducible_loss([0.0, 5.0], noise=1.0, inside=True)
    52.0
    >>> irreducible_loss([0.0, 5.0], noise=3.0)
    9.0
    """
    X_arr = _validate.finite_vector("X", X)
    noise = _validate.non_negative_number("noise", noise)
    if not inside:
        return noise**2
    return float(np.mean(4 * X_arr**2 * noise**2 + 2 * noise**4))


@dataclass
class HeldOutHistory:
    """Training and held-out loss of K copies after every epoch.

    ``train_loss[i, k]`` and ``held_out_loss[i, k]`` are copy ``k``'s mean squared
    error on the training and on the held-out data once ``epochs[i]`` epochs have
    been trained, both measured with the parameters of that moment. ``final`` is
    the :class:`examples.ensemble.EnsembleHistory` at the end of training.
    """

    epochs: np.ndarray
    train_loss: np.ndarray
    held_out_loss: np.ndarray
    final: EnsembleHistory
    _best: dict[int, EnsembleHistory] = field(default_factory=dict, repr=False)

    @property
    def best_epochs(self) -> np.ndarray:
        """For each copy, the number of epochs after which its held-out loss was
        lowest, shape (K,)."""
        return self.epochs[np.argmin(self.held_out_loss, axis=0)]

    def best_model(self, k: int = 0) -> nn.Sequential:
        """Copy ``k`` with the parameters it had at its :attr:`best_epochs`.

        Keeping those parameters is *early stopping*.
        """
        k = _validate.non_negative_int("k", k)
        if k >= self.train_loss.shape[1]:
            raise ValueError(f"k must be < {self.train_loss.shape[1]}, got {k}")
        return self._best[k].model(k)


def _targets(name: str, values: np.ndarray, n: int, K: int) -> np.ndarray:
    try:
        arr = np.asarray(values)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} must be a sequence of numbers: {err}") from None
    if arr.ndim == 1 and len(arr) == n:
        arr = np.broadcast_to(_validate.finite_vector(name, arr, float32=True), (K, n))
    if arr.shape != (K, n):
        raise ValueError(
            f"{name} must be finite, of length {n} or of shape ({K}, {n}), "
            f"got shape {np.shape(values)}"
        )
    return np.stack([_validate.finite_vector(name, row, float32=True) for row in arr])


def train_with_held_out(
    X: Sequence[float] | np.ndarray,
    y: Sequence[float] | np.ndarray,
    X_held: Sequence[float] | np.ndarray,
    y_held: Sequence[float] | np.ndarray,
    *,
    sizes: Sequence[int],
    activations: str | Sequence[str],
    seeds: Sequence[int],
    lr: float,
    num_epochs: int,
    momentum: float = 0.0,
    every: int = 1,
) -> HeldOutHistory:
    """Train ``mlp(sizes, activations, seed=s)`` per seed, measuring."""
    data = _checked(X, y, X_held, y_held, seeds, num_epochs, every)
    trainer = _trainer(data, sizes, activations, lr, momentum)
    record = _LossRecord(every, num_epochs, len(data.seeds))
    chunks = train_in_chunks(trainer, num_epochs, every)
    for i, snapshot in enumerate(chunks):
        train = _mse(snapshot, data.X, data.y)
        held = _mse(snapshot, data.X_held, data.y_held)  # never trained on
        record.add(i, train, held, snapshot)
    return record.result(lr)


@dataclass
class _HeldOutData:
    """The checked arguments of :func:`train_with_held_out`."""

    X: np.ndarray
    y: np.ndarray
    X_held: np.ndarray
    y_held: np.ndarray
    seeds: list[int]


def _checked(X, y, X_held, y_held, seeds, num_epochs, every) -> _HeldOutData:
    """Check :func:`train_with_held_out`'s data, seeds and epoch counts.

    ``y`` and ``y_held`` may hold one row per seed (shape ``(K, n)``): a
    different noise draw for each copy. ``num_epochs`` must be a multiple of
    ``every``. Training is per-sample SGD with momentum, by
    :class:`examples.ensemble.EnsembleTrainer`; after every ``every`` epochs
    each copy's mean squared error is measured on the training data and on
    ``(X_held, y_held)``, which training never sees.

    >>> X = np.array([-1.0, 0.0, 1.0])
    >>> h = train_with_held_out(X, X**2, X, X**2, sizes=(1, 4, 1),
    ...                         activations="relu", seeds=[0, 1], lr=0.01,
    ...                         num_epochs=3)
    >>> h.epochs.tolist(), h.held_out_loss.shape, h.best_epochs.shape
    ([1, 2, 3], (3, 2), (2,))
    >>> bool(np.allclose(h.train_loss, h.held_out_loss))  # same data, same loss
    True
    """
    X_arr = _validate.finite_vector("X", X, float32=True)
    X_held_arr = _validate.finite_vector("X_held", X_held, float32=True)
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, Iterable):
        raise ValueError(f"seeds must be a sequence of integers, got {seeds!r}")
    seeds_list = list(seeds)
    K = len(seeds_list)
    if K == 0:
        raise ValueError("seeds must not be empty")
    y_arr = _targets("y", y, len(X_arr), K)
    y_held_arr = _targets("y_held", y_held, len(X_held_arr), K)
    num_epochs = _validate.iteration_count("num_epochs", num_epochs)
    every = _validate.positive_int("every", every)
    if num_epochs % every:
        raise ValueError(
            f"num_epochs must be a multiple of every={every}, got {num_epochs}"
        )
    return _HeldOutData(X_arr, y_arr, X_held_arr, y_held_arr, seeds_list)


def _trainer(data: _HeldOutData, sizes, activations, lr, momentum) -> EnsembleTrainer:
    """An :class:`EnsembleTrainer` for the training data, one copy per seed."""
    return EnsembleTrainer(
        data.X,
        data.y,
        sizes=sizes,
        activations=activations,
        seeds=data.seeds,
        lr=lr,
        momentum=momentum,
    )


def _mse(snapshot: EnsembleHistory, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Each copy's mean squared error on ``(X, y)``, shape (K,)."""
    return np.mean((snapshot.predict(X) - y) ** 2, axis=1)


class _LossRecord:
    """The two losses of every copy after every ``every`` epochs, and each
    copy's snapshot at its lowest held-out loss so far."""

    def __init__(self, every: int, num_epochs: int, K: int) -> None:
        self.epochs = np.arange(every, num_epochs + 1, every)
        self.train_loss = np.empty((len(self.epochs), K))
        self.held_out_loss = np.empty((len(self.epochs), K))
        self.best: dict[int, EnsembleHistory] = {}
        self.snapshot: EnsembleHistory | None = None

    def add(self, i, train, held, snapshot: EnsembleHistory) -> None:
        self.train_loss[i] = train
        self.held_out_loss[i] = held
        for k in np.flatnonzero(held <= self.held_out_loss[: i + 1].min(axis=0)):
            self.best[int(k)] = snapshot
        self.snapshot = snapshot

    def result(self, lr: float) -> HeldOutHistory:
        """The :class:`HeldOutHistory`; a ValueError if any copy diverged."""
        snapshot = self.snapshot
        if np.any(snapshot.diverged_at >= 0):
            raise ValueError(
                f"lr={lr:g}: training diverged for seeds "
                f"{snapshot.seeds[snapshot.diverged_at >= 0].tolist()}; use a smaller lr"
            )
        return HeldOutHistory(
            self.epochs, self.train_loss, self.held_out_loss, snapshot, self.best
        )


@dataclass(frozen=True)
class EarlyStopping:
    """Early stopping with three data sets, for one copy.

    ``epochs`` is chosen where the validation loss is lowest; ``validation_loss``
    is that lowest loss, so it is optimistic: it was picked for being low. The
    test set played no part in the choice, and ``test_loss`` (the early-stopped
    network) and ``final_test_loss`` (the network after all epochs) are honest
    estimates of the loss on new data.
    """

    epochs: int
    validation_loss: float
    test_loss: float
    final_test_loss: float


def early_stopping(
    history: HeldOutHistory,
    X_test: Sequence[float] | np.ndarray,
    y_test: Sequence[float] | np.ndarray,
    k: int = 0,
) -> EarlyStopping:
    """Stop copy ``k`` where its validation loss (the held-out loss of
    :func:`train_with_held_out`) is lowest; report on the test set.
    """
    X_test, y_test = _validate.data_pair(X_test, y_test)
    best = history.best_model(k)  # checks k
    i = int(np.argmin(history.held_out_loss[:, k]))
    final = history.final.predict(X_test)[k]
    return EarlyStopping(
        epochs=int(history.epochs[i]),
        validation_loss=float(history.held_out_loss[i, k]),
        test_loss=mean_squared_error(best, X_test, y_test),
        final_test_loss=float(np.mean((final - y_test) ** 2)),
    )


def plot_train_and_held_out(
    history: HeldOutHistory,
    k: int = 0,
    ax: Axes | None = None,
    held_out: str = "held-out",
) -> Axes:
    """Copy ``k``'s training and held-out loss per epoch, log-log, best epoch marked.

    ``held_out`` names the held-out set in the legend ("validation" when it is
    the set that chooses the epoch)."""
    k = _validate.non_negative_int("k", k)
    ax = ax if ax is not None else plt.gca()
    epochs = history.epochs
    ax.plot(epochs, history.train_loss[:, k], color=PALETTE[0], label="training loss")
    ax.plot(
        epochs,
        history.held_out_loss[:, k],
        color=PALETTE[1],
        label=f"{held_out} loss",
    )
    best = int(history.best_epochs[k])
    ax.axvline(
        best,
        color=PALETTE[2],
        linestyle="--",
        linewidth=1.2,
        label=f"lowest {held_out} loss ({best} epochs)",
    )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("epochs trained")
    ax.set_ylabel("mean squared error")
    ax.legend()
    return ax
