"""mini_batches against independent references: the closed-form Hessian of the
linear model's loss, a gradient-descent step computed by hand, counts by hand."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from examples.data import noisy_line, parabola  # noqa: E402
from examples.mini_batches import (  # noqa: E402
    Setting,
    compare_settings,
    data_loader,
    epochs_to_fit,
    gd_is_stable,
    largest_stable_lr,
    linear_hessian,
    plot_fit_share,
    train_in_batches,
)
from examples.models import mlp  # noqa: E402

X, Y = noisy_line(n=10, seed=3)  # not centred: the Hessian has off-diagonal terms


def closed_form_hessian(X):
    X = np.asarray(X, dtype=float)
    return 2 * np.array([[np.mean(X**2), np.mean(X)], [np.mean(X), 1.0]])


def test_hessian_is_the_closed_form():
    np.testing.assert_allclose(linear_hessian(X), closed_form_hessian(X), rtol=1e-6)


def test_gradient_descent_is_stable_below_two_over_the_top_curvature_only():
    limit = 2 / np.linalg.eigvalsh(closed_form_hessian(X)).max()
    assert gd_is_stable(X, Y, 0.9 * limit, num_epochs=300)
    assert not gd_is_stable(X, Y, 1.1 * limit, num_epochs=300)
    measured = largest_stable_lr(X, Y, 0.1 * limit, 10 * limit, num_epochs=400)
    assert measured == pytest.approx(limit, rel=0.02)


@pytest.mark.parametrize(
    ("low", "high", "match"),
    [(1.0, 2.0, "low must be a stable"), (1e-4, 1e-3, "high must be an unstable"),
     (0.0, 1.0, "low"), (1e-4, float("nan"), "high")],
)  # fmt: skip
def test_largest_stable_lr_checks_its_bracket(low, high, match):
    with pytest.raises(ValueError, match=match):
        largest_stable_lr(X, Y, low, high, num_epochs=50, steps=2)


def test_loader_batches_cover_the_data_and_shuffle_each_epoch():
    Xp, Yp = parabola(-5, 5)
    loader = data_loader(Xp, Yp, batch_size=4, shuffle_seed=0)
    epochs = [[xb.view(-1).tolist() for xb, _ in loader] for _ in range(3)]
    for batches in epochs:
        assert [len(b) for b in batches] == [4, 4, 3]
        assert sorted(sum(batches, [])) == Xp.tolist()
    assert epochs[0] != epochs[1]
    for xb, yb in loader:  # pairs stay together
        np.testing.assert_array_equal(yb.numpy(), xb.numpy() ** 2)
    in_order = [xb.view(-1).tolist() for xb, _ in data_loader(Xp, Yp, 11)]
    assert in_order == [Xp.tolist()]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [(dict(batch_size=0), "batch_size"), (dict(batch_size=2.5), "batch_size"),
     (dict(batch_size=2, shuffle_seed=-1), "shuffle_seed"),
     (dict(batch_size=2, shuffle_seed="a"), "shuffle_seed")],
)  # fmt: skip
def test_loader_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        data_loader(X, Y, **kwargs)


def test_one_full_batch_step_is_the_hand_computed_gradient_step():
    model = mlp((1, 1), [], seed=0)
    w, b = model[0].weight.item(), model[0].bias.item()
    x, y = np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64)
    err = w * x + b - y
    grad_w, grad_b = np.mean(2 * err * x), np.mean(2 * err)
    losses = train_in_batches(model, X, Y, lr=0.01, num_epochs=1, batch_size=10)
    assert losses[0] == pytest.approx(np.mean(err**2), rel=1e-5)
    assert model[0].weight.item() == pytest.approx(w - 0.01 * grad_w, rel=1e-5)
    assert model[0].bias.item() == pytest.approx(b - 0.01 * grad_b, rel=1e-5)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [(dict(lr=0.0), "lr"), (dict(num_epochs=0), "num_epochs"),
     (dict(momentum=-1.0), "momentum"), (dict(optimizer="rmsprop"), "optimizer"),
     (dict(optimizer="adam", momentum=0.5), "momentum must be 0"),
     (dict(batch_size=0), "batch_size")],
)  # fmt: skip
def test_train_in_batches_rejects_bad_arguments(kwargs, match):
    args = dict(lr=0.01, num_epochs=1, batch_size=2) | kwargs
    with pytest.raises(ValueError, match=match):
        train_in_batches(mlp((1, 1), [], seed=0), X, Y, **args)
    with pytest.raises(TypeError, match="model"):
        train_in_batches("model", X, Y, lr=0.01, num_epochs=1, batch_size=2)


def test_epochs_to_fit_by_hand():
    loss = np.array([[100.0, 100.0, np.nan], [5.0, 100.0, np.nan], [1.0, 9.0, 1.0]])
    # threshold 0.1 * 78 = 7.8: first run fits in epoch 2, second never, third
    # diverged (NaN) and then came back below: epoch 3
    assert epochs_to_fit(loss, 78.0).tolist() == [2, -1, 3]


def test_compare_settings_counts_each_seed_once():
    Xp, Yp = parabola(-5, 5)
    settings = [
        Setting("a", 0.01, 11, momentum=0.9),
        Setting("b", 0.3, 11, None, "adam"),
    ]
    results = compare_settings(Xp, Yp, settings, range(8), 30)
    assert [r.setting.name for r in results] == ["a", "b"]
    for r in results:
        assert len(r.labels) == len(r.epochs_to_fit) == 8 and r.seconds > 0
        assert r.fits == int(np.sum(r.epochs_to_fit[r.labels == "fits"] > 0))
    ax = plot_fit_share(results, ax=plt.figure().gca())
    assert len(ax.lines) == 2
    plt.close("all")
