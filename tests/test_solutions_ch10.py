"""The solutions of chapter 10's exercises do what the exercises say."""

import numpy as np
import pytest
import torch

from examples.classification import scores, split_data, train_classifier, two_moons
from examples.models import mlp
from examples.solutions.ch10 import (
    polynomial_features,
    polynomial_features_fit,
    squared_error,
    squared_error_from_a_bad_start,
    train_with_loss,
)

SPLIT = split_data(*two_moons(n=400, noise=0.2, seed=0), val=0.25, test=0.25, seed=0)


@pytest.fixture(scope="module")
def logistic():
    model = mlp((2, 1), seed=0)
    train_classifier(model, SPLIT, lr=0.5, momentum=0.9, num_epochs=200)
    return model


def test_flipped_start_recovers_with_cross_entropy_only(logistic):
    trained_acc = scores(logistic, SPLIT)["train"][1]
    bad = squared_error_from_a_bad_start(SPLIT, logistic, scale=4.0)
    # every answer flipped: right exactly where the trained model was wrong
    assert bad.start_acc == pytest.approx(1 - trained_acc)
    assert bad.cross_entropy_acc == pytest.approx(trained_acc, abs=0.01)
    assert bad.start_acc + 0.2 < bad.squared_acc < bad.cross_entropy_acc - 0.1
    # the model passed in is left as it was
    assert scores(logistic, SPLIT)["train"][1] == trained_acc


def test_squared_error_is_that_of_the_probability():
    z, y = torch.tensor([0.0, 2.0]), torch.tensor([1.0, 0.0])
    expected = ((0.5 - 1) ** 2 + (1 / (1 + np.exp(-2.0))) ** 2) / 2
    assert squared_error(z, y).item() == pytest.approx(expected)


def test_train_with_loss_is_the_chapters_loop():
    from examples.classification import cross_entropy

    a, b = mlp((2, 3, 1), "tanh", seed=1), mlp((2, 3, 1), "tanh", seed=1)
    acc = train_with_loss(a, *SPLIT.train, cross_entropy, 0.5, 0.9, 40)
    train_classifier(b, SPLIT, lr=0.5, momentum=0.9, num_epochs=40)
    for p, q in zip(a.parameters(), b.parameters(), strict=True):
        torch.testing.assert_close(p, q)
    assert acc == pytest.approx(scores(b, SPLIT)["train"][1])


def test_polynomial_features_are_the_nine_products():
    X = np.array([[2.0, 3.0], [-1.0, 0.5]])
    x1, x2 = X[:, 0], X[:, 1]
    expected = np.column_stack(
        [x1, x2, x1**2, x1 * x2, x2**2, x1**3, x1**2 * x2, x1 * x2**2, x2**3]
    )
    np.testing.assert_allclose(polynomial_features(X), expected)


def test_curved_features_let_a_linear_unit_bend(logistic):
    poly = polynomial_features_fit(SPLIT, lr=0.1, num_epochs=200)
    straight = scores(logistic, SPLIT)
    for name in ("val", "test"):
        assert poly[name][1] >= 0.9
        assert poly[name][1] > straight[name][1] + 0.05


def test_solutions_reject_bad_arguments(logistic):
    with pytest.raises(TypeError, match="split"):
        squared_error_from_a_bad_start(None, logistic)
    with pytest.raises(TypeError, match="model"):
        squared_error_from_a_bad_start(SPLIT, "model")
    with pytest.raises(ValueError, match="scale"):
        squared_error_from_a_bad_start(SPLIT, logistic, scale=0)
    with pytest.raises(TypeError, match="split"):
        polynomial_features_fit("split")
    with pytest.raises(ValueError, match="seed"):
        polynomial_features_fit(SPLIT, seed=-1)
    with pytest.raises(ValueError, match="X"):
        polynomial_features(np.zeros((3, 3)))
    with pytest.raises(TypeError, match="loss_fn"):
        train_with_loss(mlp((2, 1)), *SPLIT.train, "mse", 0.5, 0.9, 10)
    with pytest.raises(ValueError, match="lr"):
        train_with_loss(mlp((2, 1)), *SPLIT.train, squared_error, 0, 0.9, 10)
