import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

from examples.data import parabola  # noqa: E402
from examples.gradient_flow import (  # noqa: E402
    deep_network,
    gradient_norms,
    layer_gradient_norms,
    plot_gradient_norms,
    shrink_factor,
)
from examples.models import mlp  # noqa: E402

X, Y = parabola()


def test_gradient_norms_of_a_1_1_1_network_by_hand():
    net = mlp((1, 1, 1), "identity", seed=4)
    w1, b1 = net.hidden1.weight.item(), net.hidden1.bias.item()
    w2, b2 = net.output.weight.item(), net.output.bias.item()
    r = w2 * (w1 * X + b1) + b2 - Y
    d_w1 = np.mean(2 * r * w2 * X)
    d_w2 = np.mean(2 * r * (w1 * X + b1))
    np.testing.assert_allclose(
        layer_gradient_norms(net, X, Y), [abs(d_w1), abs(d_w2)], rtol=1e-4
    )


def test_sigmoid_layer_gradient_carries_the_sigmoid_slope():
    # 1-1-1 sigmoid: d/dw1 = mean(2 r v sigma'(z) x), with sigma' = s (1 - s).
    net = mlp((1, 1, 1), "sigmoid", seed=1)
    w, b = net.hidden1.weight.item(), net.hidden1.bias.item()
    v, c = net.output.weight.item(), net.output.bias.item()
    s = 1 / (1 + np.exp(-(w * X + b)))
    r = v * s + c - Y
    expected = abs(np.mean(2 * r * v * s * (1 - s) * X))
    assert layer_gradient_norms(net, X, Y)[0] == pytest.approx(expected, rel=1e-4)


def test_he_initialisation_scale_and_zero_biases():
    net = deep_network("relu", depth=2, width=400, seed=0, init="he")
    linears = [m for m in net if isinstance(m, nn.Linear)]
    hidden2 = linears[1]
    std = hidden2.weight.std().item()
    assert std == pytest.approx(math.sqrt(2 / 400), rel=0.03)
    assert all(torch.count_nonzero(m.bias) == 0 for m in linears)


def test_default_initialisation_is_the_models_own():
    a = deep_network("tanh", depth=3, width=5, seed=7)
    b = mlp((1, 5, 5, 5, 1), "tanh", seed=7)
    for p, q in zip(a.parameters(), b.parameters(), strict=True):
        assert torch.equal(p, q)


def test_seeded_and_leaves_the_global_generator_alone():
    state = torch.random.get_rng_state()
    a = deep_network("relu", depth=3, width=4, seed=2, init="he")
    b = deep_network("relu", depth=3, width=4, seed=2, init="he")
    assert torch.equal(state, torch.random.get_rng_state())
    for p, q in zip(a.parameters(), b.parameters(), strict=True):
        assert torch.equal(p, q)


def test_gradient_norms_stack_one_row_per_seed():
    norms = gradient_norms("relu", X, Y, depth=2, width=3, seeds=[5, 6])
    for row, seed in zip(norms, [5, 6], strict=True):
        np.testing.assert_array_equal(
            row,
            layer_gradient_norms(
                deep_network("relu", depth=2, width=3, seed=seed), X, Y
            ),
        )


def test_sigmoid_gradients_vanish_and_he_relu_gradients_do_not():
    seeds = range(8)
    sigmoid = gradient_norms("sigmoid", X, Y, depth=8, width=10, seeds=seeds)
    relu_he = gradient_norms("relu", X, Y, depth=8, width=10, seeds=seeds, init="he")
    # At most 0.25 per sigmoid layer times the weights: far below the ReLU stack.
    assert shrink_factor(sigmoid) > 1e5
    assert shrink_factor(relu_he) < 20


def test_shrink_factor_uses_medians():
    norms = np.array([[1.0, 10.0], [3.0, 10.0], [100.0, 10.0]])
    assert shrink_factor(norms) == pytest.approx(10.0 / 3.0)
    with pytest.raises(ValueError, match="^norms must have shape"):
        shrink_factor(np.ones(3))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"depth": 0, "width": 2}, "^depth"),
        ({"depth": 2, "width": 0}, "^width"),
        ({"depth": 2, "width": 2, "init": "xavier"}, "^init must be one of"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        deep_network("relu", **kwargs)
    with pytest.raises(ValueError, match="^seeds must name"):
        gradient_norms("relu", X, Y, depth=1, width=1, seeds=[])


def test_plot_draws_the_median_per_layer():
    norms = np.array([[1.0, 2.0, 4.0], [3.0, 2.0, 8.0], [2.0, 2.0, 6.0]])
    fig, ax = plt.subplots()
    assert plot_gradient_norms({"a": norms}, ax=ax) is ax
    (line,) = ax.get_lines()
    np.testing.assert_array_equal(line.get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(line.get_ydata(), [2.0, 2.0, 6.0])
    assert ax.get_yscale() == "log"
    plt.close(fig)
