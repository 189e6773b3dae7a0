import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

from examples.extrapolation import (  # noqa: E402
    linear_pieces,
    plot_extrapolation,
    sigmoid_asymptotes,
)
from examples.models import mlp  # noqa: E402
from examples.training import predict  # noqa: E402


@pytest.mark.parametrize("seed", range(4))
def test_sigmoid_network_tends_to_its_asymptotes(seed):
    net = mlp((1, 5, 1), "sigmoid", seed=seed)
    left, right = sigmoid_asymptotes(net)
    far = predict(net, [-1e5, 1e5])
    assert far[0] == pytest.approx(left, abs=1e-5)
    assert far[1] == pytest.approx(right, abs=1e-5)


def test_sigmoid_asymptotes_refuse_other_activations():
    with pytest.raises(ValueError, match="sigmoid"):
        sigmoid_asymptotes(mlp((1, 2, 1), "relu"))


def test_hand_built_relu_network_has_the_expected_pieces():
    # y = relu(x - 1) + relu(-x - 2): kinks at -2 and 1, slopes -1, 0, 1.
    net = nn.Sequential(nn.Linear(1, 2), nn.ReLU(), nn.Linear(2, 1))
    with torch.no_grad():
        net[0].weight.copy_(torch.tensor([[1.0], [-1.0]]))
        net[0].bias.copy_(torch.tensor([-1.0, -2.0]))
        net[2].weight.copy_(torch.tensor([[1.0, 1.0]]))
        net[2].bias.zero_()
    pieces = linear_pieces(net)
    np.testing.assert_allclose(pieces.kinks, [-2.0, 1.0])
    np.testing.assert_allclose(pieces.slopes, [-1.0, 0.0, 1.0])
    np.testing.assert_allclose(pieces.intercepts, [-2.0, 0.0, -1.0])


@pytest.mark.parametrize("seed", range(5))
def test_pieces_reproduce_deep_relu_networks(seed):
    net = mlp((1, 10, 10, 1), "relu", seed=seed)
    pieces = linear_pieces(net)
    X = np.linspace(-30, 30, 2001)
    np.testing.assert_allclose(pieces(X), predict(net, X), atol=2e-4)
    # Each piece is straight: the slope between the ends of every piece matches.
    ends = np.concatenate([[pieces.kinks[0] - 5], pieces.kinks, [pieces.kinks[-1] + 5]])
    for i, (a, b) in enumerate(zip(ends[:-1], ends[1:], strict=True)):
        xs = np.linspace(a, b, 5)[1:-1]
        ys = predict(net, xs)
        np.testing.assert_allclose(
            np.diff(ys) / np.diff(xs), pieces.slopes[i], atol=2e-3
        )


def test_pieces_refuse_non_piecewise_linear_models():
    with pytest.raises(ValueError, match="ReLU"):
        linear_pieces(mlp((1, 3, 1), "sigmoid"))
    with pytest.raises(ValueError, match="ReLU"):
        linear_pieces(mlp((2, 3, 1), "relu"))


def test_plot_extrapolation_shades_the_training_range():
    net = mlp((1, 2, 1), "sigmoid", seed=0)
    grid = np.linspace(-10, 10, 41)
    fig, ax = plt.subplots()
    try:
        assert plot_extrapolation(net, [-5.0, 5.0], grid, grid**2, ax=ax) is ax
        np.testing.assert_allclose(ax.get_lines()[-1].get_ydata(), predict(net, grid))
        with pytest.raises(ValueError, match="target"):
            plot_extrapolation(net, [-5.0, 5.0], grid, grid[:3] ** 2, ax=ax)
    finally:
        plt.close(fig)
