import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

from examples.collapse import (  # noqa: E402
    best_line_loss,
    collapse_linear,
    collapse_to_line,
    distance_from_line,
    plot_linear_fits,
)
from examples.data import parabola  # noqa: E402
from examples.models import mlp  # noqa: E402
from examples.training import predict, train_per_sample  # noqa: E402


@pytest.mark.parametrize(
    "sizes", [(1, 1), (1, 2, 1), (1, 10, 10, 1), (1, 7, 3, 9, 4, 1)]
)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_linear_network_is_one_line(sizes, seed):
    net = mlp(sizes, "identity", seed=seed)
    weight, bias = collapse_to_line(net)
    grid = np.linspace(-10, 10, 101)
    scale = np.abs(predict(net, grid)).max() + 1
    np.testing.assert_allclose(
        predict(net, grid), weight * grid + bias, atol=1e-6 * scale
    )


def test_two_layers_by_hand():
    net = mlp((1, 2, 1), "identity", seed=0)
    W1, b1 = net.hidden1.weight.detach().double(), net.hidden1.bias.detach().double()
    W2, b2 = net.output.weight.detach().double(), net.output.bias.detach().double()
    W, b = collapse_linear(net)
    np.testing.assert_allclose(W, (W2 @ W1).numpy(), rtol=1e-12)
    np.testing.assert_allclose(b, (W2 @ b1 + b2).numpy(), rtol=1e-12)


def test_many_inputs_and_outputs():
    net = nn.Sequential(nn.Linear(3, 4), nn.Identity(), nn.Linear(4, 2))
    W, b = collapse_linear(net)
    assert W.shape == (2, 3) and b.shape == (2,)
    x = torch.randn(5, 3, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        expected = net(x).double().numpy()
    np.testing.assert_allclose(x.double().numpy() @ W.T + b, expected, atol=1e-6)
    with pytest.raises(ValueError, match="^model must map one input to one output"):
        collapse_to_line(net)


def test_a_layer_without_bias():
    net = nn.Sequential(nn.Linear(1, 3, bias=False), nn.Linear(3, 1))
    W, b = collapse_linear(net)
    assert b == pytest.approx(net[1].bias.item())


@pytest.mark.parametrize(
    "model, match",
    [
        (mlp((1, 3, 1), "tanh"), "^model must contain only nn.Linear"),
        (nn.Sequential(nn.Identity()), "^model must contain at least one"),
        (nn.Linear(1, 1), "^model must be an nn.Sequential"),
    ],
)
def test_refuses_what_does_not_collapse(model, match):
    with pytest.raises(ValueError, match=match):
        collapse_linear(model)


def test_best_line_loss_is_the_least_squares_residual():
    X, y = parabola()
    assert best_line_loss(X, y) == pytest.approx(np.var(y))  # slope 0: the mean
    rng = np.random.default_rng(0)
    X2, y2 = rng.normal(size=20), rng.normal(size=20)
    coef = np.polyfit(X2, y2, 1)
    expected = np.mean((np.polyval(coef, X2) - y2) ** 2)
    assert best_line_loss(X2, y2) == pytest.approx(expected, rel=1e-10)


def test_training_a_linear_network_cannot_beat_the_line():
    X, y = parabola()
    net = mlp((1, 4, 1), "identity", seed=3)
    train_per_sample(net, X, y, lr=0.001, momentum=0.1, num_epochs=50)
    mse = np.mean((predict(net, X) - y) ** 2)
    assert mse >= best_line_loss(X, y) - 1e-6


def test_plot_linear_fits_draws_each_line():
    X, y = parabola()
    fig, ax = plt.subplots()
    assert plot_linear_fits(X, y, {"a": (1.0, 2.0), "b": (0.0, 10.0)}, ax=ax) is ax
    a, b = ax.get_lines()
    np.testing.assert_allclose(a.get_ydata(), 1.0 * a.get_xdata() + 2.0)
    np.testing.assert_allclose(b.get_ydata(), [10.0, 10.0])
    plt.close(fig)


def test_distance_from_line_is_zero_for_a_line_and_the_worst_residual_otherwise():
    X = np.linspace(-5.0, 5.0, 41)
    assert distance_from_line(X, 3.0 * X - 2.0) == pytest.approx(0.0, abs=1e-12)
    # x² on [-5, 5]: the least-squares line is flat at mean(x²); the farthest
    # point is at x = ±5 (independent reference: numpy's polyfit)
    coef = np.polyfit(X, X**2, 1)
    expected = np.max(np.abs(X**2 - np.polyval(coef, X)))
    assert distance_from_line(X, X**2) == pytest.approx(expected, rel=1e-12)


def test_distance_from_line_tells_a_collapsed_network_from_a_bent_one():
    X = np.linspace(-5.0, 5.0, 41)
    line = predict(mlp((1, 10, 10, 1), "identity", seed=0), X)
    bent = predict(mlp((1, 10, 10, 1), "relu", seed=0), X)
    assert distance_from_line(X, line) < 1e-5
    assert distance_from_line(X, bent) > 1e-2


@pytest.mark.parametrize(
    ("X", "y", "match"),
    [([1.0, 2.0], [1.0], "same length"), ([1.0, 1.0], [0.0, 2.0], "two different"),
     ([0.0, np.nan], [1.0, 2.0], "X")],
)  # fmt: skip
def test_distance_from_line_refuses_bad_input(X, y, match):
    with pytest.raises(ValueError, match=match):
        distance_from_line(X, y)
