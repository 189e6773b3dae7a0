"""The ensemble trainer's mini-batch, shuffling and Adam paths against the loop a
reader writes: one model, ``TensorDataset``, ``DataLoader`` and ``torch.optim``.

``examples.mini_batches.fit_in_batches`` runs PyTorch's autograd with
``torch.optim.SGD`` (momentum) or ``torch.optim.Adam`` on batches a real
``DataLoader`` draws, so agreement pins the trainer's batched forward and backward
passes, its optimisers and its copy of the DataLoader's shuffling.
"""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from examples.data import parabola
from examples.ensemble import EnsembleTrainer, _BatchOrder, train_ensemble
from examples.mini_batches import data_loader, train_in_batches
from examples.models import mlp


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


X, Y = parabola(-3, 3)  # 7 samples: batches of 3 leave a last batch of 1
LOSS_RTOL = 1e-5
WEIGHT_ATOL = 1e-5  # float32 rounding of parameters of size about 1 to 10

CASES = [
    # sizes, activations, batch_size, shuffle_seed, optimizer, lr, momentum
    ((1, 2, 1), "sigmoid", 3, None, "sgd", 0.005, 0.0),
    ((1, 2, 1), "sigmoid", 3, 4, "sgd", 0.005, 0.5),
    ((1, 2, 1), "sigmoid", 7, None, "sgd", 0.01, 0.9),
    ((1, 2, 1), "sigmoid", 1, 2, "sgd", 0.005, 0.1),
    ((1, 2, 1), "sigmoid", 2, 3, "adam", 0.02, 0.0),
    ((1, 2, 1), "sigmoid", 7, None, "adam", 0.05, 0.0),
    ((1, 2, 1), "sigmoid", 1, None, "adam", 0.02, 0.0),
    ((1, 5, 4, 1), ["tanh", "relu"], 4, 5, "adam", 0.01, 0.0),
    ((1, 4, 1), "gelu", 5, 6, "sgd", 0.005, 0.3),
    ((1, 1), [], 7, None, "sgd", 0.05, 0.0),
]


@pytest.mark.parametrize(
    ("sizes", "activations", "batch_size", "shuffle_seed", "optimizer", "lr", "m"),
    CASES,
)
def test_each_copy_is_the_data_loader_loop_on_its_seed(
    sizes, activations, batch_size, shuffle_seed, optimizer, lr, m
):
    seeds = [0, 1, 2]
    settings_ = dict(batch_size=batch_size, shuffle_seed=shuffle_seed, lr=lr)
    settings_ |= dict(optimizer=optimizer, momentum=m)
    history = train_ensemble(
        X, Y, sizes=sizes, activations=activations, seeds=seeds,
        num_epochs=60, **settings_,
    )  # fmt: skip
    for k, seed in enumerate(seeds):
        model = mlp(sizes, activations, seed=seed)
        start = [p.detach().clone() for p in model.parameters()]
        losses = train_in_batches(model, X, Y, num_epochs=60, **settings_)
        np.testing.assert_allclose(history.loss[:, k], losses, rtol=LOSS_RTOL)
        moved = 0.0
        for got, want, first in zip(
            history.model(k).parameters(), model.parameters(), start, strict=True
        ):
            want = want.detach()
            np.testing.assert_allclose(got.detach(), want, rtol=0, atol=WEIGHT_ATOL)
            moved = max(moved, float((want - first).abs().max()))
        assert moved > 100 * WEIGHT_ATOL  # training moved the weights well beyond


@pytest.mark.parametrize(("n", "batch_size", "seed"), [(7, 3, 0), (11, 4, 9)])
def test_batch_order_is_what_a_data_loader_draws(n, batch_size, seed):
    order = _BatchOrder(n, batch_size, seed)
    loader = data_loader(np.arange(n), np.zeros(n), batch_size, seed)
    for _ in range(5):  # the generator carries over from epoch to epoch
        want = [x_batch.view(-1).long().tolist() for x_batch, _ in loader]
        assert [b.tolist() for b in order.epoch()] == want
    assert sorted(sum(want, [])) == list(range(n))


def test_shuffling_changes_the_order_of_each_epoch_and_the_result():
    order = _BatchOrder(7, 7, 0)
    first, second = order.epoch()[0].tolist(), order.epoch()[0].tolist()
    assert first != second and sorted(first) == list(range(7))
    common = dict(sizes=(1, 2, 1), activations="sigmoid", seeds=[0], lr=0.005)
    a = train_ensemble(X, Y, **common, num_epochs=20, shuffle_seed=0)
    b = train_ensemble(X, Y, **common, num_epochs=20, shuffle_seed=1)
    c = train_ensemble(X, Y, **common, num_epochs=20, shuffle_seed=0)
    assert a.final_loss[0] != b.final_loss[0]
    assert a.final_loss[0] == c.final_loss[0]


def test_training_in_chunks_equals_training_at_once_with_batches_and_adam():
    common = dict(sizes=(1, 2, 1), activations="sigmoid", seeds=[0, 1], lr=0.02)
    common |= dict(batch_size=3, shuffle_seed=5, optimizer="adam")
    whole = EnsembleTrainer(X, Y, **common)
    whole.train(30)
    parts = EnsembleTrainer(X, Y, **common)
    parts.train(10)
    parts.train(20)
    np.testing.assert_array_equal(whole.history().loss, parts.history().loss)


def test_a_diverging_adam_copy_spares_the_others():
    y = np.stack([Y, Y * 1e30])  # the second copy's targets overflow float32
    history = train_ensemble(
        X, y, sizes=(1, 2, 1), activations="sigmoid", seeds=[0, 0], lr=0.02,
        num_epochs=5, batch_size=3, optimizer="adam",
    )  # fmt: skip
    assert history.diverged_at.tolist() == [-1, 0]
    alone = train_ensemble(
        X, Y, sizes=(1, 2, 1), activations="sigmoid", seeds=[0], lr=0.02,
        num_epochs=5, batch_size=3, optimizer="adam",
    )  # fmt: skip
    np.testing.assert_array_equal(history.loss[:, 0], alone.loss[:, 0])


GOOD = dict(sizes=(1, 2, 1), activations="sigmoid", seeds=[0], lr=0.01)


@settings(max_examples=25, deadline=None, database=None, derandomize=True)
@given(
    st.one_of(
        st.none(),
        st.booleans(),
        st.text(max_size=3),
        st.floats(),
        st.integers(max_value=0),
        st.integers(min_value=len(X) + 1),
    )
)
def test_bad_batch_size_is_refused_naming_it(batch_size):
    with pytest.raises(ValueError, match="batch_size"):
        EnsembleTrainer(X, Y, **GOOD, batch_size=batch_size)


@settings(max_examples=25, deadline=None, database=None, derandomize=True)
@given(
    st.one_of(
        st.booleans(),
        st.text(max_size=3),
        st.floats(),
        st.integers(max_value=-1),
        st.integers(min_value=2**63),
    )
)
def test_bad_shuffle_seed_is_refused_naming_it(shuffle_seed):
    with pytest.raises(ValueError, match="shuffle_seed"):
        EnsembleTrainer(X, Y, **GOOD, shuffle_seed=shuffle_seed)


@settings(max_examples=25, deadline=None, database=None, derandomize=True)
@given(
    st.one_of(
        st.none(),
        st.integers(),
        st.floats(),
        st.text(max_size=6).filter(lambda s: s not in ("sgd", "adam")),
        st.sampled_from(["SGD", "Adam", " adam"]),
    )
)
def test_bad_optimizer_is_refused_naming_it(optimizer):
    with pytest.raises(ValueError, match="optimizer"):
        EnsembleTrainer(X, Y, **GOOD, optimizer=optimizer)


@settings(max_examples=10, deadline=None, database=None, derandomize=True)
@given(st.floats(min_value=1e-6, max_value=10.0))
def test_momentum_with_adam_is_refused_naming_it(momentum):
    with pytest.raises(ValueError, match="momentum must be 0 with optimizer='adam'"):
        EnsembleTrainer(X, Y, **GOOD, optimizer="adam", momentum=momentum)
