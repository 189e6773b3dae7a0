import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from examples.convergence import (  # noqa: E402
    full_batch_gradient,
    plot_final_losses,
    straight_line_loss,
)
from examples.data import noisy_line, parabola  # noqa: E402
from examples.models import mlp  # noqa: E402


def test_straight_line_loss_is_the_least_squares_minimum():
    X, y = noisy_line(seed=2)
    loss = straight_line_loss(X, y)
    w, b = np.polyfit(X, y, 1)
    assert loss == pytest.approx(np.mean((w * X + b - y) ** 2), rel=1e-10)
    # No other line does better.
    for dw, db in [(0.01, 0), (0, 0.01), (-0.02, 0.03)]:
        assert loss < np.mean(((w + dw) * X + b + db - y) ** 2)
    X, y = parabola()
    assert straight_line_loss(X, y) == pytest.approx(np.var(y))


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="fit_below must be smaller"):
        plot_final_losses([1.0], 10.0, fit_below=0.9, line_above=0.5)
    with pytest.raises(ValueError, match="final_loss"):
        plot_final_losses([np.nan], 1.0)


def test_full_batch_gradient_matches_a_hand_derivation():
    X, y = parabola(-2, 2)
    model = mlp((1, 3, 1), "sigmoid", seed=4)
    grads = full_batch_gradient(model, X, y)
    with torch.no_grad():
        W = model.hidden1.weight[:, 0].double().numpy()
        b = model.hidden1.bias.double().numpy()
        v = model.output.weight[0].double().numpy()
        c = float(model.output.bias)
    h = 1 / (1 + np.exp(-(np.outer(X, W) + b)))  # (n, 3)
    r = h @ v + c - y  # residuals
    assert grads["output.bias"].item() == pytest.approx(np.mean(2 * r), rel=1e-4)
    np.testing.assert_allclose(
        grads["output.weight"][0], np.mean(2 * r[:, None] * h, 0), rtol=1e-4
    )
    dz = 2 * r[:, None] * v * h * (1 - h)
    np.testing.assert_allclose(
        grads["hidden1.weight"][:, 0], np.mean(dz * X[:, None], 0), rtol=1e-4, atol=1e-6
    )
    assert all(p.grad is None for p in model.parameters())


def test_gradient_vanishes_for_flat_units_on_symmetric_data():
    X, y = parabola()
    model = mlp((1, 2, 1), "sigmoid", seed=0)
    with torch.no_grad():
        model.hidden1.weight.zero_()
    assert np.abs(full_batch_gradient(model, X, y)["hidden1.weight"]).max() < 1e-5


def test_plot_final_losses_draws_every_run():
    fig, ax = plt.subplots()
    try:
        losses = np.array([3.0, 3.5, 50.0, 78.5, 78.6])
        assert plot_final_losses(losses, 78.0, ax=ax) is ax
        assert sum(p.get_height() for p in ax.patches) == len(losses)
        assert ax.get_xscale() == "log"
    finally:
        plt.close(fig)
