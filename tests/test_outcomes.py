"""The one definition of a run's outcome, and the safe rounding of printed bounds."""

import re
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from examples.outcomes import (
    FIT_BELOW,
    LINE_ABOVE,
    OUTCOMES,
    OutcomeCounts,
    bound_above,
    bound_below,
    classify_runs,
    count_outcomes,
)


def test_the_thresholds_are_a_tenth_and_nine_tenths():
    assert (FIT_BELOW, LINE_ABOVE) == (0.1, 0.9)
    assert OUTCOMES == ("fits", "in between", "straight line", "diverged")


def test_hand_made_runs_at_the_boundaries():
    # best line's loss 100: fits below 10, straight line from 90 on
    losses = [0.0, 9.999, 10.0, 50.0, 89.999, 90.0, 150.0, np.inf, -np.inf, np.nan]
    assert classify_runs(losses, 100.0).tolist() == [
        "fits",
        "fits",
        "in between",
        "in between",
        "in between",
        "straight line",
        "straight line",
        "diverged",
        "diverged",
        "diverged",
    ]


def test_one_line_loss_per_run():
    # the same loss is a fit against one run's line and a line against another's
    labels = classify_runs([5.0, 5.0, 5.0], [100.0, 5.0, 10.0])
    assert labels.tolist() == ["fits", "straight line", "in between"]


def test_data_on_a_line_leave_no_curve_to_find():
    # the best line's loss is 0: every finite run is a straight line
    assert classify_runs([0.0, 1e-9, np.nan], 0.0).tolist() == [
        "straight line",
        "straight line",
        "diverged",
    ]


def test_other_fractions():
    labels = classify_runs([19.0, 21.0, 79.0, 81.0], 100.0, fit_below=0.2,
                           line_above=0.8)  # fmt: skip
    assert labels.tolist() == ["fits", "in between", "in between", "straight line"]


def test_counts_add_up_and_agree_with_the_labels():
    rng = np.random.default_rng(0)
    losses = rng.uniform(0, 100, 500)
    losses[:7] = np.nan
    counts = count_outcomes(losses, 50.0, fit_below=0.2, line_above=0.8)
    assert counts.total == 500 and counts.diverged == 7
    assert counts.fits == np.sum(losses < 10.0)
    assert counts.straight_line == np.sum(losses >= 40.0)
    assert counts.in_between == 500 - 7 - counts.fits - counts.straight_line
    assert (counts.fit_below, counts.line_above) == (0.2, 0.8)
    assert counts.share("diverged") == pytest.approx(7 / 500)
    assert counts.summary().startswith("of 500 runs:")


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="fit_below must be smaller"):
        classify_runs([1.0], 10.0, fit_below=0.9, line_above=0.5)
    with pytest.raises(ValueError, match="line_loss"):
        classify_runs([1.0], -1.0)
    with pytest.raises(ValueError, match="line_loss"):
        classify_runs([1.0], np.nan)
    with pytest.raises(ValueError, match="line_loss must be one number or one per"):
        classify_runs([1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="final_loss"):
        classify_runs([], 1.0)
    with pytest.raises(ValueError, match="outcome must be one of"):
        OutcomeCounts(1, 0, 0, 0).share("converged")


def printed(value, decimals):
    return Decimal(f"{value:.{decimals}f}")


@pytest.mark.parametrize(
    ("value", "decimals", "above", "below"),
    [
        (4.63, 1, "4.7", "4.6"),  # chapter 4's "below 4.6" when the largest is 4.63
        (78.47, 1, "78.5", "78.4"),
        (4.6, 1, "4.6", "4.6"),  # already on the grid: no step
        (0.1 + 0.2, 1, "0.4", "0.3"),  # 0.30000000000000004 is above 0.3
        (0.3, 1, "0.3", "0.3"),  # the float that prints as 0.3 counts as 0.3
        (-4.63, 1, "-4.6", "-4.7"),
        (-0.04, 1, "0.0", "-0.1"),  # never "-0.0"
        (0.0, 2, "0.00", "0.00"),
        (2.5, 0, "3", "2"),
        (1e-12, 3, "0.001", "0.000"),
        (123456.789, 2, "123456.79", "123456.78"),
    ],
)
def test_bounds_on_edge_cases(value, decimals, above, below):
    assert f"{bound_above(value, decimals):.{decimals}f}" == above
    assert f"{bound_below(value, decimals):.{decimals}f}" == below


def test_printed_bounds_are_bounds_and_the_tightest():
    rng = np.random.default_rng(1)
    values = np.concatenate([rng.uniform(-100, 100, 2000), rng.normal(0, 1e-3, 500)])
    for value in values.tolist():
        for decimals in (0, 1, 2, 3):
            step = Decimal(1).scaleb(-decimals)
            up = printed(bound_above(value, decimals), decimals)
            down = printed(bound_below(value, decimals), decimals)
            exact = Decimal(repr(value))
            assert down <= exact <= up
            assert up - step < exact < down + step


@pytest.mark.parametrize(
    ("value", "decimals", "above", "below"),
    [
        (1.234e-5, 1, "1.3e-05", "1.2e-05"),
        (9.96e-6, 1, "1.0e-05", "9.9e-06"),  # rounding up carries to 10
        (2.0e-3, 1, "2.0e-03", "2.0e-03"),
        (-1.234e-5, 0, "-1e-05", "-2e-05"),
        (0.0, 1, "0.0e+00", "0.0e+00"),
    ],
)
def test_scientific_bounds_on_edge_cases(value, decimals, above, below):
    up = bound_above(value, decimals, scientific=True)
    down = bound_below(value, decimals, scientific=True)
    assert f"{up:.{decimals}e}" == above
    assert f"{down:.{decimals}e}" == below
    assert Decimal(f"{down:.{decimals}e}") <= Decimal(repr(value))
    assert Decimal(repr(value)) <= Decimal(f"{up:.{decimals}e}")


def test_bounds_refuse_what_has_no_bound():
    with pytest.raises(ValueError, match="value must be a finite number"):
        bound_above(float("nan"))
    with pytest.raises(ValueError, match="value must be a finite number"):
        bound_below(float("inf"))
    with pytest.raises(ValueError, match="decimals"):
        bound_above(1.0, -1)


ROOT = Path(__file__).resolve().parents[1]


def test_no_other_module_or_chapter_writes_its_own_thresholds():
    # the thresholds are numbers only in examples/outcomes.py
    own = re.compile(
        r"(fit_below|line_above|ratio|threshold)\s*=\s*0?\.\d"
        r"|\b0?\.[19]\s*\*\s*\w*line_loss|line_loss\s*\*\s*0?\.[19]\b"
    )
    places = [p for p in (ROOT / "src" / "examples").rglob("*.py")]
    places += sorted((ROOT / "book").glob("0[4-9]-*.md"))
    offenders = [
        f"{p.relative_to(ROOT)}: {m.group(0)}"
        for p in places
        if p.name != "outcomes.py"
        for m in own.finditer(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_chapters_tables_and_the_study_command_classify_alike():
    from examples.comparison import summarize
    from examples.convergence import straight_line_loss
    from examples.data import parabola
    from examples.ensemble import train_ensemble
    from examples.study import outcomes

    X, y = parabola()
    history = train_ensemble(
        X, y, sizes=(1, 2, 1), activations="sigmoid", seeds=range(20, 40),
        lr=0.01, momentum=0.1, num_epochs=300,
    )  # fmt: skip
    labels = classify_runs(history.final_loss, straight_line_loss(X, y))
    assert len(set(labels)) >= 2  # a mix, so that agreement means something
    # the study command
    assert outcomes(history, X, y).tolist() == labels.tolist()
    # the comparison tables of chapter 9
    s = summarize(history.final_loss, straight_line_loss(X, y))
    assert s.fits == np.mean(labels == "fits")
    assert s.straight_line == np.mean(labels == "straight line")
    assert s.diverged == np.mean(labels == "diverged")
    # the counts of chapters 4 and 7
    counts = count_outcomes(history.final_loss, straight_line_loss(X, y))
    assert [counts.fits, counts.in_between, counts.straight_line, counts.diverged] == [
        int(np.sum(labels == name)) for name in OUTCOMES
    ]
