"""Classification: the data, the loss, the loops, and the thousand-copy trainer,
each pinned against an independent reference."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

from examples.classification import (  # noqa: E402
    Split,
    accuracy,
    check_points,
    cross_entropy,
    evaluate,
    logit_gradients,
    plot_accuracy_spread,
    plot_decision_boundary,
    plot_logit_gradients,
    plot_loss_histories,
    plot_moons,
    scores,
    split_data,
    train_classifier,
    train_many,
    two_moons,
)
from examples.models import mlp  # noqa: E402

X, Y = two_moons(n=120, noise=0.2, seed=3)
SPLIT = split_data(X, Y, val=0.25, test=0.25, seed=1)


# ------------------------------------------------------------------------ data


def test_moons_without_noise_lie_on_their_half_circles():
    X0, y0 = two_moons(n=101, noise=0.0, seed=5)
    upper, lower = X0[y0 == 0], X0[y0 == 1]
    assert len(upper) == 51 and len(lower) == 50
    assert np.hypot(*upper.T) == pytest.approx(np.ones(51))
    assert np.all(upper[:, 1] >= 0)
    assert np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5) == pytest.approx(np.ones(50))
    assert np.all(lower[:, 1] <= 0.5)


def test_moons_are_seeded_and_noisy():
    a, b = two_moons(n=50, seed=7), two_moons(n=50, seed=7)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert not np.array_equal(a[0], two_moons(n=50, seed=8)[0])
    noisy, _ = two_moons(n=2000, noise=0.2, seed=0)
    clean, _ = two_moons(n=2000, noise=0.0, seed=0)
    # the same angles, plus N(0, 0.2) noise on each coordinate
    assert np.std(noisy - clean) == pytest.approx(0.2, rel=0.05)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"n": 1}, "n"),
        ({"n": 2.5}, "n"),
        ({"noise": -0.1}, "noise"),
        ({"noise": "a"}, "noise"),
        ({"seed": -1}, "seed"),
    ],
)
def test_moons_reject_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=name):
        two_moons(**kwargs)


def test_split_is_a_seeded_partition():
    assert SPLIT.sizes() == (60, 30, 30)
    rows = np.concatenate([SPLIT.train[0], SPLIT.val[0], SPLIT.test[0]])
    assert sorted(map(tuple, rows)) == sorted(map(tuple, X))
    again = split_data(X, Y, val=0.25, test=0.25, seed=1)
    assert np.array_equal(again.test[0], SPLIT.test[0])
    other = split_data(X, Y, val=0.25, test=0.25, seed=2)
    assert not np.array_equal(other.test[0], SPLIT.test[0])
    # labels travel with their points
    for Xs, ys in (SPLIT.train, SPLIT.val, SPLIT.test):
        for row, label in zip(Xs, ys, strict=True):
            assert Y[np.flatnonzero((X == row).all(axis=1))[0]] == label


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"val": 0}, "val"),
        ({"test": 1.0}, "test"),
        ({"val": 0.6, "test": 0.5}, "val"),
        ({"seed": -2}, "seed"),
    ],
)
def test_split_rejects_bad_fractions(kwargs, name):
    with pytest.raises(ValueError, match=name):
        split_data(X, Y, **kwargs)


@pytest.mark.parametrize(
    ("X_bad", "y_bad", "name"),
    [
        ([1.0, 2.0], [0, 1], "X"),
        ([[1.0, np.nan]], [0], "X"),
        ([[1.0, 2.0]], [0, 1], "y"),
        ([[1.0, 2.0]], [0.5], "y"),
        ([["a", 2.0]], [0], "X"),
    ],
)
def test_points_are_checked(X_bad, y_bad, name):
    with pytest.raises(ValueError, match=name):
        check_points(X_bad, y_bad)


# ------------------------------------------------------------------------ loss


def test_cross_entropy_is_pytorchs_and_the_formula():
    gen = torch.Generator().manual_seed(0)
    z = 5 * torch.randn(500, generator=gen, dtype=torch.float64)
    y = (torch.rand(500, generator=gen) < 0.5).double()
    ours = cross_entropy(z, y)
    assert ours.item() == pytest.approx(nn.BCEWithLogitsLoss()(z, y).item(), rel=1e-12)
    p = torch.sigmoid(z)
    formula = -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()
    assert ours.item() == pytest.approx(formula.item(), rel=1e-9)


def test_cross_entropy_stays_finite_where_the_probability_rounds_to_zero():
    z, y = torch.tensor([-120.0]), torch.tensor([1.0])
    assert torch.isinf(-torch.log(torch.sigmoid(z))).item()
    assert cross_entropy(z, y).item() == pytest.approx(120.0)


def test_cross_entropy_rejects_bad_input():
    with pytest.raises(TypeError, match="logit"):
        cross_entropy([0.0], torch.tensor([1.0]))
    with pytest.raises(ValueError, match="same shape"):
        cross_entropy(torch.zeros(3), torch.zeros(2))


@pytest.mark.parametrize("label", [0.0, 1.0])
def test_logit_gradients_are_the_closed_forms(label):
    z = np.linspace(-9, 9, 37)
    squared, cross = logit_gradients(z, y=label)
    p = 1 / (1 + np.exp(-z))
    np.testing.assert_allclose(squared, 2 * (p - label) * p * (1 - p), atol=1e-14)
    np.testing.assert_allclose(cross, p - label, atol=1e-14)


def test_logit_gradients_reject_bad_labels():
    with pytest.raises(ValueError, match="y"):
        logit_gradients([0.0], y=0.5)
    with pytest.raises(ValueError, match="logit"):
        logit_gradients([np.inf])


def test_accuracy_counts_the_sign_of_the_logit():
    z = torch.tensor([2.0, -1.0, 0.5, 0.0])
    assert accuracy(z, torch.tensor([1.0, 0.0, 0.0, 0.0])) == pytest.approx(0.75)


# -------------------------------------------------------------------- training


def _newton_logistic(X, y, steps=30):
    """Maximum-likelihood logistic regression in float64, by Newton's method."""
    A = np.column_stack([X, np.ones(len(X))])
    theta = np.zeros(A.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-A @ theta))
        grad = A.T @ (p - y) / len(y)
        hess = (A * (p * (1 - p))[:, None]).T @ A / len(y)
        theta -= np.linalg.solve(hess, grad)
    return theta


def test_logistic_regression_reaches_the_maximum_likelihood_line():
    # the chapter's data and settings: every seed ends at the same line
    split = split_data(*two_moons(n=400, noise=0.2, seed=0), val=0.25, test=0.25)
    model = mlp((2, 1), seed=4)
    history = train_classifier(model, split, lr=0.5, momentum=0.9, num_epochs=200)
    theta = _newton_logistic(*split.train)
    learned = np.append(
        model.output.weight.detach().numpy()[0], model.output.bias.item()
    )
    np.testing.assert_allclose(learned, theta, atol=2e-3)
    A = np.column_stack([split.train[0], np.ones(len(split.train[1]))])
    z = A @ theta
    best = np.mean(np.logaddexp(0, z) - split.train[1] * z)
    assert scores(model, split)["train"][0] == pytest.approx(best, abs=1e-5)
    assert history.train_loss[0] > history.train_loss[-1] > best - 1e-6


def test_history_records_both_sets_before_each_step():
    model = mlp((2, 3, 1), "tanh", seed=2)
    start = scores(model, SPLIT)
    history = train_classifier(model, SPLIT, lr=0.5, momentum=0.9, num_epochs=5)
    assert len(history.train_loss) == len(history.val_acc) == 5
    assert history.train_loss[0] == pytest.approx(start["train"][0], rel=1e-6)
    assert history.train_acc[0] == pytest.approx(start["train"][1])
    assert history.val_loss[0] == pytest.approx(start["val"][0], rel=1e-6)
    assert history.val_acc[0] == pytest.approx(start["val"][1])


def test_training_rejects_bad_arguments():
    model = mlp((2, 1), seed=0)
    with pytest.raises(TypeError, match="model"):
        train_classifier("model", SPLIT)
    with pytest.raises(TypeError, match="split"):
        train_classifier(model, (X, Y))
    with pytest.raises(ValueError, match="lr"):
        train_classifier(model, SPLIT, lr=0)
    with pytest.raises(ValueError, match="num_epochs"):
        train_classifier(model, SPLIT, num_epochs=0)
    with pytest.raises(TypeError, match="model"):
        evaluate(None, X, Y)
    with pytest.raises(TypeError, match="split"):
        scores(model, None)


# ----------------------------------------------------------- many seeds at once


@pytest.mark.parametrize(
    ("sizes", "act"), [((2, 1), "tanh"), ((2, 4, 1), "tanh"), ((2, 3, 3, 1), "relu")]
)
def test_each_copy_is_the_single_model_loop(sizes, act):
    seeds = [0, 3, 11]
    runs = train_many(SPLIT, sizes, act, seeds, lr=0.3, momentum=0.9, num_epochs=60)
    for k, seed in enumerate(seeds):
        model = mlp(sizes, act, seed=seed)
        train_classifier(model, SPLIT, lr=0.3, momentum=0.9, num_epochs=60)
        copy = runs.model(k)
        for a, b in zip(model.parameters(), copy.parameters(), strict=True):
            torch.testing.assert_close(a, b, atol=1e-5, rtol=1e-4)
        alone = scores(model, SPLIT)
        for name in ("train", "val", "test"):
            assert runs.loss[name][k] == pytest.approx(alone[name][0], abs=1e-5)
            assert runs.acc[name][k] == pytest.approx(alone[name][1])


def test_copies_differ_by_seed():
    runs = train_many(SPLIT, (2, 2, 1), seeds=[0, 1], num_epochs=5)
    assert not torch.equal(runs.params[0][0], runs.params[0][1])


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"sizes": (3, 1)}, ValueError, "sizes"),
        ({"sizes": (2, 4, 2)}, ValueError, "sizes"),
        ({"seeds": []}, ValueError, "seeds"),
        ({"seeds": [0, -1]}, ValueError, "seeds"),
        ({"activation": "softsign"}, ValueError, "activation"),
        ({"lr": -1.0}, ValueError, "lr"),
        ({"momentum": -0.5}, ValueError, "momentum"),
    ],
)
def test_train_many_rejects_bad_arguments(kwargs, error, name):
    with pytest.raises(error, match=name):
        train_many(SPLIT, **{"seeds": [0], "num_epochs": 1, **kwargs})


def test_train_many_needs_a_split_and_a_valid_copy_index():
    with pytest.raises(TypeError, match="split"):
        train_many((X, Y))
    runs = train_many(SPLIT, (2, 1), seeds=[0, 1], num_epochs=1)
    with pytest.raises(ValueError, match="k"):
        runs.model(2)


# --------------------------------------------------------------------- figures


def test_plots_draw_and_return_their_axes():
    fig, axes = plt.subplots(4)
    model = mlp((2, 1), seed=0)
    assert plot_moons(X, Y, ax=axes[0]) is axes[0]
    assert len(axes[0].collections) == 2
    assert plot_decision_boundary(model, X, Y, ax=axes[1]) is axes[1]
    assert plot_logit_gradients(np.linspace(-3, 3, 7), ax=axes[2]) is axes[2]
    assert len(axes[2].lines) == 2
    runs = {"a": train_many(SPLIT, (2, 1), seeds=[0, 1], num_epochs=2)}
    assert plot_accuracy_spread(runs, ax=axes[3]) is axes[3]
    plt.close(fig)


def test_every_text_of_a_figure_is_phone_sized():
    # 12 pt on a 6-inch, 100-dpi figure shown 342 CSS px wide: 9.5 px
    from examples.classification import FONT_SIZE

    model = mlp((2, 3, 1), "tanh", seed=0)
    history = train_classifier(model, SPLIT, num_epochs=3)
    runs = {"a": train_many(SPLIT, (2, 1), seeds=[0, 1], num_epochs=2)}
    drawers = [
        lambda ax: plot_moons(X, Y, ax=ax),
        lambda ax: plot_decision_boundary(model, X, Y, ax=ax),
        lambda ax: plot_logit_gradients(np.linspace(-3, 3, 7), ax=ax),
        lambda ax: plot_loss_histories({"net": history}, ax=ax),
        lambda ax: plot_accuracy_spread(runs, ax=ax),
    ]
    for draw in drawers:
        fig, ax = plt.subplots(figsize=(6, 4.5))
        draw(ax)
        fig.canvas.draw()
        texts = [t for t in fig.findobj(matplotlib.text.Text) if t.get_text()]
        assert texts and min(t.get_fontsize() for t in texts) >= FONT_SIZE
        assert FONT_SIZE * 100 / 72 * 342 / 600 >= 9
        plt.close(fig)


def test_loss_histories_need_histories():
    with pytest.raises(TypeError, match="histories"):
        plot_loss_histories({"a": [0.5, 0.4]})


def test_plots_reject_bad_input():
    with pytest.raises(ValueError, match="X"):
        plot_moons(np.zeros((3, 3)), np.zeros(3))
    with pytest.raises(TypeError, match="model"):
        plot_decision_boundary("m", X, Y)
    with pytest.raises(ValueError, match="which"):
        plot_accuracy_spread({}, which="all")


def test_split_type_is_exported():
    assert isinstance(SPLIT, Split)
