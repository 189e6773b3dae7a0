import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from examples.data import parabola  # noqa: E402
from examples.models import mlp  # noqa: E402
from examples.one_hidden_layer import (  # noqa: E402
    hidden_outputs,
    plot_hidden_units,
    plot_output_combination,
    unit_parameters,
)
from examples.training import predict  # noqa: E402


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu"])
def test_units_are_dot_products_plus_bias_through_the_activation(name):
    net = mlp((1, 4, 1), name, seed=3)
    p = unit_parameters(net)
    X = np.linspace(-3, 3, 7)
    z = np.outer(p.w, X) + p.b[:, None]
    reference = {
        "sigmoid": 1 / (1 + np.exp(-z)),
        "tanh": np.tanh(z),
        "relu": np.maximum(z, 0),
    }[name]
    np.testing.assert_allclose(hidden_outputs(net, X), reference, rtol=1e-6, atol=1e-7)
    # The output unit: the dot product with the hidden units, plus c.
    np.testing.assert_allclose(p.v @ reference + p.c, predict(net, X), atol=1e-5)


def test_centres_are_where_the_input_is_zero():
    net = mlp((1, 2, 1), "sigmoid", seed=0)
    p = unit_parameters(net)
    np.testing.assert_allclose(np.diag(hidden_outputs(net, p.centres)), 0.5, atol=1e-7)
    with torch.no_grad():
        net.hidden1.weight.zero_()
    assert np.all(np.isinf(unit_parameters(net).centres))


def test_only_one_hidden_layer_networks_are_accepted():
    for bad in (
        mlp((1, 3, 3, 1), "relu"),
        mlp((2, 3, 1), "relu"),
        torch.nn.Linear(1, 1),
    ):
        with pytest.raises(ValueError, match="1-H-1"):
            unit_parameters(bad)


def test_plots_draw_the_units_and_their_sum():
    net = mlp((1, 2, 1), "sigmoid", seed=0)
    X, y = parabola()
    grid = np.linspace(-5, 5, 50)
    fig, (a, b) = plt.subplots(1, 2)
    try:
        assert plot_hidden_units(net, grid, ax=a, shade=(-5, 5)) is a
        assert len(a.get_lines()) == 2
        assert plot_output_combination(net, X, y, grid, ax=b) is b
        total = b.get_lines()[-1]
        np.testing.assert_allclose(total.get_ydata(), predict(net, grid), atol=1e-5)
    finally:
        plt.close(fig)
