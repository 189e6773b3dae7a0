"""The solutions of chapter 7's exercises do what the exercises say."""

import numpy as np
import pytest

from examples.data import parabola
from examples.ensemble import train_ensemble
from examples.models import mlp
from examples.overfitting import irreducible_loss
from examples.solutions.ch07 import (
    extrapolate_by_hand,
    noisy_target_losses,
    simulated_variance,
)
from examples.training import predict


def test_extrapolation_by_hand_matches_the_network():
    X, y = parabola()
    runs = train_ensemble(
        X,
        y,
        sizes=(1, 10, 10, 1),
        activations="relu",
        seeds=[0],
        lr=0.001,
        momentum=0.1,
        num_epochs=2000,
    )
    model = runs.model(0)
    far = np.array([-100.0, 100.0])
    np.testing.assert_allclose(
        extrapolate_by_hand(model, far), predict(model, far), rtol=1e-5
    )
    # Also an untrained network, anywhere.
    net = mlp((1, 6, 6, 1), "relu", seed=3)
    xs = np.linspace(-50, 50, 101)
    np.testing.assert_allclose(
        extrapolate_by_hand(net, xs), predict(net, xs), atol=1e-4
    )


@pytest.mark.parametrize("noise", [1.0, 0.5])
def test_simulated_variance_matches_the_formula(noise):
    X = np.array([0.0, 1.0, 5.0])
    sim = simulated_variance(X, noise=noise, draws=400_000, seed=0)
    exact = 4 * X**2 * noise**2 + 2 * noise**4
    np.testing.assert_allclose(sim, exact, rtol=0.02)
    assert irreducible_loss(X, noise=noise, inside=True) == pytest.approx(exact.mean())


def test_training_longer_lowers_training_loss_and_raises_held_out_loss():
    train_1000, held_1000 = noisy_target_losses(1000)
    train_3000, held_3000 = noisy_target_losses(3000)
    assert train_3000 < 0.5 * train_1000
    assert held_3000 > held_1000
