"""The book's models: one weight (and a bias), and small fully connected networks.

Models are built from a ``seed`` with a private :class:`torch.Generator`, using the
same distribution as PyTorch's default initialisation of :class:`torch.nn.Linear`
(uniform on ``[-1/sqrt(fan_in), 1/sqrt(fan_in)]`` for weights and biases), so building
a model never touches PyTorch's global random state.

Shown in chapter 2 (``02-pytorch-linear``); chapter 3 (``03-linear-regression``);
chapter 4 (``04-parabola-network``); chapter 5 (``05-backpropagation``); chapter 7
(``07-deeper-networks``); chapter 8 (``08-activation-functions``); chapter 9
(``09-training-with-activations``); chapter 10 (``10-classification``).
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable, Sequence

import numpy as np
import torch
from torch import nn

from examples import _validate

#: The activation functions the book uses, by the name the chapters give them.
ACTIVATIONS: dict[str, Callable[[], nn.Module]] = {
    "identity": nn.Identity,
    "sigmoid": nn.Sigmoid,
    "tanh": nn.Tanh,
    "relu": nn.ReLU,
    "leaky_relu": lambda: nn.LeakyReLU(negative_slope=0.01),
    "gelu": nn.GELU,
}


def activation(name: str) -> nn.Module:
    """A new activation module by name, one of :data:`ACTIVATIONS`.

    >>> activation("relu")
    ReLU()
    >>> activation("softsign")
    Traceback (most recent call last):
    ...
    ValueError: activation name must be one of gelu, identity, leaky_relu, relu, sigmoid, tanh; got 'softsign'
    """
    if not isinstance(name, str) or name not in ACTIVATIONS:
        choices = ", ".join(sorted(ACTIVATIONS))
        raise ValueError(f"activation name must be one of {choices}; got {name!r}")
    return ACTIVATIONS[name]()


def new_linear(
    in_features: int, out_features: int, generator: torch.Generator, bias: bool = True
) -> nn.Linear:
    """An ``nn.Linear`` initialised from ``generator`` only.

    ``nn.Linear(...)`` would draw its initial values from the global generator;
    ``skip_init`` builds the layer without drawing, and :func:`init_linear_` draws.
    """
    for name, value in (("in_features", in_features), ("out_features", out_features)):
        _validate.iteration_count(name, value, limit=MAX_PARAMETERS)
    if in_features * out_features > MAX_PARAMETERS:
        raise ValueError(
            f"in_features * out_features must be at most {MAX_PARAMETERS}, "
            f"got {in_features} * {out_features}"
        )
    layer = torch.nn.utils.skip_init(nn.Linear, in_features, out_features, bias=bias)
    return init_linear_(layer, generator)


def init_linear_(layer: nn.Linear, generator: torch.Generator) -> nn.Linear:
    """Draw ``layer``'s parameters as PyTorch's default does, from ``generator``."""
    if not isinstance(generator, torch.Generator):
        raise TypeError(
            f"generator must be a torch.Generator (the global one is never used), "
            f"got {generator!r}"
        )
    bound = 1.0 / math.sqrt(layer.in_features)
    with torch.no_grad():
        nn.init.uniform_(layer.weight, -bound, bound, generator=generator)
        if layer.bias is not None:
            nn.init.uniform_(layer.bias, -bound, bound, generator=generator)
    return layer


def _check_linear_model(bias: bool, seed: int) -> None:
    """Check :class:`LinearModel`'s arguments.

    >>> model = LinearModel(bias=False, seed=0)
    >>> model(torch.tensor([[2.0]])).shape
    torch.Size([1, 1])
    """
    if not isinstance(bias, (bool, np.bool_)):
        raise TypeError(f"bias must be True or False, got {bias!r}")
    _validate.seed("seed", seed)


class LinearModel(nn.Module):
    """``y_hat = weight * x + bias``: one input, one output, one weight.

    With ``bias=False`` it is ``y_hat = weight * x``, chapter 1's function.
    """

    def __init__(self, bias: bool = True, seed: int = 0) -> None:
        super().__init__()
        _check_linear_model(bias, seed)
        generator = torch.Generator().manual_seed(seed)
        self.linear = new_linear(1, 1, generator, bias=bias)

    @property
    def weight(self) -> float:
        """The current weight as a Python float."""
        return float(self.linear.weight.item())

    @property
    def bias(self) -> float:
        """The current bias (0.0 for a model without one)."""
        b = self.linear.bias
        return 0.0 if b is None else float(b.item())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear(x)


def mlp(
    sizes: Sequence[int] = (1, 2, 1),
    activations: str | Sequence[str] = "sigmoid",
    seed: int = 0,
) -> nn.Sequential:
    """A fully connected network with layer widths ``sizes``.

    ``activations``: one name for every hidden layer, or one per hidden
    layer. Layers are named ``hidden1``, ``sigmoid1``, ..., ``output``.
    """
    names = _check_mlp(sizes, activations, seed)
    generator = torch.Generator().manual_seed(seed)
    layers: OrderedDict[str, nn.Module] = OrderedDict()
    n_hidden = len(sizes) - 2
    pairs = zip(sizes[:-1], sizes[1:], strict=True)
    for i, (fan_in, fan_out) in enumerate(pairs, start=1):
        layer = new_linear(fan_in, fan_out, generator)
        if i <= n_hidden:
            layers[f"hidden{i}"] = layer
            layers[f"{names[i - 1]}{i}"] = activation(names[i - 1])
        else:
            layers["output"] = layer
    return nn.Sequential(layers)


#: The most weights (and biases) a network of the book may have: the book's
#: largest has a few hundred; a billion would take gigabytes per copy.
MAX_PARAMETERS = 10**7


def _check_mlp(
    sizes: Sequence[int], activations: str | Sequence[str], seed: int
) -> list[str]:
    """Check :func:`mlp`'s arguments; return one activation name per hidden layer.

    >>> mlp((1, 5, 5, 1), ["sigmoid", "relu"], seed=0)
    Sequential(
      (hidden1): Linear(in_features=1, out_features=5, bias=True)
      (sigmoid1): Sigmoid()
      (hidden2): Linear(in_features=5, out_features=5, bias=True)
      (relu2): ReLU()
      (output): Linear(in_features=5, out_features=1, bias=True)
    )
    """
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
        raise TypeError(f"sizes must be a sequence of layer widths, got {sizes!r}")
    if len(sizes) < 2:
        raise ValueError(
            f"sizes must list at least an input and an output width, got {list(sizes)}"
        )
    for size in sizes:
        _validate.positive_int("sizes", size)
    parameters = sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))
    if parameters > MAX_PARAMETERS:
        raise ValueError(
            f"sizes {tuple(sizes)} give {parameters} parameters; the most allowed "
            f"is {MAX_PARAMETERS}"
        )
    _validate.seed("seed", seed)
    n_hidden = len(sizes) - 2
    if isinstance(activations, str):
        names = [activations] * n_hidden
    elif isinstance(activations, Sequence) and all(
        isinstance(a, str) for a in activations
    ):
        names = list(activations)
    else:
        raise TypeError(
            f"activations must be a name or a sequence of names, got {activations!r}"
        )
    if len(names) != n_hidden:
        raise ValueError(
            f"activations must name one function per hidden layer ({n_hidden}), got {names}"
        )
    for name in names:
        if name not in ACTIVATIONS:
            choices = ", ".join(sorted(ACTIVATIONS))
            raise ValueError(f"activations must be among {choices}; got {name!r}")
    return names


def layer_parameters(model: nn.Module) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each ``nn.Linear`` layer's weight ``(out, in)`` and bias ``(out,)``, in order.

    The one way the package takes a network apart: float64 copies, so that
    changing them never changes the model, and a layer without a bias gets zeros.

    >>> [(W.shape, b.shape) for W, b in layer_parameters(mlp((1, 3, 2, 1)))]
    [((3, 1), (3,)), ((2, 3), (2,)), ((1, 2), (1,))]
    """
    if not isinstance(model, nn.Module):
        raise ValueError(f"model must be a torch nn.Module, got {type(model).__name__}")
    pairs = []
    for layer in model.modules():
        if isinstance(layer, nn.Linear):
            W = layer.weight.detach().double().numpy().copy()
            bias = layer.bias
            b = np.zeros(len(W)) if bias is None else bias.detach().double().numpy()
            pairs.append((W, b.copy()))
    return pairs
