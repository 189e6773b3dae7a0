import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from examples.data import noisy_parabola  # noqa: E402
from examples.models import mlp  # noqa: E402
from examples.overfitting import (  # noqa: E402
    best_prediction,
    early_stopping,
    irreducible_loss,
    noisy_squares,
    plot_train_and_held_out,
    train_with_held_out,
)
from examples.training import mean_squared_error, train_per_sample  # noqa: E402

X = np.arange(-5.0, 6.0)


def test_noisy_squares_draws():
    y = noisy_squares(X, noise=2.0, seed=5)
    e = np.random.default_rng(5).normal(0.0, 2.0, len(X))
    np.testing.assert_allclose(y, X**2 + e)
    np.testing.assert_array_equal(
        noisy_squares(X, noise=1.0, seed=5, inside=True), noisy_parabola(seed=5)[1]
    )
    assert not np.array_equal(noisy_squares(X, seed=1), noisy_squares(X, seed=2))
    with pytest.raises(ValueError, match="noise"):
        noisy_squares(X, noise=-1.0)


def test_losses_are_those_of_the_single_model_loop():
    y = noisy_squares(X, noise=3.0, seed=0)
    X_held = np.linspace(-4.5, 4.5, 10)
    y_held = noisy_squares(X_held, noise=3.0, seed=1)
    h = train_with_held_out(
        X,
        y,
        X_held,
        y_held,
        sizes=(1, 4, 1),
        activations="sigmoid",
        seeds=[2],
        lr=0.005,
        momentum=0.1,
        num_epochs=30,
        every=10,
    )
    assert h.epochs.tolist() == [10, 20, 30]
    # One uninterrupted single-model run ends where the chunked ensemble does.
    model = mlp((1, 4, 1), "sigmoid", seed=2)
    train_per_sample(model, X, y, lr=0.005, momentum=0.1, num_epochs=30)
    assert h.train_loss[-1, 0] == pytest.approx(
        mean_squared_error(model, X, y), rel=1e-4
    )
    final = h.final.model(0)
    assert h.train_loss[-1, 0] == pytest.approx(
        mean_squared_error(final, X, y), rel=1e-5
    )
    assert h.held_out_loss[-1, 0] == pytest.approx(
        mean_squared_error(final, X_held, y_held), rel=1e-5
    )


def test_best_model_is_the_one_at_the_lowest_held_out_loss():
    y = noisy_squares(X, noise=3.0, seed=0)
    X_held = np.tile(X, 5)
    y_held = noisy_squares(X_held, noise=3.0, seed=1)
    h = train_with_held_out(
        X,
        y,
        X_held,
        y_held,
        sizes=(1, 8, 1),
        activations="sigmoid",
        seeds=[0, 1],
        lr=0.005,
        momentum=0.1,
        num_epochs=300,
        every=5,
    )
    for k in range(2):
        i = int(np.argmin(h.held_out_loss[:, k]))
        assert h.best_epochs[k] == h.epochs[i]
        best = h.best_model(k)
        assert mean_squared_error(best, X_held, y_held) == pytest.approx(
            h.held_out_loss[i, k], rel=1e-5
        )
    with pytest.raises(ValueError, match="k must be"):
        h.best_model(2)


def test_overfitting_is_robust_across_draws_and_seeds():
    # The chapter's set-up, with a different noise draw and seed for each copy.
    K = 20
    Y = np.array([noisy_squares(X, noise=3.0, seed=s) for s in range(K)])
    X_held = np.tile(X, 20)
    Y_held = np.array(
        [noisy_squares(X_held, noise=3.0, seed=1000 + s) for s in range(K)]
    )
    h = train_with_held_out(
        X,
        Y,
        X_held,
        Y_held,
        sizes=(1, 50, 1),
        activations="sigmoid",
        seeds=range(K),
        lr=0.005,
        momentum=0.1,
        num_epochs=3000,
        every=10,
    )
    best = np.argmin(h.held_out_loss, axis=0)
    rows = np.arange(K)
    rise = h.held_out_loss[-1] / h.held_out_loss[best, rows]
    train_fell = h.train_loss[-1] < 0.5 * h.train_loss[best, rows]
    overfit = (rise > 1.1) & train_fell
    assert overfit.sum() >= K // 2
    # and the held-out minimum is never at the very start or the very end
    assert np.all((best > 0) & (best < len(h.epochs) - 1))


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="multiple"):
        train_with_held_out(
            X,
            X**2,
            X,
            X**2,
            sizes=(1, 2, 1),
            activations="relu",
            seeds=[0],
            lr=0.01,
            num_epochs=10,
            every=3,
        )
    with pytest.raises(ValueError, match="y_held"):
        train_with_held_out(
            X,
            X**2,
            X,
            X[:3],
            sizes=(1, 2, 1),
            activations="relu",
            seeds=[0],
            lr=0.01,
            num_epochs=1,
        )
    with pytest.raises(ValueError, match="diverged"):
        train_with_held_out(
            X,
            X**2,
            X,
            X**2,
            sizes=(1, 2, 1),
            activations="relu",
            seeds=[0],
            lr=10.0,
            num_epochs=5,
        )


def test_plot_marks_the_best_epoch():
    h = train_with_held_out(
        X,
        X**2,
        X,
        X**2 + 1,
        sizes=(1, 3, 1),
        activations="sigmoid",
        seeds=[0],
        lr=0.005,
        num_epochs=20,
    )
    fig, ax = plt.subplots()
    try:
        assert plot_train_and_held_out(h, ax=ax) is ax
        train, held, best = ax.get_lines()
        np.testing.assert_allclose(train.get_xdata(), h.epochs)
        assert best.get_xdata()[0] == h.best_epochs[0]
    finally:
        plt.close(fig)


@pytest.mark.parametrize("inside", [False, True])
def test_irreducible_loss_is_the_loss_of_the_best_prediction(inside):
    X_big = np.tile(np.arange(-5.0, 6.0), 20_000)
    y_big = noisy_squares(X_big, noise=1.5, seed=7, inside=inside)
    mse = np.mean((best_prediction(X_big, noise=1.5, inside=inside) - y_big) ** 2)
    assert irreducible_loss(X_big, noise=1.5, inside=inside) == pytest.approx(
        mse, rel=0.02
    )
    # No other constant shift of the prediction does better.
    for shift in (-0.3, 0.3):
        shifted = best_prediction(X_big, noise=1.5, inside=inside) + shift
        assert np.mean((shifted - y_big) ** 2) > mse


def test_early_stopping_chooses_on_validation_and_reports_on_test():
    X = np.arange(-5.0, 6.0)
    y = noisy_squares(X, noise=3.0, seed=0)
    X_val, X_test = np.tile(X, 3), np.tile(X, 4)
    y_val = noisy_squares(X_val, noise=3.0, seed=1)
    y_test = noisy_squares(X_test, noise=3.0, seed=2)
    h = train_with_held_out(
        X, y, X_val, y_val, sizes=(1, 8, 1), activations="sigmoid", seeds=[0, 1],
        lr=0.005, momentum=0.1, num_epochs=300, every=10,
    )  # fmt: skip
    for k in (0, 1):
        report = early_stopping(h, X_test, y_test, k=k)
        i = int(np.argmin(h.held_out_loss[:, k]))  # chosen on validation only
        assert report.epochs == h.epochs[i] == h.best_epochs[k]
        assert report.validation_loss == h.held_out_loss[i, k]
        assert report.test_loss == pytest.approx(
            mean_squared_error(h.best_model(k), X_test, y_test), rel=1e-12
        )
        final = h.final.model(k)
        assert report.final_test_loss == pytest.approx(
            mean_squared_error(final, X_test, y_test), rel=1e-5
        )
    # the test set is not the validation set: another choice of test data
    # changes the report's test loss and never the chosen epoch
    other = early_stopping(h, X_val, y_val)
    assert other.epochs == early_stopping(h, X_test, y_test).epochs
    assert other.test_loss == pytest.approx(other.validation_loss, rel=1e-5)
    with pytest.raises(ValueError, match="k must be"):
        early_stopping(h, X_test, y_test, k=2)
    with pytest.raises(ValueError, match="y"):
        early_stopping(h, X_test, y_test[:-1])
