"""How large the gradient is at each layer of a deep network: vanishing gradients.

Backpropagation sends the gradient from the output back to the input one layer at a
time. Each layer multiplies it by the layer's weights and by the derivative of its
activation at the unit's input. The sigmoid's derivative is at most 0.25, so every
sigmoid layer shrinks the gradient by a factor of four or more (unless its weights
are large, which pushes the units into saturation instead); ReLU's derivative is 1
wherever the unit is active.

Shown in chapter 9 (``09-training-with-activations``, figure ``fig-vanishing``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes
from torch import nn

from examples import _validate
from examples.models import ACTIVATIONS, mlp
from examples.training import as_tensors

#: How a deep network's weights are drawn: PyTorch's default, or He et al. (2015).
INITS = ("default", "he")


def deep_network(
    activation: str, *, depth: int, width: int, seed: int = 0, init: str = "default"
) -> nn.Sequential:
    """A 1-``width``-...-``width``-1 network with ``depth`` hidden layers.

    ``init="default"`` keeps PyTorch's default draw (uniform, variance
    ``1 / (3 fan_in)``); ``init="he"`` redraws every weight from a normal with
    variance ``2 / fan_in`` and sets the biases to zero, the initialisation designed
    to keep a ReLU network's signals at the same size from layer to layer.

    >>> net = deep_network("relu", depth=3, width=4, seed=0)
    >>> sum(isinstance(m, nn.Linear) for m in net)
    4
    """
    if not isinstance(activation, str) or activation not in ACTIVATIONS:
        choices = ", ".join(sorted(ACTIVATIONS))
        raise ValueError(f"activation must be one of {choices}; got {activation!r}")
    depth = _validate.iteration_count("depth", depth, limit=1000)
    width = _validate.iteration_count("width", width, limit=10**4)
    seed = _validate.seed("seed", seed)
    if init not in INITS:
        raise ValueError(f"init must be one of {', '.join(INITS)}; got {init!r}")
    model = mlp((1,) + (width,) * depth + (1,), activation, seed=seed)
    if init == "he":
        generator = torch.Generator().manual_seed(seed)
        with torch.no_grad():
            for layer in model:
                if isinstance(layer, nn.Linear):
                    std = math.sqrt(2.0 / layer.in_features)
                    layer.weight.normal_(0.0, std, generator=generator)
                    layer.bias.zero_()
    return model


def layer_gradient_norms(
    model: nn.Module,
    X: Sequence[float] | np.ndarray,
    y: Sequence[float] | np.ndarray,
) -> np.ndarray:
    """The size of the gradient at each linear layer, input side first.

    For each ``nn.Linear`` layer, the Euclidean norm of the derivative of
    the mean squared error over ``(X, y)`` with respect to the layer's
    weight matrix: the quantity the optimiser multiplies by the learning
    rate.

    >>> from examples.data import parabola
    >>> X, y = parabola()
    >>> net = mlp((1, 3, 1), "relu", seed=0)
    >>> layer_gradient_norms(net, X, y).shape
    (2,)
    """
    X_t, y_t, weights = _check_gradient_args(model, X, y)
    loss = ((model(X_t) - y_t) ** 2).mean()
    grads = torch.autograd.grad(loss, weights)
    return np.array([float(g.norm()) for g in grads])


def _check_gradient_args(model, X, y):
    """The data as tensors and the model's linear layers' weights, checked."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    X_t, y_t = as_tensors(X, y)
    weights = [m.weight for m in model.modules() if isinstance(m, nn.Linear)]
    if not weights:
        raise ValueError("model must contain at least one nn.Linear layer")
    return X_t, y_t, weights


def gradient_norms(
    activation: str,
    X: Sequence[float] | np.ndarray,
    y: Sequence[float] | np.ndarray,
    *,
    depth: int,
    width: int,
    seeds: Sequence[int],
    init: str = "default",
) -> np.ndarray:
    """:func:`layer_gradient_norms` of one fresh network per seed, shape (seeds, depth + 1).

    >>> from examples.data import parabola
    >>> X, y = parabola()
    >>> gradient_norms("tanh", X, y, depth=2, width=3, seeds=range(4)).shape
    (4, 3)
    """
    seeds = _validate.seed_list("seeds", seeds)
    norms = np.stack(
        [
            layer_gradient_norms(
                deep_network(activation, depth=depth, width=width, seed=s, init=init),
                X,
                y,
            )
            for s in seeds
        ]
    )
    if not np.isfinite(norms).all():
        raise ValueError(
            "X and y: the gradient is not finite in float32; scale the data down"
        )
    return norms


def shrink_factor(norms: np.ndarray) -> float:
    """How many times smaller the first layer's gradient is than the last layer's.

    Uses the median over seeds (rows) of each layer's norm.

    >>> shrink_factor(np.array([[1e-3, 1e-1, 1.0], [3e-3, 1e-1, 1.0]]))
    500.0
    """
    norms = np.asarray(norms, dtype=np.float64)
    if norms.ndim != 2 or norms.shape[1] < 2:
        raise ValueError(
            f"norms must have shape (seeds, layers >= 2), got {norms.shape}"
        )
    median = np.median(norms, axis=0)
    return float(median[-1] / median[0])


def plot_gradient_norms(curves: dict[str, np.ndarray], ax: Axes | None = None) -> Axes:
    """The median gradient norm per layer (log scale), one line per network.

    ``curves`` maps a label to a (seeds, layers) array from :func:`gradient_norms`;
    a shaded band spans the quartiles over seeds.
    """
    ax = ax if ax is not None else plt.gca()
    markers = ["o", "s", "^", "D", "v"]
    for i, (label, norms) in enumerate(curves.items()):
        norms = np.asarray(norms, dtype=np.float64)
        layers = np.arange(1, norms.shape[1] + 1)
        q1, median, q3 = np.percentile(norms, [25, 50, 75], axis=0)
        (line,) = ax.plot(layers, median, marker=markers[i % 5], label=label)
        ax.fill_between(layers, q1, q3, color=line.get_color(), alpha=0.2)
    ax.set_yscale("log")
    ax.set_xlabel("layer (1 = next to the input)")
    ax.set_ylabel("gradient norm at the weights")
    ax.legend()
    return ax
