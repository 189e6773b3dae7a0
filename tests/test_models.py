import math

import numpy as np
import pytest
import torch
from torch import nn

from examples.models import (
    ACTIVATIONS,
    LinearModel,
    activation,
    layer_parameters,
    mlp,
)


def test_linear_model_parameters_and_seed():
    a, b = LinearModel(seed=3), LinearModel(seed=3)
    assert a.weight == b.weight and a.bias == b.bias
    assert LinearModel(seed=4).weight != a.weight
    assert LinearModel(bias=False).linear.bias is None
    assert LinearModel(bias=False).bias == 0.0


def test_init_matches_pytorch_default_bounds():
    net = mlp((1, 10, 10, 1), "relu", seed=0)
    for layer in (m for m in net if isinstance(m, nn.Linear)):
        bound = 1 / math.sqrt(layer.in_features)
        assert layer.weight.abs().max() <= bound
        assert layer.bias.abs().max() <= bound


def test_building_a_model_does_not_touch_the_global_generator():
    state = torch.random.get_rng_state()
    mlp((1, 5, 5, 1), ["sigmoid", "relu"], seed=1)
    LinearModel(seed=1)
    assert torch.equal(state, torch.random.get_rng_state())


def test_mlp_shapes_names_and_activations():
    net = mlp((1, 5, 5, 1), ["sigmoid", "relu"], seed=0)
    assert [name for name, _ in net.named_children()] == [
        "hidden1",
        "sigmoid1",
        "hidden2",
        "relu2",
        "output",
    ]
    assert net(torch.zeros(4, 1)).shape == (4, 1)


def test_every_activation_builds():
    for name in ACTIVATIONS:
        assert isinstance(activation(name), nn.Module)
    assert activation("leaky_relu").negative_slope == 0.01


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"sizes": (1,)}, "sizes"),
        ({"sizes": (1, 0, 1)}, "sizes"),
        ({"activations": ["relu", "relu"]}, "activations"),
        ({"activations": "swish"}, "activations"),
        ({"seed": -1}, "seed"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=f"^{match} "):
        mlp(**kwargs)


def test_layer_parameters_are_float64_copies_of_every_linear_layer():
    net = mlp((1, 3, 2, 1), "relu", seed=4)
    layers = layer_parameters(net)
    linears = [net.hidden1, net.hidden2, net.output]
    assert len(layers) == 3
    for (W, b), layer in zip(layers, linears, strict=True):
        assert W.dtype == b.dtype == np.float64
        np.testing.assert_array_equal(W, layer.weight.detach().numpy())
        np.testing.assert_array_equal(b, layer.bias.detach().numpy())
    layers[0][0][:] = 7.0  # a copy: the model keeps its weights
    assert not torch.any(net.hidden1.weight == 7.0)
    no_bias = nn.Sequential(nn.Linear(2, 3, bias=False))
    [(W, b)] = layer_parameters(no_bias)
    assert W.shape == (3, 2) and b.tolist() == [0.0, 0.0, 0.0]
    with pytest.raises(ValueError, match="^model must be a torch nn.Module"):
        layer_parameters([net])
