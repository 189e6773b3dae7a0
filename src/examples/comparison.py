"""A fair comparison of activation functions: same network, same seeds, many runs.

Every activation trains the same architecture from the same seeds (so the same
initial weights, drawn before the activation is ever applied), with the same
optimiser and the same number of epochs. One run says little: which seed we happened
to pick can matter more than which activation we chose. So we train a thousand
copies per activation and compare the *distributions* of their final losses.

Each run's outcome (*fits*, *in between*, *straight line*, *diverged*) is the one
of :func:`examples.outcomes.classify_runs`, against the best straight line through
that run's own data (:func:`line_losses`).

Shown in chapter 8 (``08-activation-functions``, figure ``fig-collapse``); chapter 9
(``09-training-with-activations``, figures ``fig-compare-curves``,
``fig-compare-final``).
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
from examples.outcomes import FIT_BELOW, count_outcomes


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
    of two. ``fits``, ``straight_line`` and ``diverged`` are the fractions of all
    runs with that outcome (:func:`examples.outcomes.classify_runs`).
    """

    q1: float
    median: float
    q3: float
    fits: float
    straight_line: float
    diverged: float
    runs: int


def quartiles(loss: np.ndarray) -> tuple[float, float, float]:
    """The lower quartile, the median and the upper quartile of ``loss``.

    A quarter of the runs lie at or below the lower quartile and a quarter at or
    above the upper one; between them lies the middle half. A diverged run (NaN)
    counts as an infinite loss, and each quartile is the loss of an actual run.

    >>> quartiles(np.array([4.0, 1.0, 3.0, 2.0, np.nan]))
    (2.0, 3.0, 4.0)
    """
    ranked = np.nan_to_num(np.asarray(loss, dtype=np.float64), nan=np.inf)
    if ranked.ndim != 1 or ranked.size == 0:
        raise ValueError("loss must be a non-empty 1-D array")
    q1, median, q3 = (
        float(np.quantile(ranked, q, method="inverted_cdf")) for q in (0.25, 0.5, 0.75)
    )
    return q1, median, q3


def share_lower(loss_a: np.ndarray, loss_b: np.ndarray) -> float:
    """The fraction of seeds on which run ``a`` ends with a lower loss than run ``b``.

    ``loss_a[k]`` and ``loss_b[k]`` are two runs from the same seed (the same
    initial weights); a diverged run (NaN) is never lower.

    >>> share_lower(np.array([1.0, 5.0, np.nan, 2.0]), np.array([2.0, 4.0, 1.0, np.nan]))
    0.5
    """
    a = np.nan_to_num(np.asarray(loss_a, dtype=np.float64), nan=np.inf)
    b = np.nan_to_num(np.asarray(loss_b, dtype=np.float64), nan=np.inf)
    if a.shape != b.shape or a.ndim != 1 or a.size == 0:
        raise ValueError(
            f"loss_a and loss_b must be 1-D of one shape, got {a.shape}, {b.shape}"
        )
    return float(np.mean(a < b))


def held_out_losses(
    history: EnsembleHistory,
    X_held: Sequence[float] | np.ndarray,
    y_held: Sequence[float] | np.ndarray,
) -> np.ndarray:
    """Each trained copy's mean squared error on held-out data, shape ``(K,)``.

    A diverged copy gets NaN.

    >>> from examples.data import parabola
    >>> X, y = parabola()
    >>> runs = train_ensemble(X, y, sizes=(1, 3, 1), activations="relu",
    ...                       seeds=range(2), lr=1e-3, num_epochs=2)
    >>> held_out_losses(runs, X, y).shape
    (2,)
    """
    X_arr, y_arr = _validate.data_pair(X_held, y_held)
    with np.errstate(invalid="ignore", over="ignore"):
        loss = np.mean((history.predict(X_arr) - y_arr) ** 2, axis=1)
    loss[history.diverged_at >= 0] = np.nan
    return loss


def summarize(final_loss: np.ndarray, line_loss: np.ndarray | float) -> Summary:
    """Quartiles and fractions of ``final_loss`` (one entry per run).

    >>> s = summarize(np.array([1.0, 2.0, 3.0, 80.0, np.nan]), 78.0)
    >>> s.median, s.fits, s.straight_line, s.diverged
    (3.0, 0.6, 0.2, 0.2)
    """
    final, _ = _validate.final_and_line_losses(final_loss, line_loss)
    q1, median, q3 = quartiles(final)
    counts = count_outcomes(final, line_loss)
    return Summary(
        q1=q1,
        median=median,
        q3=q3,
        fits=counts.share("fits"),
        straight_line=counts.share("straight line"),
        diverged=counts.share("diverged"),
        runs=counts.total,
    )


def summary_rows(
    results: dict[str, EnsembleHistory], line_loss: np.ndarray | float
) -> list[tuple[str, str, str, str, str, str]]:
    """Table rows: activation, median, quartiles, fits, straight line, diverged."""
    rows = []
    for name, history in results.items():
        s = summarize(history.final_loss, line_loss)
        rows.append(
            (
                FACTS[name].label,
                f"{s.median:.3g}",
                f"{s.q1:.3g} to {s.q3:.3g}",
                f"{100 * s.fits:.1f}%",
                f"{100 * s.straight_line:.1f}%",
                f"{100 * s.diverged:.1f}%",
            )
        )
    return rows


def held_out_rows(
    losses: dict[str, np.ndarray],
) -> list[tuple[str, str, str]]:
    """Table rows: activation, median held-out loss, its quartiles, best first."""
    rows = []
    for name, loss in sorted(losses.items(), key=lambda item: quartiles(item[1])[1]):
        q1, median, q3 = quartiles(loss)
        rows.append((FACTS[name].label, f"{median:.3g}", f"{q1:.3g} to {q3:.3g}"))
    return rows


#: Column titles for :func:`held_out_rows`.
HELD_OUT_HEADERS = ("activation", "median held-out loss", "middle half (quartiles)")

#: Column titles for :func:`summary_rows`.
SUMMARY_HEADERS = (
    "activation",
    "median loss",
    "middle half (quartiles)",
    "fits",
    "straight line",
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
    the best line's, against r (log scale); the threshold of *fits* is marked.

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
    ax.axvline(FIT_BELOW, color="black", linewidth=0.8, linestyle=":")
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
