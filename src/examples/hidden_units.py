"""What every hidden unit of every copy of a network computes on the inputs.

Works on the trained copies of an :class:`examples.ensemble.EnsembleHistory` or on a
list of models built by :func:`examples.models.mlp`: for each hidden layer, the
pre-activation ``z = W a + b`` of each unit of each copy at each input, in float64.

Shown in chapter 4 (``04-parabola-network``); chapter 9
(``09-training-with-activations``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from torch import nn

from examples import _validate
from examples.activations import apply, closed_form_derivative
from examples.ensemble import EnsembleHistory
from examples.models import layer_parameters


def _finite_copies(fn, z: np.ndarray) -> np.ndarray:
    """``fn(z)`` for the copies (rows) whose values are all finite, NaN for the rest.

    A copy that diverged keeps the non-finite parameters it diverged with.
    """
    out = np.full(z.shape, np.nan)
    ok = np.isfinite(z).reshape(len(z), -1).all(axis=1)
    if ok.any():
        out[ok] = fn(z[ok])
    return out


def _parameters(
    source: EnsembleHistory | Sequence[nn.Sequential],
) -> tuple[list[np.ndarray], list[np.ndarray], tuple[str, ...]]:
    """Each layer's weights ``(K, out, in)`` and biases ``(K, out)``, and activations."""
    if isinstance(source, EnsembleHistory):
        return list(source.weights), list(source.biases), source.activations
    if isinstance(source, (str, bytes)) or not isinstance(source, Iterable):
        raise ValueError(
            "source must be an EnsembleHistory or a non-empty list of nn.Sequential, "
            f"got {type(source).__name__}"
        )
    models = list(source)
    if not models or not all(isinstance(m, nn.Sequential) for m in models):
        raise ValueError(
            "source must be an EnsembleHistory or a non-empty list of nn.Sequential"
        )
    per_model = [layer_parameters(model) for model in models]
    if len({tuple(W.shape for W, _ in layers) for layers in per_model}) > 1:
        raise ValueError("source models must all have the same sizes")
    # mlp names each activation layer after its function: "relu1", "leaky_relu2"...
    acts = tuple(
        name.rstrip("0123456789")
        for name, m in models[0].named_children()
        if not isinstance(m, nn.Linear)
    )
    layers = list(zip(*per_model, strict=True))  # per layer, each model's (W, b)
    weights = [np.stack([W for W, _ in layer]) for layer in layers]
    biases = [np.stack([b for _, b in layer]) for layer in layers]
    return weights, biases, acts


def preactivations(
    source: EnsembleHistory | Sequence[nn.Sequential], X: Sequence[float] | np.ndarray
) -> list[np.ndarray]:
    """Each hidden layer's pre-activations, shape ``(K, width, len(X))`` per layer.

    ``source`` is a trained ensemble or a list of K models from
    :func:`examples.models.mlp` with the same sizes and activations. Copies that
    diverged get NaN.

    >>> from examples.data import parabola
    >>> from examples.ensemble import train_ensemble
    >>> X, y = parabola()
    >>> h = train_ensemble(X, y, sizes=(1, 3, 2, 1), activations="relu",
    ...                    seeds=range(4), lr=1e-3, num_epochs=1)
    >>> [z.shape for z in preactivations(h, X)]
    [(4, 3, 11), (4, 2, 11)]
    """
    X_arr = _validate.finite_vector("X", X)
    weights, biases, activations = _parameters(source)
    K = len(weights[0])
    a = np.broadcast_to(X_arr, (K, 1, len(X_arr)))
    layers = []
    hidden = list(zip(weights, biases, strict=True))[:-1]
    for (weight, bias), name in zip(hidden, activations, strict=True):
        z = weight.astype(np.float64) @ a + bias.astype(np.float64)[:, :, None]
        layers.append(z)
        a = _finite_copies(lambda v, name=name: apply(name, v), z)
    return layers


def mean_activation_slope(
    source: EnsembleHistory | Sequence[nn.Sequential], X: Sequence[float] | np.ndarray
) -> list[np.ndarray]:
    """Each hidden unit's activation derivative averaged over the inputs ``X``.

    One ``(K, width)`` array per hidden layer. A sigmoid unit near 0.25 sits in its
    steep middle; one near 0 is saturated at every input.
    """
    return [
        _finite_copies(lambda v, name=name: closed_form_derivative(name, v), z).mean(
            axis=2
        )
        for z, name in zip(
            preactivations(source, X), _parameters(source)[2], strict=True
        )
    ]
