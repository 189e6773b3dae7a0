"""The hand-derived gradients of the 1-2-1 network, pinned against PyTorch's
autograd (float64 and float32), central finite differences and hand arithmetic."""

import copy
import re

import numpy as np
import pytest
import torch

from examples.backprop import (
    GRAPH_EDGES,
    GRAPH_LAYOUT,
    autograd_gradients,
    backward,
    finite_difference_gradients,
    forward,
    graph_nodes,
    loss_at,
    max_difference,
    network_parameters,
    plot_computation_graph,
    sgd_step,
)
from examples.data import parabola
from examples.models import mlp

X, Y = parabola(-5, 5)
NAMES = ("w", "b", "v", "c")


def test_parameters_are_the_models_own_numbers():
    model = mlp((1, 2, 1), "sigmoid", seed=3)
    p = network_parameters(model)
    np.testing.assert_array_equal(p["w"], model.hidden1.weight.detach()[:, 0])
    np.testing.assert_array_equal(p["v"], model.output.weight.detach()[0])
    assert p["c"] == model.output.bias.item()


def test_forward_matches_the_model():
    model = mlp((1, 2, 1), "sigmoid", seed=1).double()
    p = network_parameters(model)
    for x in X:
        expected = model(torch.tensor([[x]], dtype=torch.float64)).item()
        assert forward(p, x)["y_hat"] == pytest.approx(expected, rel=1e-13, abs=1e-13)


def test_a_gradient_worked_by_hand():
    # w = 0, b = 0: h = 1/2 each, y_hat = (v1 + v2)/2 + c = 1.5, y = 2
    p = {"w": [0.0, 0.0], "b": [0.0, 0.0], "v": [1.0, 2.0], "c": 0.0}
    g = backward(p, 4.0, 2.0)
    assert g["c"] == -1.0  # 2 * (1.5 - 2)
    np.testing.assert_allclose(g["v"], [-0.5, -0.5])
    np.testing.assert_allclose(g["b"], [-0.25, -0.5])  # -1 * v * 1/4
    np.testing.assert_allclose(g["w"], [-1.0, -2.0])  # times x = 4


@pytest.mark.parametrize("seed", [0, 1, 7, 42])
@pytest.mark.parametrize("sample", [0, 3, 5, 10])
def test_backward_matches_float64_autograd(seed, sample):
    model = mlp((1, 2, 1), "sigmoid", seed=seed)
    by_hand = backward(network_parameters(model), X[sample], Y[sample])
    by_torch = autograd_gradients(model, X[sample], Y[sample], dtype=torch.float64)
    for name in NAMES:
        np.testing.assert_allclose(
            by_hand[name], by_torch[name], rtol=1e-12, atol=1e-12
        )


def test_backward_matches_float32_autograd_to_float32_rounding():
    model = mlp((1, 2, 1), "sigmoid", seed=0)
    by_hand = backward(network_parameters(model), X[0], Y[0])
    by_torch = autograd_gradients(model, X[0], Y[0])
    for name in NAMES:
        np.testing.assert_allclose(by_hand[name], by_torch[name], rtol=1e-5, atol=1e-5)


def test_autograd_gradients_leave_the_model_alone():
    model = mlp((1, 2, 1), "sigmoid", seed=0)
    before = copy.deepcopy(model.state_dict())
    autograd_gradients(model, 1.0, 1.0, dtype=torch.float64)
    assert all(p.grad is None for p in model.parameters())
    assert all(p.dtype == torch.float32 for p in model.parameters())
    for key, value in model.state_dict().items():
        assert torch.equal(value, before[key])


@pytest.mark.parametrize("seed", [0, 5])
def test_backward_matches_finite_differences(seed):
    p = network_parameters(mlp((1, 2, 1), "sigmoid", seed=seed))
    for x, y in zip(X, Y, strict=True):
        numeric = finite_difference_gradients(p, x, y, eps=1e-5)
        assert max_difference(backward(p, x, y), numeric) < 1e-6


def test_finite_differences_of_a_known_function():
    # with v = 0 the loss is (c - y)**2: d/dc = 2 (c - y), the rest 0 but w and b
    p = {"w": [1.0, -1.0], "b": [0.5, 0.5], "v": [0.0, 0.0], "c": 3.0}
    g = finite_difference_gradients(p, 2.0, 1.0)
    assert g["c"] == pytest.approx(4.0, rel=1e-8)
    np.testing.assert_allclose(g["w"], 0.0, atol=1e-9)


def test_an_sgd_step_lowers_the_loss():
    p = network_parameters(mlp((1, 2, 1), "sigmoid", seed=0))
    g = backward(p, X[0], Y[0])
    after = sgd_step(p, g, lr=1e-4)
    assert loss_at(after, X[0], Y[0]) < loss_at(p, X[0], Y[0])


def test_an_sgd_step_is_the_same_as_torch_sgd():
    model = mlp((1, 2, 1), "sigmoid", seed=2).double()
    p = network_parameters(model)
    after = sgd_step(p, backward(p, X[1], Y[1]), lr=0.01)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    loss = ((model(torch.tensor([[X[1]]], dtype=torch.float64)) - Y[1]) ** 2).sum()
    loss.backward()
    optimizer.step()
    assert max_difference(after, network_parameters(model)) < 1e-14


def test_graph_nodes_hold_values_and_gradients():
    p = network_parameters(mlp((1, 2, 1), "sigmoid", seed=0))
    nodes = graph_nodes(p, X[0], Y[0])
    assert set(nodes) == set(GRAPH_LAYOUT)
    assert {a for a, _ in GRAPH_EDGES} | {b for _, b in GRAPH_EDGES} == set(nodes)
    g = backward(p, X[0], Y[0])
    assert nodes["w1"] == (p["w"][0], g["w"][0])
    assert nodes["loss"] == (loss_at(p, X[0], Y[0]), 1.0)
    assert nodes["x"][1] is None and nodes["y"][1] is None


def test_plot_computation_graph_draws_one_box_per_node():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    p = network_parameters(mlp((1, 2, 1), "sigmoid", seed=0))
    assert plot_computation_graph(p, X[0], Y[0], ax=ax) is ax
    boxes = [t for t in ax.texts if t.get_bbox_patch() is not None]
    assert len(boxes) == len(GRAPH_LAYOUT)
    assert len(ax.texts) - len(boxes) == len(GRAPH_EDGES)  # the arrows
    assert any(t.get_text().startswith("loss = ") for t in boxes)
    plt.close(fig)


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: network_parameters(mlp((1, 3, 1), "sigmoid", seed=0)), "model"),
        (lambda: network_parameters("net"), "model"),
        (lambda: backward({"w": [1.0]}, 1.0, 1.0), "params"),
        (
            lambda: backward(
                {"w": [1, 2], "b": [1, 2], "v": [1, 2], "c": [1, 2]}, 1.0, 1.0
            ),
            "params['c']",
        ),  # fmt: skip
        (lambda: forward({"w": [1, 2], "b": [1, 2], "v": [1, 2], "c": 0}, "1"), "x"),
        (lambda: max_difference({"w": [1, 2]}, {}), "a"),
        (
            lambda: sgd_step(
                {"w": [1, 2], "b": [1, 2], "v": [1, 2], "c": 0}, None, 0.1
            ),
            "grads",
        ),  # fmt: skip
        (lambda: autograd_gradients(mlp(seed=0), 1.0, 1.0, dtype=torch.int64), "dtype"),
    ],
)
def test_bad_input_names_the_argument(call, argument):
    with pytest.raises((ValueError, TypeError), match="^" + re.escape(argument)):
        call()


# ---------------------------------------------------------------------------------
# Finite differences in float64 and float32, for each nudge


def _torch_differences(model, x, y, eps):
    """Central differences of ``(model(x) - y)**2`` with PyTorch in float32, each
    parameter nudged in place: an independent float32 reference."""
    model = copy.deepcopy(model)
    inp = torch.tensor([[x]], dtype=torch.float32)
    grads = []
    with torch.no_grad():
        for t in model.parameters():
            flat = t.view(-1)
            for i in range(flat.numel()):
                old = flat[i].clone()
                flat[i] = old + eps
                up = ((model(inp) - y) ** 2).sum()
                flat[i] = old - eps
                down = ((model(inp) - y) ** 2).sum()
                flat[i] = old
                grads.append(float((up - down) / (2 * torch.tensor(eps))))
    return np.array(grads)


def _flat(g):
    return np.concatenate([np.ravel(g[n]) for n in NAMES])


def test_loss_in_float64_is_loss_at_and_float32_rounds_it():
    from examples.backprop import loss_in

    p = network_parameters(mlp((1, 2, 1), "sigmoid", seed=0))
    exact = loss_at(p, X[0], Y[0])
    assert loss_in(p, X[0], Y[0], np.float64) == exact
    rounded = loss_in(p, X[0], Y[0], np.float32)
    assert rounded.dtype == np.float32
    assert rounded == pytest.approx(exact, rel=1e-6)


@pytest.mark.parametrize("eps", [1e-2, 1e-6, 1e-9])
def test_float64_differences_are_the_chapters_central_differences(eps):
    from examples.backprop import central_differences, differences_in

    p = network_parameters(mlp((1, 2, 1), "sigmoid", seed=0))
    ours = differences_in(p, X[0], Y[0], eps, np.float64)
    theirs = central_differences(p, X[0], Y[0], eps)
    assert max_difference(ours, theirs) == 0.0


def test_float32_differences_agree_with_torch_where_truncation_dominates():
    from examples.backprop import differences_in

    model = mlp((1, 2, 1), "sigmoid", seed=0)
    p = network_parameters(model)
    ours = _flat(differences_in(p, X[0], Y[0], 1e-1, np.float32))
    theirs = _torch_differences(model, X[0], Y[0], 1e-1)
    np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-4)


def test_a_nudge_float32_cannot_hold_is_lost_as_in_torch():
    from examples.backprop import differences_in, finite_difference_errors

    model = mlp((1, 2, 1), "sigmoid", seed=0)
    p = network_parameters(model)
    # every parameter is larger than 1e-5 in size: 1e-12 is below half its ulp
    assert min(np.abs(_flat(p))) > 1e-5
    assert not _flat(differences_in(p, X[0], Y[0], 1e-12, np.float32)).any()
    assert not _torch_differences(model, X[0], Y[0], 1e-12).any()
    (error,) = finite_difference_errors(p, X[0], Y[0], [1e-12], "float32")
    by_torch = autograd_gradients(model, X[0], Y[0], dtype=torch.float64)
    assert error == pytest.approx(np.abs(_flat(by_torch)).max(), rel=1e-12)


def test_truncation_error_shrinks_like_eps_squared_in_both_precisions():
    from examples.backprop import finite_difference_errors

    p = network_parameters(mlp((1, 2, 1), "sigmoid", seed=0))
    for dtype in ("float64", "float32"):
        big, small = finite_difference_errors(p, X[0], Y[0], [0.1, 0.03], dtype)
        assert 8 < big / small < 14  # (0.1 / 0.03)**2 = 11.1


def test_float32_errors_are_larger_and_their_best_nudge_too():
    from examples.backprop import finite_difference_errors

    p = network_parameters(mlp((1, 2, 1), "sigmoid", seed=0))
    eps = 10.0 ** -np.arange(1, 13)
    e64 = finite_difference_errors(p, X[0], Y[0], eps)
    e32 = finite_difference_errors(p, X[0], Y[0], eps, "float32")
    assert e32.min() > 1e4 * e64.min()
    assert eps[np.argmin(e32)] > 100 * eps[np.argmin(e64)]
    # the V: lower at its best nudge than at both ends
    for e in (e64, e32):
        assert e.min() < e[0] / 10 and e.min() < e[-1] / 10


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"eps_values": [1e-3, 0.0]}, "eps_values"),
        ({"eps_values": []}, "eps_values"),
        ({"eps_values": [1e-40], "dtype": "float32"}, "eps_values"),
        ({"eps_values": [1e-3], "dtype": "float16"}, "dtype"),
        ({"eps_values": [1e-3], "dtype": np.float32}, "dtype"),
    ],
)
def test_finite_difference_errors_names_a_bad_argument(kwargs, argument):
    from examples.backprop import finite_difference_errors

    p = {"w": [1, 2], "b": [1, 2], "v": [1, 2], "c": 0}
    with pytest.raises(ValueError, match="^" + re.escape(argument)):
        finite_difference_errors(p, 1.0, 1.0, **kwargs)
