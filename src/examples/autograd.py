"""A scalar autograd of the book's own: numbers that remember how they were made.

A :class:`Value` holds one number, the values it was computed from and the local
derivative of the result with respect to each of them. :meth:`Value.backward` then
runs the chain rule from the end of the computation back to its start, as
``loss.backward()`` does for tensors. :func:`train_network` trains the 1-2-1 network
of chapter 4 with it, per sample and with momentum, exactly as
:func:`examples.training.train_per_sample` trains it with PyTorch.

Shown in chapter 5 (``05-backpropagation``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from torch import nn

from examples import _validate
from examples.backprop import PARAMETERS, network_parameters


class MoreOperations:
    """What a :class:`Value` can do besides adding, multiplying and the sigmoid:
    operations that follow from those, or that add one more local derivative."""

    def backward(self):
        """Fill in ``.grad`` of every value this one was computed from."""
        backpropagate(self)

    def __repr__(self):
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g})"

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __neg__(self):
        return self * -1.0

    def __sub__(self, other):
        return self + (-as_value(other))

    def __rsub__(self, other):
        return as_value(other) + (-self)

    def square(self):
        """``self ** 2``, with local derivative ``2 * self``."""
        return Value(self.data**2, (self,), (2 * self.data,))

    def tanh(self):
        t = math.tanh(self.data)
        return Value(t, (self,), (1 - t * t,))

    def relu(self):
        return Value(max(self.data, 0.0), (self,), (float(self.data > 0),))


class Value(MoreOperations):
    """A number that remembers how it was computed, for the chain rule."""

    def __init__(self, data, parents=(), local_grads=()):
        self.data = float(data)
        self.grad = 0.0  # d(final result) / d(this value), after backward
        self.parents = parents  # the values this one was computed from
        self.local_grads = local_grads  # d(this value) / d(each parent)

    def __add__(self, other):
        other = as_value(other)
        return Value(self.data + other.data, (self, other), (1.0, 1.0))

    def __mul__(self, other):
        other = as_value(other)
        local_grads = (other.data, self.data)
        return Value(self.data * other.data, (self, other), local_grads)

    def sigmoid(self):
        s = 1 / (1 + math.exp(-self.data))
        return Value(s, (self,), (s * (1 - s),))


def backpropagate(root: Value) -> None:
    """The chain rule, backwards from ``root``: each value's ``.grad`` becomes
    d(root) / d(value). ``root.backward()`` calls this."""
    if not isinstance(root, Value):
        raise TypeError(f"root must be a Value, got {type(root).__name__}")
    chain_rule(root)


def chain_rule(root):
    """Fill in ``.grad`` of every value ``root`` was computed from."""
    root.grad = 1.0
    for node in reversed(computation_order(root)):
        pairs = zip(node.parents, node.local_grads, strict=True)
        for parent, local in pairs:
            parent.grad += local * node.grad  # the chain rule


def as_value(x: Value | float) -> Value:
    """``x`` itself if it is a :class:`Value`, else a new one holding the number.

    >>> as_value(2).data
    2.0
    """
    if isinstance(x, Value):
        return x
    return Value(_validate.finite_number("x", x))


def computation_order(root: Value) -> list[Value]:
    """Every value ``root`` depends on, each after all the values it was
    made from (a topological order of the graph), ending with ``root``.

    >>> a = Value(2.0)
    >>> b = a * 3.0
    >>> [v.data for v in computation_order(b + a)]
    [2.0, 3.0, 6.0, 8.0]
    """
    if not isinstance(root, Value):
        raise TypeError(f"root must be a Value, got {type(root).__name__}")
    order, seen, stack = [], set(), [(root, False)]
    while stack:  # depth first, without recursion: deep graphs are fine
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
        elif id(node) not in seen:
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((p, False) for p in reversed(node.parents))
    return order


def network_values(model: nn.Module) -> dict[str, list[Value]]:
    """The 1-2-1 network's parameters as lists of :class:`Value` (``c``: one)."""
    params = network_parameters(model)
    return {n: [Value(v) for v in np.atleast_1d(params[n])] for n in PARAMETERS}


def predict_value(p: dict[str, list[Value]], x: float) -> Value:
    """The 1-2-1 sigmoid network's prediction for one input ``x``."""
    pairs = zip(p["w"], p["b"], strict=True)
    h = [(w * x + b).sigmoid() for w, b in pairs]
    return p["v"][0] * h[0] + p["v"][1] * h[1] + p["c"][0]


@dataclass
class ValueTraining:
    """What :func:`train_network` did: the mean loss of each epoch and the
    parameters at the end (float64 arrays ``w``, ``b``, ``v``, ``c``)."""

    loss: list[float]
    params: dict[str, np.ndarray]


def train_network(
    model: nn.Module,
    X: Sequence[float] | np.ndarray,
    y: Sequence[float] | np.ndarray,
    *,
    lr: float,
    num_epochs: int,
    momentum: float = 0.0,
) -> ValueTraining:
    """Train a copy of the 1-2-1 sigmoid network ``model`` with :class:`Value`."""
    X_arr, y_arr = _validate.data_pair(X, y, float32=True)
    lr = _validate.positive_number("lr", lr)
    momentum = _validate.non_negative_number("momentum", momentum)
    num_epochs = _validate.iteration_count("num_epochs", num_epochs)
    p = network_values(model)  # checks the model
    return train_values(p, X_arr, y_arr, lr, momentum, num_epochs)


def train_values(p, X, y, lr, momentum, num_epochs):
    """Per-sample SGD with momentum, as ``torch.optim.SGD`` does it."""
    params = [value for name in PARAMETERS for value in p[name]]
    velocity = [None] * len(params)
    losses = []
    for _ in range(num_epochs):
        total = 0.0
        for x_i, y_i in zip(X, y, strict=True):
            loss = (predict_value(p, x_i) - y_i).square()
            for param in params:
                param.grad = 0.0  # 1. forget the last sample's gradients
            loss.backward()  # 2. the chain rule, backwards
            for k, param in enumerate(params):  # 3. SGD with momentum
                g = param.grad
                old = velocity[k]
                velocity[k] = g if old is None else momentum * old + g
                param.data -= lr * velocity[k]
            total += loss.data
        losses.append(total / len(X))
    arrays = {n: np.array([v.data for v in p[n]]) for n in PARAMETERS}
    return ValueTraining(losses, {**arrays, "c": arrays["c"][0]})
