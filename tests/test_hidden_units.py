import numpy as np
import pytest
import torch
from torch import nn

from examples.activations import closed_form_derivative
from examples.data import parabola
from examples.ensemble import train_ensemble
from examples.hidden_units import mean_activation_slope, preactivations
from examples.models import mlp

X, Y = parabola()


def hooked_preactivations(model: nn.Sequential, X: np.ndarray) -> list[np.ndarray]:
    """What PyTorch feeds each activation module, caught with forward hooks."""
    seen = []
    hooks = [
        m.register_forward_hook(lambda mod, inp, out: seen.append(inp[0].detach()))
        for m in model
        if not isinstance(m, nn.Linear)
    ]
    with torch.no_grad():
        model(torch.tensor(X, dtype=torch.float32).reshape(-1, 1))
    for h in hooks:
        h.remove()
    return [z.T.double().numpy() for z in seen]  # (width, n)


@pytest.fixture(scope="module")
def history():
    return train_ensemble(
        X,
        Y,
        sizes=(1, 4, 3, 1),
        activations=["sigmoid", "leaky_relu"],
        seeds=[0, 5, 9],
        lr=0.001,
        num_epochs=3,
        momentum=0.1,
    )


def test_match_what_the_trained_models_compute(history):
    layers = preactivations(history, X)
    assert [z.shape for z in layers] == [(3, 4, 11), (3, 3, 11)]
    for k in range(3):
        for z, expected in zip(
            layers, hooked_preactivations(history.model(k), X), strict=True
        ):
            np.testing.assert_allclose(z[k], expected, rtol=1e-5, atol=1e-5)


def test_a_list_of_models_gives_the_same_as_the_ensemble(history):
    models = [history.model(k) for k in range(3)]
    for a, b in zip(preactivations(models, X), preactivations(history, X), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_mean_slope_is_the_derivative_averaged_over_inputs(history):
    z = preactivations(history, X)
    slopes = mean_activation_slope(history, X)
    np.testing.assert_allclose(
        slopes[0], closed_form_derivative("sigmoid", z[0]).mean(axis=2)
    )
    np.testing.assert_allclose(
        slopes[1], closed_form_derivative("leaky_relu", z[1]).mean(axis=2)
    )


def test_diverged_copies_give_nan():
    h = train_ensemble(
        X, Y, sizes=(1, 3, 1), activations="relu", seeds=[0, 1], lr=5.0, num_epochs=3
    )
    assert (h.diverged_at >= 0).all()
    h.weights[0][0] = np.nan  # whatever state a diverged copy was frozen in
    (z,) = preactivations(h, X)
    assert np.isnan(z[0]).all()


def test_refuses_what_it_cannot_read():
    with pytest.raises(ValueError, match="^source must be"):
        preactivations([], X)
    with pytest.raises(ValueError, match="^source models must all have the same"):
        preactivations(
            [mlp((1, 2, 1), "relu", seed=0), mlp((1, 3, 1), "relu", seed=0)], X
        )
