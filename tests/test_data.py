import numpy as np
import pytest

from examples import data


def test_line_data_is_on_the_line():
    X, y = data.line_data(weight=3.0, n=6)
    np.testing.assert_array_equal(X, [1, 2, 3, 4, 5, 6])
    np.testing.assert_array_equal(y, 3 * X)


def test_linear_table_recovers_the_weight():
    assert [row[2] for row in data.linear_table((1, 3, 5), weight=3.0)] == [3.0] * 3
    with pytest.raises(ValueError, match="xs must not contain 0"):
        data.linear_table((0.0,))


def test_noisy_line_is_seeded_and_independent_of_global_state():
    np.random.seed(123)
    a = data.noisy_line(10, seed=7)
    np.random.seed(456)
    b = data.noisy_line(10, seed=7)
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[1], data.noisy_line(10, seed=8)[1])
    np.testing.assert_array_equal(a[0], np.arange(10.0))


def test_noise_has_the_requested_size():
    X, y = data.noisy_line(n=20000, noise=2.0, seed=1)
    assert np.std(y - X) == pytest.approx(2.0, rel=0.03)


def test_parabola_and_noisy_parabola():
    X, y = data.parabola(-5, 5)
    assert len(X) == 11 and X[0] == -5 and X[-1] == 5
    np.testing.assert_array_equal(y, X**2)
    Xn, yn = data.noisy_parabola(-5, 5, noise=0.0, seed=0)
    np.testing.assert_array_equal(yn, y)
    with pytest.raises(ValueError, match="stop must be >= start"):
        data.parabola(3, 1)


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: data.noisy_line(n=0), "n"),
        (lambda: data.noisy_line(noise=-1.0), "noise"),
        (lambda: data.noisy_line(seed=-1), "seed"),
        (lambda: data.noisy_parabola(seed=1.5), "seed"),
    ],
)
def test_bad_arguments_are_named(call, name):
    with pytest.raises(ValueError, match=f"^{name} "):
        call()
