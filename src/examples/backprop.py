"""Backpropagation by hand: every gradient of one training step of the 1-2-1 network.

The network of chapter 4 is ``y_hat = v1 h1 + v2 h2 + c`` with ``h_j = sigmoid(w_j x +
b_j)``, and the loss of one sample is ``(y_hat - y)**2``, the loss the training loop
uses. :func:`forward` computes every intermediate value, :func:`backward` applies the
chain rule to them from the loss back to each parameter, in numpy and float64. Two
independent references check it: PyTorch's autograd (:func:`autograd_gradients`) and
central finite differences (:func:`finite_difference_gradients`).
:func:`finite_difference_errors` measures how far those fall from the chain rule's
for each nudge ``eps``, with every number of the loss in float64 or in float32.

Shown in chapter 5 (``05-backpropagation``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from copy import deepcopy

import numpy as np
import torch
from matplotlib.axes import Axes
from torch import nn

from examples import _validate
from examples.plotting import PALETTE, get_axes

#: The parameters of the 1-2-1 network, in the order ``mlp`` holds them.
PARAMETERS = ("w", "b", "v", "c")

#: The name ``mlp`` gives each of them (``hidden1.weight`` has shape (2, 1), ...).
TORCH_NAMES = {
    "w": "hidden1.weight",
    "b": "hidden1.bias",
    "v": "output.weight",
    "c": "output.bias",
}


def network_parameters(model: nn.Module) -> dict[str, np.ndarray]:
    """The 1-2-1 network's parameters as float64 arrays: ``w``, ``b``, ``v`` (two
    numbers each, one per hidden unit) and ``c`` (one number).

    >>> from examples.models import mlp
    >>> p = network_parameters(mlp((1, 2, 1), "sigmoid", seed=0))
    >>> {name: value.shape for name, value in p.items()}
    {'w': (2,), 'b': (2,), 'v': (2,), 'c': ()}
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    tensors = dict(model.named_parameters())
    shapes = {"w": (2, 1), "b": (2,), "v": (1, 2), "c": (1,)}
    for name, torch_name in TORCH_NAMES.items():
        t = tensors.get(torch_name)
        if t is None or tuple(t.shape) != shapes[name]:
            raise ValueError(
                f"model must be a 1-2-1 network from mlp((1, 2, 1), ...); its "
                f"{torch_name} is {None if t is None else tuple(t.shape)}"
            )
    out = {
        n: tensors[t].detach().double().numpy().copy() for n, t in TORCH_NAMES.items()
    }
    return {"w": out["w"][:, 0], "b": out["b"], "v": out["v"][0], "c": out["c"][0]}


def _parameters(
    params: Mapping[str, object], label: str = "params"
) -> dict[str, np.ndarray]:
    """Check a parameter dictionary of the 1-2-1 network; return float64 arrays.

    Keys other than ``w``, ``b``, ``v``, ``c`` (such as the ``z`` and ``h`` of
    :func:`backward`'s result) are ignored.
    """
    if not isinstance(params, Mapping) or not set(PARAMETERS) <= set(params):
        raise ValueError(
            f"{label} must be a dictionary with the keys {', '.join(PARAMETERS)}, "
            f"got {params!r}"
        )
    out = {}
    for name in PARAMETERS:
        value = _validate.real_array(f"{label}[{name!r}]", params[name])
        shape = () if name == "c" else (2,)
        if value.shape != shape:
            raise ValueError(
                f"{label}[{name!r}] must have shape {shape}, got {value.shape}"
            )
        out[name] = value
    return out


def forward(params: Mapping[str, object], x: float) -> dict[str, object]:
    """Every value the forward pass computes for one input ``x``."""
    p = _parameters(params)
    x = _validate.finite_number("x", x)
    return forward_pass(p, x)


def forward_pass(p, x):
    """The 1-2-1 network's forward pass, keeping every value."""
    z = p["w"] * x + p["b"]  # the hidden units' inputs, z_j = w_j x + b_j
    h = 1 / (1 + np.exp(-z))  # their outputs, h_j = sigmoid(z_j)
    y_hat = p["v"] @ h + p["c"]  # the prediction
    return {"x": x, "z": z, "h": h, "y_hat": float(y_hat)}


def backward(params: Mapping[str, object], x: float, y: float) -> dict[str, object]:
    """The gradient of ``(y_hat - y)**2`` with respect to every parameter, by hand."""
    p = _parameters(params)
    x = _validate.finite_number("x", x)
    y = _validate.finite_number("y", y)
    return backward_pass(p, x, y)


def backward_pass(p, x, y):
    """The chain rule, from the loss back to each parameter."""
    f = forward_pass(p, x)
    dy_hat = 2 * (f["y_hat"] - y)  # d loss / d y_hat
    dc = dy_hat  # y_hat = ... + c
    dv = dy_hat * f["h"]  # y_hat = v1 h1 + v2 h2 + c
    dh = dy_hat * p["v"]
    dz = dh * f["h"] * (1 - f["h"])  # sigmoid'(z) = h (1 - h)
    db = dz  # z = w x + b
    dw = dz * x
    grads = {"w": dw, "b": db, "v": dv, "c": dc}
    return {**grads, "h": dh, "z": dz, "y_hat": dy_hat}


def loss_at(params: Mapping[str, object], x: float, y: float) -> float:
    """The loss ``(y_hat - y)**2`` of one sample, in float64.

    >>> loss_at({"w": [0, 0], "b": [0, 0], "v": [1, 1], "c": 0}, 2.0, 3.0)
    4.0
    """
    p = _parameters(params)
    x = _validate.finite_number("x", x)
    y = _validate.finite_number("y", y)
    return (forward_pass(p, x)["y_hat"] - y) ** 2


def finite_difference_gradients(
    params: Mapping[str, object], x: float, y: float, eps: float = 1e-6
) -> dict[str, np.ndarray]:
    """Each parameter's gradient by central differences, one parameter at a time.

    Nudge one number by ``eps`` up and down, measure the loss both times, and divide
    the change by ``2 * eps``: no chain rule at all.
    """
    p = _parameters(params)
    x = _validate.finite_number("x", x)
    y = _validate.finite_number("y", y)
    eps = _validate.positive_number("eps", eps)
    return central_differences(p, x, y, eps)


def central_differences(p, x, y, eps):
    """(loss(p + eps) - loss(p - eps)) / (2 eps) for each number of p."""
    grads = {}
    for name, value in p.items():
        grad = np.zeros(np.shape(value))
        for i in np.ndindex(grad.shape):
            up = {**p, name: np.array(value, dtype=float)}  # copies
            down = {**p, name: np.array(value, dtype=float)}
            up[name][i] += eps
            down[name][i] -= eps
            loss_up = (forward_pass(up, x)["y_hat"] - y) ** 2
            loss_down = (forward_pass(down, x)["y_hat"] - y) ** 2
            grad[i] = (loss_up - loss_down) / (2 * eps)
        grads[name] = grad
    return grads


#: The precisions :func:`finite_difference_errors` computes the loss in.
DTYPES = {"float64": np.float64, "float32": np.float32}


def loss_in(p, x, y, dtype):
    """The loss of one sample with every number rounded to ``dtype``."""
    p = {name: np.asarray(value, dtype=dtype) for name, value in p.items()}
    x, y, one = dtype(x), dtype(y), dtype(1)
    z = p["w"] * x + p["b"]
    h = one / (one + np.exp(-z))
    return (p["v"] @ h + p["c"] - y) ** 2


def differences_in(p, x, y, eps, dtype):
    """:func:`central_differences` with every number, ``eps`` too, in ``dtype``."""
    eps = dtype(eps)
    grads = {}
    for name, value in p.items():
        value = np.asarray(value, dtype=dtype)
        grad = np.zeros(value.shape)
        for i in np.ndindex(value.shape):
            up, down = value.copy(), value.copy()
            up[i] += eps  # rounded to dtype: the nudge may be lost
            down[i] -= eps
            loss_up = loss_in({**p, name: up}, x, y, dtype)
            loss_down = loss_in({**p, name: down}, x, y, dtype)
            grad[i] = (loss_up - loss_down) / (2 * eps)
        grads[name] = grad
    return grads


def finite_difference_errors(
    params: Mapping[str, object],
    x: float,
    y: float,
    eps_values: Sequence[float],
    dtype: str = "float64",
) -> np.ndarray:
    """For each nudge in ``eps_values``, the largest error of the central
    differences, computed in ``dtype`` ("float64" or "float32"), against the chain
    rule's gradients in float64.

    >>> p = {"w": [1, -1], "b": [0, 0], "v": [1, 1], "c": 0}
    >>> errors = finite_difference_errors(p, 1.0, 2.0, [1e-2, 1e-12], "float32")
    >>> bool(errors[0] < 1e-3), bool(errors[1] > 0.1)  # 1e-12 is lost in float32
    (True, True)
    """
    p = _parameters(params)
    x = _validate.finite_number("x", x)
    y = _validate.finite_number("y", y)
    eps = _validate.finite_vector("eps_values", eps_values)
    if dtype not in DTYPES:
        raise ValueError(f"dtype must be 'float64' or 'float32', got {dtype!r}")
    tiny = float(np.finfo(DTYPES[dtype]).tiny)  # a smaller eps rounds to 0 or less
    if np.any(eps < tiny):
        raise ValueError(
            f"eps_values must all be at least {tiny:.3g} for {dtype}, got {eps_values!r}"
        )
    exact = backward_pass(p, x, y)
    return np.array(
        [max_difference(differences_in(p, x, y, e, DTYPES[dtype]), exact) for e in eps]
    )


def autograd_gradients(
    model: nn.Module, x: float, y: float, dtype: torch.dtype = torch.float32
) -> dict[str, np.ndarray]:
    """PyTorch's gradients of ``(model(x) - y)**2``, named as in :func:`backward`.

    Runs a copy of the model (in float64 with ``dtype=torch.float64``), so the
    model itself and its ``.grad`` fields are left untouched.
    """
    network_parameters(model)  # checks that it is a 1-2-1 network
    x = _validate.finite_number("x", x)
    y = _validate.finite_number("y", y)
    if dtype is not torch.float32 and dtype is not torch.float64:
        raise ValueError(f"dtype must be torch.float32 or torch.float64, got {dtype!r}")
    copy = deepcopy(model).to(dtype)
    loss = ((copy(torch.tensor([[x]], dtype=dtype)) - y) ** 2).sum()
    loss.backward()
    named = dict(copy.named_parameters())
    grads = {n: named[t].grad.double().numpy() for n, t in TORCH_NAMES.items()}
    return {"w": grads["w"][:, 0], "b": grads["b"], "v": grads["v"][0],
            "c": grads["c"][0]}  # fmt: skip


def max_difference(a: Mapping[str, object], b: Mapping[str, object]) -> float:
    """The largest absolute difference between two gradients (or parameter sets)
    over the parameters ``w``, ``b``, ``v``, ``c``.

    >>> max_difference({"w": [1, 2], "b": [0, 0], "v": [0, 0], "c": 1},
    ...                {"w": [1, 2.5], "b": [0, 0], "v": [0, 0], "c": 0.75})
    0.5
    """
    a, b = _parameters(a, "a"), _parameters(b, "b")
    return float(max(np.max(np.abs(a[n] - b[n])) for n in PARAMETERS))


def sgd_step(
    params: Mapping[str, object], grads: Mapping[str, object], lr: float
) -> dict[str, np.ndarray]:
    """New parameters one plain SGD step away: ``p - lr * grad`` for each.

    >>> new = sgd_step({"w": [1, 1], "b": [0, 0], "v": [1, 1], "c": 0.0},
    ...                {"w": [2, 0], "b": [0, 0], "v": [0, 0], "c": -4.0}, lr=0.5)
    >>> new["w"].tolist(), float(new["c"])
    ([0.0, 1.0], 2.0)
    """
    p = _parameters(params)
    g = _parameters(grads, "grads")
    lr = _validate.positive_number("lr", lr)
    return {n: p[n] - lr * g[n] for n in PARAMETERS}


#: Where :func:`plot_computation_graph` draws each node, in axes coordinates
#: (x across, y up): the inputs at the top, the loss at the bottom.
GRAPH_LAYOUT = {
    "w1": (0.14, 0.95), "x": (0.5, 0.95), "w2": (0.86, 0.95),
    "b1": (0.13, 0.64), "z1": (0.35, 0.79), "z2": (0.65, 0.79), "b2": (0.87, 0.64),
    "h1": (0.35, 0.53), "h2": (0.65, 0.53),
    "v1": (0.14, 0.36), "v2": (0.86, 0.36),
    "c": (0.13, 0.18), "y_hat": (0.5, 0.27), "y": (0.87, 0.18),
    "loss": (0.5, 0.05),
}  # fmt: skip

#: The graph's edges: each value and the value computed from it.
GRAPH_EDGES = [
    ("w1", "z1"), ("x", "z1"), ("b1", "z1"), ("w2", "z2"), ("x", "z2"),
    ("b2", "z2"), ("z1", "h1"), ("z2", "h2"), ("h1", "y_hat"), ("v1", "y_hat"),
    ("h2", "y_hat"), ("v2", "y_hat"), ("c", "y_hat"), ("y_hat", "loss"),
    ("y", "loss"),
]  # fmt: skip

_LABELS = {"y_hat": "ŷ", "loss": "loss", "x": "x", "y": "y", "c": "c"}


def graph_nodes(
    params: Mapping[str, object], x: float, y: float
) -> dict[str, tuple[float, float | None]]:
    """Each node of the 1-2-1 network's computation graph for one sample: its value
    and the loss's derivative with respect to it (``None`` for the data ``x``, ``y``).
    """
    p = _parameters(params)
    x = _validate.finite_number("x", x)
    y = _validate.finite_number("y", y)
    f, g = forward_pass(p, x), backward_pass(p, x, y)
    nodes = {"x": (x, None), "y": (y, None), "c": (float(p["c"]), float(g["c"]))}
    for j in (0, 1):
        for name, value, grad in (
            ("w", p["w"], g["w"]), ("b", p["b"], g["b"]), ("v", p["v"], g["v"]),
            ("z", f["z"], g["z"]), ("h", f["h"], g["h"]),
        ):  # fmt: skip
            nodes[f"{name}{j + 1}"] = (float(value[j]), float(grad[j]))
    nodes["y_hat"] = (f["y_hat"], float(g["y_hat"]))
    nodes["loss"] = ((f["y_hat"] - y) ** 2, 1.0)
    return nodes


def plot_computation_graph(
    params: Mapping[str, object], x: float, y: float, ax: Axes | None = None
) -> Axes:
    """The computation graph of one sample's loss: each node with its value and,
    below it, the loss's derivative with respect to it ("g"), arrows pointing the
    way the forward pass goes; backpropagation walks them the other way."""
    nodes = graph_nodes(params, x, y)
    ax = get_axes(ax)
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    boxes = {}
    for name, (value, grad) in nodes.items():
        label = _LABELS[name] if name in _LABELS else name[0] + "₁₂"[int(name[1]) - 1]
        text = f"{label} = {value:.3g}" + ("" if grad is None else f"\ng = {grad:.3g}")
        boxes[name] = ax.text(
            *GRAPH_LAYOUT[name], text, ha="center", va="center", fontsize=10,
            zorder=3, linespacing=1.3,
            bbox={"boxstyle": "round,pad=0.3", "facecolor": "white",
                  "edgecolor": PALETTE[0] if grad is not None else "0.55"},
        )  # fmt: skip
    for start, end in GRAPH_EDGES:  # drawn after the boxes, clipped at their edges
        ax.annotate(
            "", xy=(0.5, 0.5), xycoords=boxes[end], xytext=(0.5, 0.5),
            textcoords=boxes[start], zorder=4,
            arrowprops={"arrowstyle": "-|>", "color": "0.45", "lw": 1.2,
                        "patchA": boxes[start].get_bbox_patch(),
                        "patchB": boxes[end].get_bbox_patch(),
                        "shrinkA": 2, "shrinkB": 2},
        )  # fmt: skip
    return ax
