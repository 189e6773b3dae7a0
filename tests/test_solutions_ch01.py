"""The solutions of chapter 1's exercises do what the exercises ask."""

import numpy as np
import pytest

from examples.scratch import learn_by_nudging
from examples.solutions.ch01 import (
    compare_steps,
    learn_by_proportional_steps,
    nudge_by_sign_of_error,
)

START = float(np.random.default_rng(0).uniform(0.0, 1.0))  # the seed-0 weight


def test_small_step_converges_slowly_and_large_step_jumps_over_the_band():
    runs = compare_steps(steps=(0.01, 0.05, 0.5), max_iterations=500, seed=0)
    e0 = START * 3.0 - 9.0
    # A fixed step moves the error by 3 * step: count the steps to the band by hand.
    for step in (0.01, 0.05):
        k = int(np.ceil((abs(e0) - 0.1) / (3.0 * step) - 1e-9))
        assert runs[step].converged
        assert runs[step].iterations == k + 1
    assert runs[0.01].iterations > runs[0.05].iterations
    big = runs[0.5]
    assert not big.converged and big.iterations == 500
    # it ends bouncing between two errors 1.5 apart, both outside the band
    last = sorted({round(e, 9) for e in big.errors[-4:]})
    assert len(last) == 2
    assert last[1] - last[0] == pytest.approx(1.5)
    assert all(abs(e) > 0.1 for e in last)


def test_negative_input_needs_the_sign_of_x():
    right = learn_by_nudging(x=-2.0, y=-6.0, seed=0)
    wrong = nudge_by_sign_of_error(x=-2.0, y=-6.0, seed=0)
    assert right.converged
    assert right.final_weight == pytest.approx(3.0, abs=0.1 / 2)
    assert not wrong.converged
    # the naive loop runs away: the error's size grows by 2 * step at every nudge
    sizes = np.abs(wrong.errors)
    np.testing.assert_allclose(np.diff(sizes), 2 * 0.05)
    # for a positive input the two loops are the same
    assert nudge_by_sign_of_error(3.0, 9.0, seed=0) == learn_by_nudging(seed=0)


def test_proportional_steps_follow_the_closed_form():
    run = learn_by_proportional_steps(x=3.0, y=9.0, lr=0.05, tolerance=1e-6, seed=0)
    e0 = START * 3.0 - 9.0
    k = np.arange(run.iterations)
    expected = e0 * (1 - 0.05 * 9.0) ** k
    np.testing.assert_allclose(run.errors, expected, rtol=1e-9, atol=1e-12)
    assert run.converged and abs(run.final_error) <= 1e-6
    # the first k with |e0| * 0.55**k <= 1e-6
    expected = int(np.ceil(np.log(1e-6 / abs(e0)) / np.log(0.55)))
    assert run.iterations == expected + 1
    assert run.iterations < learn_by_nudging(seed=0).iterations


def test_proportional_steps_diverge_when_the_factor_exceeds_one():
    run = learn_by_proportional_steps(lr=0.25, max_iterations=20, seed=0)
    assert not run.converged
    # 1 - 0.25 * 9 = -1.25: the error flips sign and grows by a quarter each step
    ratios = np.array(run.errors[1:]) / np.array(run.errors[:-1])
    np.testing.assert_allclose(ratios, -1.25)


@pytest.mark.parametrize("bad", [{"lr": 0}, {"x": float("nan")}, {"max_iterations": 0}])
def test_proportional_steps_reject_bad_arguments(bad):
    with pytest.raises(ValueError, match=next(iter(bad))):
        learn_by_proportional_steps(**bad)


def test_sign_only_loop_rejects_bad_arguments():
    with pytest.raises(ValueError, match="step"):
        nudge_by_sign_of_error(3.0, 9.0, step=-1.0)
