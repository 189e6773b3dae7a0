"""The outcome of a training run, defined once, and bounds printed the safe way.

A run's outcome compares its final loss with the loss of the best straight line
through the same data, a reference that needs no training:

* **fits**: the final loss is below :data:`FIT_BELOW` (a tenth) of the best line's
  loss: the run found a curve at least ten times better than any line;
* **straight line**: the final loss is at least :data:`LINE_ABOVE` (90%) of the best
  line's loss: the run learned nothing a line could not;
* **in between**: neither;
* **diverged**: the final loss is not a finite number.

Chapters 4, 7 and 9 and ``python -m examples.study`` all classify runs with
:func:`classify_runs`; nothing else in the package decides an outcome.

A bound printed in prose must be true after rounding: "every run ends below 4.6"
is false when the largest loss is 4.63. :func:`bound_above` rounds up and
:func:`bound_below` rounds down, so the printed number is still a bound.

Shown in chapter 4 (the outcome counts and figure 11) and used by chapters 7 to 9.

Shown in chapter 4 (``04-parabola-network``); chapter 7 (``07-deeper-networks``);
chapter 8 (``08-activation-functions``); chapter 9
(``09-training-with-activations``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, localcontext

import numpy as np
from numpy.typing import ArrayLike

from examples import _validate

#: A run fits when its final loss is below this fraction of the best line's loss.
FIT_BELOW = 0.1

#: A run ends as a straight line when its final loss is at least this fraction.
LINE_ABOVE = 0.9

#: The outcome labels :func:`classify_runs` returns, from best to worst.
OUTCOMES = ("fits", "in between", "straight line", "diverged")


def check_fractions(fit_below: float, line_above: float) -> tuple[float, float]:
    """``fit_below`` and ``line_above``, checked: positive, the first smaller."""
    fit_below = _validate.positive_number("fit_below", fit_below)
    line_above = _validate.positive_number("line_above", line_above)
    if not fit_below < line_above:
        raise ValueError(
            f"fit_below must be smaller than line_above, got {fit_below} and "
            f"{line_above}"
        )
    return fit_below, line_above


def _check_runs(final_loss: ArrayLike, line_loss: ArrayLike) -> tuple:
    """The final losses as a vector, and the line's loss broadcast to it."""
    losses = _validate.real_array("final_loss", final_loss, allow_nan=True)
    if losses.ndim > 1:
        raise ValueError(
            f"final_loss must be one number or one per run, got shape {losses.shape}"
        )
    losses = losses.reshape(-1)
    line = _validate.real_array("line_loss", line_loss)
    if line.ndim > 1 or line.size not in (1, losses.size):
        raise ValueError(
            f"line_loss must be one number or one per run {losses.shape}, got "
            f"shape {line.shape}"
        )
    if np.any(line < 0):
        raise ValueError("line_loss must be at least 0")
    return losses, np.broadcast_to(
        line.reshape(-1) if line.ndim else line, losses.shape
    )


def classify_runs(
    final_loss: ArrayLike,
    line_loss: ArrayLike,
    *,
    fit_below: float = FIT_BELOW,
    line_above: float = LINE_ABOVE,
) -> np.ndarray:
    """Each run's outcome, one of OUTCOMES, from its final loss and the best
    straight line's loss (one number, or one per run).

    >>> classify_runs([3.0, 50.0, 70.2, float("nan")], 78.0).tolist()
    ['fits', 'in between', 'straight line', 'diverged']
    """
    losses, line = _check_runs(final_loss, line_loss)
    fit_below, line_above = check_fractions(fit_below, line_above)
    labels = np.full(losses.shape, "in between", dtype=object)
    finite = np.isfinite(losses)
    with np.errstate(invalid="ignore"):
        labels[finite & (losses < fit_below * line)] = "fits"
        labels[finite & (losses >= line_above * line)] = "straight line"
    labels[~finite] = "diverged"
    return labels.astype(str)


@dataclass(frozen=True)
class OutcomeCounts:
    """How many runs ended in each outcome, and the fractions that decided it."""

    fits: int
    in_between: int
    straight_line: int
    diverged: int
    fit_below: float = FIT_BELOW
    line_above: float = LINE_ABOVE

    @property
    def total(self) -> int:
        """The number of runs counted."""
        return self.fits + self.in_between + self.straight_line + self.diverged

    def share(self, outcome: str) -> float:
        """The fraction of all runs that ended in ``outcome`` (one of OUTCOMES).

        >>> OutcomeCounts(6, 1, 3, 0).share("straight line")
        0.3
        """
        if outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {OUTCOMES}, got {outcome!r}")
        return getattr(self, outcome.replace(" ", "_")) / self.total

    def summary(self) -> str:
        """One line: the count of each outcome.

        >>> print(OutcomeCounts(6, 1, 3, 0).summary())
        of 10 runs: 6 fit, 1 in between, 3 straight line, 0 diverged
        """
        return (
            f"of {self.total} runs: {self.fits} fit, {self.in_between} in between, "
            f"{self.straight_line} straight line, {self.diverged} diverged"
        )


def count_outcomes(
    final_loss: ArrayLike,
    line_loss: ArrayLike,
    *,
    fit_below: float = FIT_BELOW,
    line_above: float = LINE_ABOVE,
) -> OutcomeCounts:
    """Count the runs in each outcome of :func:`classify_runs`.

    >>> counts = count_outcomes([3.0, 3.5, 50.0, 78.6], 78.0)
    >>> counts.fits, counts.in_between, counts.straight_line, counts.total
    (2, 1, 1, 4)
    """
    labels = classify_runs(
        final_loss, line_loss, fit_below=fit_below, line_above=line_above
    )
    n = {name: int(np.sum(labels == name)) for name in OUTCOMES}
    return OutcomeCounts(
        fits=n["fits"],
        in_between=n["in between"],
        straight_line=n["straight line"],
        diverged=n["diverged"],
        fit_below=float(fit_below),
        line_above=float(line_above),
    )


def _rounded(value: float, decimals: int, rounding: str, scientific: bool) -> float:
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"value must be a finite number, got {value}")
    decimals = _validate.non_negative_int("decimals", decimals)
    with localcontext() as context:
        context.prec = 1000  # enough digits for any float: quantize never fails
        # repr: the shortest decimal that reads back as this float, the number
        # Python prints for it (4.6, not 4.5999999999999996...)
        exact = Decimal(repr(value))
        # scientific: decimals after the first significant digit, as format "e"
        shift = exact.adjusted() if scientific and value != 0 else 0
        step = Decimal(1).scaleb(shift - decimals)
        return float(exact.quantize(step, rounding=rounding)) + 0.0  # no -0.0


def bound_above(value: float, decimals: int = 1, *, scientific: bool = False) -> float:
    """The smallest number with ``decimals`` decimals that is at least ``value``.

    Printed with ``decimals`` decimals (format ``f``, or ``e`` when
    ``scientific``) it is a true upper bound ("at most ...").

    >>> bound_above(4.63, 1), bound_above(4.6, 1), bound_above(-4.63, 1)
    (4.7, 4.6, -4.6)
    >>> f"{bound_above(1.234e-5, 1, scientific=True):.1e}"
    '1.3e-05'
    """
    return _rounded(value, decimals, ROUND_CEILING, scientific)


def bound_below(value: float, decimals: int = 1, *, scientific: bool = False) -> float:
    """The largest number with ``decimals`` decimals that is at most ``value``.

    Printed with ``decimals`` decimals (format ``f``, or ``e`` when
    ``scientific``) it is a true lower bound ("at least ...").

    >>> bound_below(78.47, 1), bound_below(78.4, 1), bound_below(-78.47, 1)
    (78.4, 78.4, -78.5)
    """
    return _rounded(value, decimals, ROUND_FLOOR, scientific)
