import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from examples.data import line_data  # noqa: E402
from examples.gradients import slope_at  # noqa: E402
from examples.models import LinearModel  # noqa: E402
from examples.plotting import (  # noqa: E402
    plot_error_path,
    plot_fit,
    plot_loss_against_weight,
    plot_loss_curve,
    plot_weight_path,
    use_book_style,
)
from examples.scratch import learn_by_nudging  # noqa: E402
from examples.training import predict, train_per_sample  # noqa: E402


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def test_plot_fit_draws_the_model_and_the_data(ax):
    X, y = line_data()
    model = LinearModel(seed=0)
    assert plot_fit(model, X, y, ax=ax) is ax
    line = ax.get_lines()[0]
    np.testing.assert_allclose(
        line.get_ydata(), predict(model, line.get_xdata()), rtol=1e-6
    )
    np.testing.assert_array_equal(ax.collections[0].get_offsets()[:, 1], y)


def test_tangent_has_the_autograd_slope(ax):
    X, y = line_data()
    plot_loss_against_weight(X, y, weight=0.5, bias=0.1, ax=ax)
    tangent = ax.get_lines()[1]
    xs, ys = tangent.get_xdata(), tangent.get_ydata()
    assert (ys[1] - ys[0]) / (xs[1] - xs[0]) == pytest.approx(slope_at(X, y, 0.5, 0.1))


def test_paths_and_loss_curve(ax):
    result = learn_by_nudging(seed=0)
    assert plot_weight_path(result, ax=ax) is ax
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(), result.weights)
    assert plot_error_path(result, ax=ax) is ax
    X, y = line_data()
    history = train_per_sample(LinearModel(seed=0), X, y, lr=0.01, num_epochs=5)
    assert plot_loss_curve(history, ax=ax) is ax
    assert ax.get_yscale() == "log"


def test_loss_curve_refuses_nan_instead_of_plotting_it(ax):
    with pytest.raises(ValueError, match="losses must hold only finite numbers"):
        plot_loss_curve([1.0, float("nan")], ax=ax)


def test_style_is_applied_only_when_asked():
    before = plt.rcParams["axes.spines.top"]
    use_book_style()
    assert plt.rcParams["axes.spines.top"] is False
    plt.rcParams["axes.spines.top"] = before
