import numpy as np
import pytest

from examples.scratch import learn_by_nudging, nudging_log


def test_first_weight_is_the_seeded_uniform_draw():
    result = learn_by_nudging(seed=5)
    assert result.weights[0] == np.random.default_rng(5).uniform(0.0, 1.0)


def test_each_step_moves_by_exactly_step_towards_the_target():
    result = learn_by_nudging(x=3.0, y=9.0, step=0.05, seed=0)
    diffs = np.diff(result.weights)
    np.testing.assert_allclose(diffs, 0.05)
    np.testing.assert_allclose(result.errors, np.array(result.weights) * 3.0 - 9.0)


def test_stops_inside_tolerance_and_not_before():
    result = learn_by_nudging(seed=0, tolerance=0.1)
    assert result.converged
    assert abs(result.final_error) <= 0.1
    assert all(abs(e) > 0.1 for e in result.errors[:-1])


def test_negative_x_and_overshooting_start_still_converge():
    result = learn_by_nudging(
        x=-2.0, y=-6.0, step=0.01, tolerance=0.05, max_iterations=1000
    )
    assert result.converged and result.final_weight == pytest.approx(3.0, abs=0.05)
    high = learn_by_nudging(x=1.0, y=-1.0, step=0.05, max_iterations=100)
    assert high.converged and high.final_weight == pytest.approx(-1.0, abs=0.1)


def test_zero_tolerance_oscillates_until_the_budget_ends():
    result = learn_by_nudging(seed=0, tolerance=0.0, max_iterations=90)
    assert not result.converged and result.iterations == 90
    last = result.errors[-4:]
    assert last[0] == pytest.approx(last[2]) and last[1] == pytest.approx(last[3])
    assert min(last) < 0 < max(last)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"step": 0}, "step"),
        ({"x": 0.0}, "x"),
        ({"max_iterations": 0}, "max_iterations"),
        ({"tolerance": -0.1}, "tolerance"),
        ({"y": float("nan")}, "y"),
    ],
)
def test_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=f"^{name} "):
        learn_by_nudging(**kwargs)


def test_log_has_first_every_kth_and_last_line():
    lines = nudging_log(learn_by_nudging(seed=0), every=10).splitlines()
    assert lines[0].startswith("iteration  0")
    assert lines[-1].endswith("stop)")
