"""The solutions of chapter 4's exercises do what the exercises (and their
solutions' prose) say."""

import numpy as np
import pytest

from examples.models import mlp
from examples.overfitting import noisy_squares, train_with_held_out
from examples.solutions.ch04 import (
    REMEDIES,
    distance_to_parabola,
    one_arm_runs,
    remedy_counts,
)


@pytest.fixture(scope="module")
def counts():
    return {name: remedy_counts(name) for name in [None, *REMEDIES]}


def test_only_the_larger_learning_rate_helps(counts):
    base = counts[None]
    assert all(c.total == 1000 for c in counts.values())
    assert counts["lr 0.003"].fits > base.fits
    assert counts["lr 0.003"].in_between > base.in_between
    assert counts["tanh"].fits < base.fits
    assert counts["standardised inputs"].fits < base.fits


def test_remedy_counts_refuses_unknown_changes():
    with pytest.raises(ValueError, match="change"):
        remedy_counts("dropout")


def test_one_arm_runs_have_both_units_on_one_side():
    runs = one_arm_runs()
    assert len(runs) > 10
    for _seed, loss, w, centres in runs:
        assert 45 < loss < 55
        assert np.sign(w[0]) == np.sign(w[1])
        assert np.sign(centres[0]) == np.sign(centres[1])
        assert abs(centres[0] - centres[1]) < 1.0


def test_early_stopped_network_is_closer_to_the_parabola():
    X = np.arange(-5.0, 6.0)
    X_held = np.tile(X, 20)
    h = train_with_held_out(
        X,
        noisy_squares(X, noise=3.0, seed=0),
        X_held,
        noisy_squares(X_held, noise=3.0, seed=1),
        sizes=(1, 50, 1),
        activations="sigmoid",
        seeds=[0],
        lr=0.005,
        momentum=0.1,
        num_epochs=3000,
        every=5,
    )
    early = distance_to_parabola(h.best_model(0))
    final = distance_to_parabola(h.final.model(0))
    assert early < 0.5 * final  # "a fraction of"


def test_distance_to_parabola_is_zero_only_for_the_parabola():
    grid = np.linspace(-1, 1, 5)
    net = mlp((1, 2, 1), "relu", seed=0)
    assert distance_to_parabola(net, grid) > 0
