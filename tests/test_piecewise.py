import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from examples.data import parabola  # noqa: E402
from examples.models import mlp  # noqa: E402
from examples.one_hidden_layer import unit_parameters  # noqa: E402
from examples.piecewise import (  # noqa: E402
    interpolation_error,
    kinks,
    plot_interpolation_error,
    plot_unit_contributions,
    relu_interpolant,
    unit_contributions,
)
from examples.training import predict  # noqa: E402


@pytest.mark.parametrize("activation", ["relu", "tanh", "gelu"])
def test_terms_plus_output_bias_are_the_prediction(activation):
    net = mlp((1, 6, 1), activation, seed=3)
    grid = np.linspace(-6, 6, 50)
    terms, c = unit_contributions(net, grid)
    assert terms.shape == (6, 50)
    np.testing.assert_allclose(terms.sum(axis=0) + c, predict(net, grid), atol=1e-5)


def test_each_relu_term_is_zero_left_of_its_kink_and_straight_after():
    net = mlp((1, 5, 1), "relu", seed=0)
    grid = np.linspace(-20, 20, 4001)
    terms, _ = unit_contributions(net, grid)
    w = net.hidden1.weight.detach().numpy()[:, 0]
    v = net.output.weight.detach().numpy()[0]
    for term, kink, w_i, v_i in zip(terms, kinks(net), w, v, strict=True):
        off = grid < kink if w_i > 0 else grid > kink
        assert np.all(term[off] == 0)
        on = ~off & (np.abs(grid - kink) > 1e-3)
        slopes = np.diff(term[on]) / np.diff(grid[on])
        np.testing.assert_allclose(
            slopes[np.abs(np.diff(grid[on]) - 0.01) < 1e-9],
            v_i * w_i,
            rtol=1e-3,
            atol=1e-4,
        )


def test_interpolant_joins_the_points_like_numpy_interp():
    knots = np.array([-3.0, -1.0, 0.5, 2.0, 4.0])
    f = lambda x: np.sin(x) + x**2 / 5  # noqa: E731
    net = relu_interpolant(f, knots, dtype=torch.float64)
    grid = np.linspace(-3, 4, 701)
    with torch.no_grad():
        y_hat = net(torch.from_numpy(grid).reshape(-1, 1)).reshape(-1).numpy()
    np.testing.assert_allclose(y_hat, np.interp(grid, knots, f(knots)), atol=1e-12)
    np.testing.assert_allclose(kinks(net), knots[:-1])


def test_hand_built_network_fits_the_parabola_exactly():
    X, y = parabola()
    net = relu_interpolant(np.square, X)
    np.testing.assert_allclose(predict(net, X), y, atol=1e-5)


@pytest.mark.parametrize("units", [1, 3, 10, 40, 100])
def test_largest_error_is_h_squared_over_four(units):
    h = 10.0 / units
    # the grid must contain the midpoints, where the error is largest
    assert interpolation_error(np.square, units) == pytest.approx(h**2 / 4, rel=1e-9)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: relu_interpolant(np.square, [1.0]), "^knots must hold"),
        (lambda: relu_interpolant(np.square, [1.0, 0.0]), "^knots must hold"),
        (lambda: relu_interpolant(np.square, [0.0, 1.0], dtype=torch.int32), "^dtype"),
        (lambda: interpolation_error(np.square, 0), "^num_units"),
        (lambda: interpolation_error(np.square, 2, lo=1.0, hi=0.0), "^hi must"),
        (lambda: kinks(mlp((1, 2, 2, 1), "relu")), "^model must be a 1-H-1"),
    ],
)
def test_bad_arguments(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_plots():
    X, y = parabola()
    net = mlp((1, 4, 1), "relu", seed=1)
    fig, (a, b) = plt.subplots(1, 2)
    assert plot_unit_contributions(net, X, y, ax=a) is a
    total = [ln for ln in a.get_lines() if ln.get_label() == "sum of terms + c"][0]
    np.testing.assert_allclose(
        total.get_ydata(), predict(net, total.get_xdata()), atol=1e-5
    )
    assert plot_interpolation_error([1, 10], [25.0, 0.25], ax=b, bound=[25, 0.25]) is b
    assert b.get_xscale() == "log" and len(b.get_lines()) == 2
    plt.close(fig)


def test_kinks_are_the_units_centres_and_inf_for_a_flat_unit():
    net = mlp((1, 4, 1), "relu", seed=2)
    np.testing.assert_array_equal(kinks(net), unit_parameters(net).centres)
    w = net.hidden1.weight.detach().double().numpy()[:, 0]
    b = net.hidden1.bias.detach().double().numpy()
    np.testing.assert_allclose(kinks(net), -b / w)  # by hand
    with torch.no_grad():
        net.hidden1.weight[1] = 0.0
        net.hidden1.bias[1] = 0.0
    assert kinks(net)[1] == np.inf
