"""The ensemble trainer's cross-entropy and many-input paths against the loop a
reader writes for a classifier: one ``nn.Sequential`` (``mlp``), a real
``DataLoader`` over a ``TensorDataset``, ``nn.BCEWithLogitsLoss`` and
``torch.optim``, from the same seed.
"""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from examples.classification import two_moons
from examples.ensemble import EnsembleTrainer, train_ensemble
from examples.models import mlp


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


X, Y = two_moons(n=23, seed=3)  # batches of 5 leave a last batch of 3
LOSS_RTOL = 1e-5
WEIGHT_ATOL = 1e-5


def single_model_loop(sizes, activations, seed, *, lr, momentum, optimizer,
                      batch_size, shuffle_seed, num_epochs):  # fmt: skip
    """One model trained as a reader would; its mean loss per epoch."""
    model = mlp(sizes, activations, seed=seed)
    X_t = torch.tensor(X, dtype=torch.float32)
    y_t = torch.tensor(Y, dtype=torch.float32)
    kwargs = {}
    if shuffle_seed is not None:
        generator = torch.Generator().manual_seed(shuffle_seed)
        kwargs = dict(shuffle=True, generator=generator)
    loader = DataLoader(TensorDataset(X_t, y_t), batch_size=batch_size, **kwargs)
    if optimizer == "adam":
        opt = torch.optim.Adam(model.parameters(), lr=lr)
    else:
        opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    loss_fn = nn.BCEWithLogitsLoss()
    losses = []
    for _ in range(num_epochs):
        total = 0.0
        for xb, yb in loader:
            opt.zero_grad()
            loss = loss_fn(model(xb).squeeze(1), yb)
            loss.backward()
            opt.step()
            total += loss.item() * len(yb)
        losses.append(total / len(Y))
    return model, np.array(losses)


CASES = [
    # sizes, activations, batch_size, shuffle_seed, optimizer, lr, momentum
    ((2, 1), [], 23, None, "sgd", 0.5, 0.9),  # logistic regression, full batch
    ((2, 8, 1), "tanh", 23, None, "sgd", 0.5, 0.9),  # chapter 10's network
    ((2, 4, 1), "relu", 5, 2, "sgd", 0.2, 0.5),
    ((2, 4, 3, 1), ["tanh", "sigmoid"], 5, None, "adam", 0.02, 0.0),
    ((2, 5, 1), "gelu", 1, 4, "adam", 0.01, 0.0),
    ((2, 3, 1), "leaky_relu", 1, None, "sgd", 0.1, 0.0),
]


@pytest.mark.parametrize(
    ("sizes", "activations", "batch_size", "shuffle_seed", "optimizer", "lr", "m"),
    CASES,
)
def test_each_copy_is_the_single_model_classifier_loop_on_its_seed(
    sizes, activations, batch_size, shuffle_seed, optimizer, lr, m
):
    seeds = [0, 1, 2]
    common = dict(batch_size=batch_size, shuffle_seed=shuffle_seed, lr=lr)
    common |= dict(optimizer=optimizer, momentum=m)
    history = train_ensemble(
        X, Y, sizes=sizes, activations=activations, seeds=seeds, num_epochs=40,
        loss="cross_entropy", **common,
    )  # fmt: skip
    X_t = torch.tensor(X, dtype=torch.float32)
    for k, seed in enumerate(seeds):
        model, losses = single_model_loop(
            sizes, activations, seed, num_epochs=40, momentum=m,
            **{key: v for key, v in common.items() if key != "momentum"},
        )  # fmt: skip
        np.testing.assert_allclose(history.loss[:, k], losses, rtol=LOSS_RTOL)
        assert losses[-1] < 0.9 * losses[0]  # it learned something
        for got, want in zip(
            history.model(k).parameters(), model.parameters(), strict=True
        ):
            np.testing.assert_allclose(
                got.detach(), want.detach(), rtol=0, atol=WEIGHT_ATOL
            )
        with torch.no_grad():
            logits = model(X_t).squeeze(1).numpy()
        np.testing.assert_allclose(history.predict(X)[k], logits, atol=1e-4)


def test_the_cross_entropy_is_the_loss_of_the_logit():
    # one step from the start: epoch 0's loss is the initial model's mean loss
    history = train_ensemble(
        X, Y, sizes=(2, 1), activations=[], seeds=[7], lr=1e-9, num_epochs=1,
        batch_size=23, loss="cross_entropy",
    )  # fmt: skip
    z = mlp((2, 1), [], seed=7)(torch.tensor(X, dtype=torch.float32)).squeeze(1)
    p = torch.sigmoid(z.double()).detach().numpy()
    want = -np.mean(Y * np.log(p) + (1 - Y) * np.log(1 - p))
    assert history.loss[0, 0] == pytest.approx(want, rel=1e-6)


def test_one_input_with_the_squared_error_is_unchanged_by_the_new_path():
    # sizes[0] = 1 with an (n,) X still trains; (n, 1) is not taken for (n,)
    x = np.linspace(-1, 1, 9)
    a = train_ensemble(x, x**2, sizes=(1, 2, 1), activations="sigmoid",
                       seeds=[0], lr=0.01, num_epochs=3)  # fmt: skip
    b = train_ensemble(x, x**2, sizes=(1, 2, 1), activations="sigmoid",
                       seeds=[0], lr=0.01, num_epochs=3, loss="mse")  # fmt: skip
    np.testing.assert_array_equal(a.loss, b.loss)


def test_two_inputs_with_the_squared_error_is_the_mse_loop():
    target = X[:, 0] - X[:, 1]
    history = train_ensemble(
        X, target, sizes=(2, 3, 1), activations="tanh", seeds=[4], lr=0.05,
        num_epochs=20, batch_size=6,
    )  # fmt: skip
    model = mlp((2, 3, 1), "tanh", seed=4)
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    X_t = torch.tensor(X, dtype=torch.float32)
    t_t = torch.tensor(target, dtype=torch.float32)
    for _ in range(20):
        for i in range(0, len(X), 6):
            opt.zero_grad()
            y_hat = model(X_t[i : i + 6]).squeeze(1)
            nn.functional.mse_loss(y_hat, t_t[i : i + 6]).backward()
            opt.step()
    pairs = zip(history.model(0).parameters(), model.parameters(), strict=True)
    for got, want in pairs:
        np.testing.assert_allclose(got.detach(), want.detach(), rtol=0, atol=1e-5)


COMMON = dict(sizes=(2, 3, 1), activations="tanh", seeds=[0], lr=0.1)


@settings(max_examples=40, deadline=None)
@given(st.one_of(st.text(max_size=8), st.integers(), st.none(), st.floats()))
def test_a_bad_loss_is_named(loss):
    if loss in ("mse", "cross_entropy"):
        return
    with pytest.raises(ValueError, match="^loss must be one of"):
        EnsembleTrainer(X, Y, **COMMON, loss=loss)


@settings(max_examples=40, deadline=None)
@given(st.floats(allow_nan=True, allow_infinity=True).filter(lambda v: v not in (0, 1)),
       st.integers(0, 22))  # fmt: skip
def test_labels_other_than_0_and_1_are_named(value, index):
    y = Y.copy()
    y[index] = value
    with pytest.raises(ValueError, match="^y must"):
        EnsembleTrainer(X, y, **COMMON, loss="cross_entropy")


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 5).filter(lambda d: d != 2), st.integers(1, 6))
def test_inputs_of_the_wrong_width_are_named(width, n):
    with pytest.raises(ValueError, match=r"^X must have shape \(n, 2\)"):
        EnsembleTrainer(np.zeros((n, width)), np.zeros(n), **COMMON)


@settings(max_examples=30, deadline=None)
@given(st.sampled_from([np.nan, np.inf, -np.inf, 1e39]), st.integers(0, 22),
       st.integers(0, 1))  # fmt: skip
def test_inputs_not_finite_in_float32_are_named(value, row, col):
    bad = X.copy()
    bad[row, col] = value
    with pytest.raises(ValueError, match="^X must hold only numbers finite"):
        EnsembleTrainer(bad, Y, **COMMON)


def test_other_bad_shapes_are_named():
    with pytest.raises(ValueError, match=r"^X must have shape \(n, 2\)"):
        EnsembleTrainer(X[:, 0], Y, **COMMON)  # one column for a two-input net
    with pytest.raises(ValueError, match="^X and y must have the same length"):
        EnsembleTrainer(X, Y[:-1], **COMMON)
    with pytest.raises(ValueError, match="^X must be an array of numbers"):
        EnsembleTrainer([[0.0, "a"]], [0.0], **COMMON)
    with pytest.raises(ValueError, match="^sizes must end with 1"):
        EnsembleTrainer(X, Y, sizes=(2, 3, 2), activations="tanh", seeds=[0], lr=0.1)
    history = train_ensemble(X, Y, **COMMON, num_epochs=1, loss="cross_entropy")
    with pytest.raises(ValueError, match=r"^X must have shape \(n, 2\)"):
        history.predict(np.zeros((3, 3)))
