"""The book's scalar autograd, pinned against PyTorch's autograd, the hand-derived
gradients of :mod:`examples.backprop` and PyTorch's own training loop."""

import math

import numpy as np
import pytest
import torch

from examples.autograd import (
    Value,
    as_value,
    computation_order,
    network_values,
    predict_value,
    train_network,
)
from examples.backprop import backward, max_difference, network_parameters
from examples.data import parabola
from examples.models import mlp

X, Y = parabola(-5, 5)


def test_each_operation_matches_torch():
    for a0, b0 in [(2.0, -3.0), (-0.5, 0.25), (0.0, 4.0)]:
        a, b = Value(a0), Value(b0)
        out = (a * b + a).sigmoid() + (a - b).tanh() * (b * 2.0).relu() + (-a).square()
        out.backward()
        at = torch.tensor(a0, dtype=torch.float64, requires_grad=True)
        bt = torch.tensor(b0, dtype=torch.float64, requires_grad=True)
        ref = (at * bt + at).sigmoid() + (at - bt).tanh() * (bt * 2).relu() + (-at) ** 2
        ref.backward()
        assert out.data == pytest.approx(ref.item(), rel=1e-14, abs=1e-14)
        assert a.grad == pytest.approx(float(at.grad), rel=1e-12, abs=1e-12)
        assert b.grad == pytest.approx(float(bt.grad), rel=1e-12, abs=1e-12)


def test_a_value_used_twice_gets_both_gradients():
    a = Value(3.0)
    f = a * a + a
    f.backward()
    assert a.grad == 7.0  # 2a + 1
    r = 1.0 - a  # __rsub__
    assert r.data == -2.0


def test_computation_order_puts_parents_first():
    a = Value(1.0)
    b = a * 2.0
    c = b + a
    d = c * b
    order = computation_order(d)
    assert order[-1] is d
    position = {id(v): i for i, v in enumerate(order)}
    for v in order:
        for parent in v.parents:
            assert position[id(parent)] < position[id(v)]
    assert len(order) == len({id(v) for v in order})


def test_a_deep_graph_needs_no_recursion():
    x = Value(0.5)
    y = x
    for _ in range(5000):
        y = y * 1.0
    y.backward()
    assert x.grad == 1.0


def test_network_gradients_equal_the_hand_derived_ones():
    model = mlp((1, 2, 1), "sigmoid", seed=4)
    by_hand = backward(network_parameters(model), X[2], Y[2])
    p = network_values(model)
    (predict_value(p, X[2]) - Y[2]).square().backward()
    ours = {n: [v.grad for v in p[n]] for n in ("w", "b", "v")}
    ours["c"] = p["c"][0].grad
    assert max_difference(ours, by_hand) < 1e-12


def _train_torch_float64(model, lr, momentum, num_epochs):
    """PyTorch's per-sample SGD with momentum, in float64 (independent of Value)."""
    model = model.double()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    losses = []
    for _ in range(num_epochs):
        total = 0.0
        for x_i, y_i in zip(X, Y, strict=True):
            optimizer.zero_grad()
            loss = (
                (model(torch.tensor([[x_i]], dtype=torch.float64)) - y_i) ** 2
            ).sum()
            loss.backward()
            optimizer.step()
            total += loss.item()
        losses.append(total / len(X))
    return losses, network_parameters(model)


@pytest.mark.parametrize("seed", [0, 3])
def test_training_matches_torch_in_float64(seed):
    ours = train_network(mlp((1, 2, 1), "sigmoid", seed=seed), X, Y, lr=0.001,
                         momentum=0.1, num_epochs=30)  # fmt: skip
    losses, params = _train_torch_float64(mlp((1, 2, 1), "sigmoid", seed=seed),
                                          0.001, 0.1, 30)  # fmt: skip
    np.testing.assert_allclose(ours.loss, losses, rtol=1e-11)
    assert max_difference(ours.params, params) < 1e-10


def test_training_leaves_the_model_alone():
    model = mlp((1, 2, 1), "sigmoid", seed=0)
    before = network_parameters(model)
    train_network(model, X, Y, lr=0.001, num_epochs=2)
    assert max_difference(before, network_parameters(model)) == 0.0


def test_as_value_refuses_non_numbers():
    assert as_value(Value(2.0)).data == 2.0
    for bad in (math.nan, "1", None, True):
        with pytest.raises(ValueError, match="^x must"):
            as_value(bad)
    with pytest.raises(TypeError, match="^root"):
        computation_order(3.0)
