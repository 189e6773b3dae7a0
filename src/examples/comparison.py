"""A fair comparison of activation functions: same network, same seeds, many runs.

Every activation trains the same architecture from the same seeds (so the same
initial weights, drawn before the activation is ever applied), with the same
optimiser and the same number of epochs. One run says little: which seed we happened
to pick can matter more than which activation we chose. So we train a thousand
copies per activation and compare the *distributions* of their final losses.

A run *converged* if its final loss is below a tenth of the loss of the best
straight line through the same data (:func:`examples.collapse.best_line_loss`): it
found a curve at least ten times better than any line can be. A run is *no better
than a line* if its final loss is at least 90% of the best line's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from examples import _validate
from examples.activations import FACTS
from examples.collapse import best_line_loss
from examples.data import noisy_parabola
from examples.ensemble import EnsembleHistory, train_ensemble
from examples.models import ACTIVATIONS, _check_mlp

#: Converged: final loss below this fraction of the best straight line's loss.
CONVERGED_RATIO = 0.1

#: No better than a line: final loss at least this fraction of the best line's loss.
LINE_RATIO = 0.9


def noisy_targets(
    seeds: Sequence[int], start: int = -5, stop: int = 5, noise: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """``X`` and one draw of :func:`examples.data.noisy_parabola` per seed, ``(K, n)``.

    Copy ``k`` of an ensemble then learns from its own noisy data set, drawn with
    its own seed, so no conclusion rests on one lucky or unlucky draw.

    >>> X, Y = noisy_targets([0, 1])
    >>> Y.shape, bool(np.array_equal(Y[1], noisy_parabola(seed=1)[1]))
    ((2, 11), True)
    """
    seeds = _validate.seed_list("seeds", seeds)
    rows = [noisy_parabola(start, stop, noise=noise, seed=int(s)) for s in seeds]
    return rows[0][0], np.stack([y for _, y in rows])


def line_losses(
    X: Sequence[float] | np.ndarray, Y: Sequence[float] | np.ndarray
) -> np.ndarray:
    """The best straight line's mean squared error for each row of ``Y``.

    ``Y`` is one target vector ``(n,)`` or one per copy ``(K, n)``; the result has
    one entry per row.

    >>> line_losses([-1.0, 0.0, 1.0], [[1.0, 0.0, 1.0], [0.0, 1.0, 2.0]]).round(4)
    array([0.2222, 0.    ])
    """
    Y_arr = np.atleast_2d(_validate.real_array("Y", Y))
    if Y_arr.ndim != 2:
        raise ValueError(f"Y must have shape (n,) or (K, n), got {Y_arr.shape}")
    return np.array([best_line_loss(X, row) for row in Y_arr])


def _relative(final_loss: np.ndarray, line_loss: np.ndarray | float) -> np.ndarray:
    final, line = _validate.final_and_line_losses(final_loss, line_loss)
    return final / line


def converged(
    final_loss: np.ndarray,
    line_loss: np.ndarray | float,
    ratio: float = CONVERGED_RATIO,
) -> np.ndarray:
    """Whether each run's final loss is below ``ratio`` times the best line's.

    A diverged run (NaN) did not converge.

    >>> converged(np.array([1.0, 9.0, np.nan]), 78.0).tolist()
    [True, False, False]
    """
    ratio = _validate.positive_number("ratio", ratio)
    return np.nan_to_num(_relative(final_loss, line_loss), nan=np.inf) < ratio


def no_better_than_line(
    final_loss: np.ndarray, line_loss: np.ndarray | float, ratio: float = LINE_RATIO
) -> np.ndarray:
    """Whether each run's final loss is at least ``ratio`` times the best line's.

    A diverged run (NaN) is not counted here.

    >>> no_better_than_line(np.array([1.0, 78.6, np.nan]), 78.0).tolist()
    [False, True, False]
    """
    ratio = _validate.positive_number("ratio", ratio)
    return np.nan_to_num(_relative(final_loss, line_loss), nan=-np.inf) >= ratio


def compare_activations(
    X: Sequence[float] | np.ndarray,
    Y: Sequence[float] | np.ndarray,
    *,
    names: Sequence[str],
    sizes: Sequence[int],
    seeds: Sequence[int],
    lr: float,
    num_epochs: int,
    momentum: float = 0.0,
) -> dict[str, EnsembleHistory]:
    """Train ``len(seeds)`` copies of ``mlp(sizes, name)`` for each activation name.

    Every activation gets the same seeds, data, ``lr``, ``momentum`` and
    ``num_epochs``. ``Y`` is shared or one row per seed, as for
    :func:`examples.ensemble.train_ensemble`.

    >>> from examples.data import parabola
    >>> X, y = parabola()
    >>> runs = compare_activations(X, y, names=["relu", "tanh"], sizes=(1, 3, 1),
    ...                            seeds=range(5), lr=1e-3, num_epochs=2)
    >>> list(runs), runs["tanh"].final_loss.shape
    (['relu', 'tanh'], (5,))
    """
    if isinstance(names, str) or not isinstance(names, Sequence):
        raise ValueError(f"names must be a list of activation names, got {names!r}")
    names = list(names)
    if not names:
        raise ValueError("names must list at least one activation")
    for name in names:
        if not isinstance(name, str) or name not in ACTIVATIONS:
            raise ValueError(
                f"names must hold activation names ({', '.join(sorted(ACTIVATIONS))})"
                f", got {name!r}"
            )
        _check_mlp(sizes, name, 0)
    _validate.iteration_count("num_epochs", num_epochs)
    return {
        name: train_ensemble(
            X,
            Y,
            sizes=sizes,
            activations=name,
            seeds=seeds,
            lr=lr,
            num_epochs=num_epochs,
            momentum=momentum,
        )
        for name in names
    }


@dataclass(frozen=True)
class Summary:
    """The distribution of one configuration's final losses.

    Quartiles count a diverged run as an infinite loss (worse than any other),
    so a configuration that diverges often cannot look good by dropping its
    failures; each is the loss of an actual run (numpy's ``inverted_cdf``
    quantile: of 1,000 runs, the median is the 500th smallest), never an average
    of two. ``converged`` and ``diverged`` are fractions of all runs.
    """

    q1: float
    median: float
    q3: float
    converged: float
    no_better_than_line: float
    diverged: float
    runs: int


def summarize(final_loss: np.ndarray, line_loss: np.ndarray | float) -> Summary:
    """Quartiles and fractions of ``final_loss`` (one entry per run).

    >>> s = summarize(np.array([1.0, 2.0, 3.0, 80.0, np.nan]), 78.0)
    >>> s.median, s.converged, s.no_better_than_line, s.diverged
    (3.0, 0.6, 0.2, 0.2)
    """
    final, _ = _validate.final_and_line_losses(final_loss, line_loss)
    ranked = np.nan_to_num(final, nan=np.inf)
    q1, median, q3 = (
        float(np.quantile(ranked, q, method="inverted_cdf")) for q in (0.25, 0.5, 0.75)
    )
    return Summary(
        q1=q1,
        median=median,
        q3=q3,
        converged=float(converged(final, line_loss).mean()),
        no_better_than_line=float(no_better_than_line(final, line_loss).mean()),
        diverged=float(np.isnan(final).mean()),
        runs=int(final.size),
    )


def summary_rows(
    results: dict[str, EnsembleHistory], line_loss: np.ndarray | float
) -> list[tuple[str, str, str, str, str, str]]:
    """Table rows: activation, median, quartiles, converged, line-like, diverged."""
    rows = []
    for name, history in results.items():
        s = summarize(history.final_loss, line_loss)
        rows.append(
            (
                FACTS[name].label,
                f"{s.median:.3g}",
                f"{s.q1:.3g} to {s.q3:.3g}",
                f"{100 * s.converged:.1f}%",
                f"{100 * s.no_better_than_line:.1f}%",
                f"{100 * s.diverged:.1f}%",
            )
        )
    return rows


#: Column titles for :func:`summary_rows`.
SUMMARY_HEADERS = (
    "activation",
    "median loss",
    "middle half (quartiles)",
    "converged",
    "no better than a line",
    "diverged",
)

_STYLES = ["-", "--", "-.", ":", (0, (5, 1, 1, 1, 1, 1)), (0, (1, 3))]


def plot_final_loss_ecdf(
    results: dict[str, EnsembleHistory],
    line_loss: np.ndarray | float,
    ax: Axes | None = None,
    title: str | None = None,
    max_ratio: float | None = 10.0,
) -> Axes:
    """For each activation, the fraction of runs whose final loss is at most r times
    the best line's, against r (log scale); the convergence threshold is marked.

    The axis stops at ``max_ratio`` (None: at the largest ratio); a curve that ends
    below 1 at the right edge has runs beyond it. Diverged runs never count.
    """
    ax = ax if ax is not None else plt.gca()
    for i, (name, history) in enumerate(results.items()):
        rel = np.sort(
            np.nan_to_num(_relative(history.final_loss, line_loss), nan=np.inf)
        )
        fraction = np.arange(1, len(rel) + 1) / len(rel)
        finite = np.isfinite(rel)
        ax.step(
            rel[finite],
            fraction[finite],
            where="post",
            linestyle=_STYLES[i % len(_STYLES)],
            label=FACTS[name].label,
        )
    ax.axvline(CONVERGED_RATIO, color="black", linewidth=0.8, linestyle=":")
    ax.set_xscale("log")
    if max_ratio is not None:
        ax.set_xlim(None, _validate.positive_number("max_ratio", max_ratio))
    ax.set_ylim(0.0, 1.0)
    ax.set_xlabel("final loss / best line's loss")
    ax.set_ylabel("fraction of runs at most this")
    if title:
        ax.set_title(title)
    return ax


def median_loss(loss: np.ndarray) -> np.ndarray:
    """The median over runs (columns) of a ``(num_epochs, K)`` loss array, per epoch.

    The same median as :func:`summarize`: a diverged run (NaN) counts as infinite,
    and the median is the loss of an actual run.

    >>> median_loss(np.array([[3.0, 1.0, 2.0, np.nan], [1.0, 1.0, 0.5, np.nan]]))
    array([2., 1.])
    """
    loss = np.asarray(loss, dtype=np.float64)
    if loss.ndim != 2 or loss.size == 0:
        raise ValueError(f"loss must have shape (num_epochs, K), got {loss.shape}")
    ranked = np.nan_to_num(loss, nan=np.inf)
    return np.quantile(ranked, 0.5, axis=1, method="inverted_cdf")


def plot_median_loss(
    results: dict[str, EnsembleHistory],
    ax: Axes | None = None,
    title: str | None = None,
    log: bool = True,
) -> Axes:
    """Each activation's median loss over its runs at every epoch (log scale unless
    ``log=False``). A diverged run counts as an infinite loss."""
    ax = ax if ax is not None else plt.gca()
    for i, (name, history) in enumerate(results.items()):
        median = median_loss(history.loss)
        ax.plot(
            np.arange(1, len(median) + 1),
            median,
            linestyle=_STYLES[i % len(_STYLES)],
            label=FACTS[name].label,
        )
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("median loss")
    if title:
        ax.set_title(title)
    return ax
