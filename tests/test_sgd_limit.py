import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from examples.data import line_data, noisy_line  # noqa: E402
from examples.least_squares import least_squares_line  # noqa: E402
from examples.models import LinearModel  # noqa: E402
from examples.sgd_limit import (  # noqa: E402
    per_sample_sgd_line,
    plot_parameter_path,
    sgd_line_limit,
)
from examples.training import train_per_sample  # noqa: E402


def test_reference_loop_matches_pytorch_training():
    X, y = noisy_line(seed=3)
    model = LinearModel(seed=1)
    w0, b0 = model.weight, model.bias
    history = train_per_sample(model, X, y, lr=0.001, momentum=0.2, num_epochs=40)
    w, b = per_sample_sgd_line(X, y, w0, b0, lr=0.001, momentum=0.2, num_epochs=40)
    np.testing.assert_allclose(history.weight, w, atol=2e-5)
    np.testing.assert_allclose(history.bias, b, atol=2e-5)


@pytest.mark.parametrize("momentum", [0.0, 0.2, 0.9])
def test_limit_is_where_a_long_run_settles(momentum):
    X, y = noisy_line(seed=0)
    limit = sgd_line_limit(X, y, lr=0.001, momentum=momentum)
    w, b = per_sample_sgd_line(
        X, y, 0.0, 0.0, lr=0.001, momentum=momentum, num_epochs=6000
    )
    assert w[-1] == pytest.approx(limit.weight, abs=1e-9)
    assert b[-1] == pytest.approx(limit.bias, abs=1e-9)


def test_contraction_is_the_rate_at_which_the_gap_closes():
    X, y = noisy_line(seed=0)
    limit = sgd_line_limit(X, y, lr=0.001, momentum=0.2)
    w, b = per_sample_sgd_line(X, y, 0.0, 0.0, lr=0.001, momentum=0.2, num_epochs=900)
    gap = np.hypot(w - limit.weight, b - limit.bias)
    ratio = gap[800] / gap[799]
    assert ratio == pytest.approx(limit.contraction, abs=1e-4)


def test_exact_data_give_the_exact_line():
    X, y = line_data(weight=3.0, n=6)
    limit = sgd_line_limit(X, y, lr=0.01, momentum=0.2)
    assert limit.weight == pytest.approx(3.0, abs=1e-12)
    assert limit.bias == pytest.approx(0.0, abs=1e-12)


def test_limit_approaches_least_squares_in_proportion_to_lr():
    X, y = noisy_line(seed=0)
    ls = np.array(least_squares_line(X, y))
    gaps = []
    for lr in (1e-3, 5e-4, 2.5e-4):
        limit = sgd_line_limit(X, y, lr=lr, momentum=0.2)
        gaps.append(np.hypot(*(np.array([limit.weight, limit.bias]) - ls)))
    assert gaps[0] > 0.01
    assert gaps[1] / gaps[0] == pytest.approx(0.5, abs=0.03)
    assert gaps[2] / gaps[1] == pytest.approx(0.5, abs=0.03)


def test_too_large_a_learning_rate_is_refused():
    X, y = noisy_line(seed=0)
    with pytest.raises(ValueError, match="too large"):
        sgd_line_limit(X, y, lr=0.1)
    with pytest.raises(ValueError, match="two different values"):
        sgd_line_limit([1.0, 1.0], [0.0, 1.0], lr=0.01)
    with pytest.raises(ValueError, match="lr"):
        per_sample_sgd_line(X, y, 0.0, 0.0, lr=-1.0, num_epochs=1)


def test_plot_parameter_path_draws_every_epoch():
    X, y = noisy_line(seed=0)
    model = LinearModel(seed=0)
    start = (model.weight, model.bias)
    history = train_per_sample(model, X, y, lr=0.001, momentum=0.2, num_epochs=5)
    fig, ax = plt.subplots()
    try:
        assert (
            plot_parameter_path(history, X, y, start, {"ls": (0.9, 0.4)}, ax=ax) is ax
        )
        line = ax.get_lines()[0]
        np.testing.assert_allclose(line.get_xdata(), [start[0], *history.weight])
        np.testing.assert_allclose(line.get_ydata(), [start[1], *history.bias])
    finally:
        plt.close(fig)
    with pytest.raises(ValueError, match="history"):
        plot_parameter_path(type(history)(loss=[1.0]), X, y, start)
