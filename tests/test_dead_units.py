import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from examples.data import parabola  # noqa: E402
from examples.dead_units import (  # noqa: E402
    InactiveTrace,
    inactive_units,
    plot_inactive_counts,
    trace_inactive_units,
)
from examples.ensemble import train_ensemble  # noqa: E402
from examples.models import mlp  # noqa: E402
from examples.training import as_tensors, squared_error  # noqa: E402

X, Y = parabola()


def network_with_dead_units(activation: str = "relu") -> torch.nn.Sequential:
    """1-3-1: unit 0 off everywhere, unit 1 on for x > 0, unit 2 off on [-5, 5]."""
    net = mlp((1, 3, 1), activation, seed=0)
    with torch.no_grad():
        net.hidden1.weight.copy_(torch.tensor([[0.5], [1.0], [-1.0]]))
        net.hidden1.bias.copy_(torch.tensor([-100.0, 0.0, -10.0]))
    return net


def test_finds_the_units_that_are_off_at_every_input():
    mask = inactive_units([network_with_dead_units()], X)
    assert mask.tolist() == [[True, False, True]]
    # on x = 6 alone, unit 2 (z = -16) is still off but unit 1 is on
    assert inactive_units([network_with_dead_units()], [6.0]).tolist() == [
        [True, False, True]
    ]
    # on x = -11, unit 2 has z = 1: on
    assert inactive_units([network_with_dead_units()], [-11.0]).tolist() == [
        [True, True, False]
    ]


@pytest.mark.parametrize("activation, zero", [("relu", True), ("leaky_relu", False)])
def test_a_dead_relu_gets_no_gradient_and_a_leaky_one_does(activation, zero):
    net = network_with_dead_units(activation)
    X_t, y_t = as_tensors(X, Y)
    for i in range(len(X_t)):  # every training sample, one at a time
        net.zero_grad()
        squared_error(net(X_t[i]), y_t[i]).backward()
        bias_grad = net.hidden1.bias.grad[[0, 2]]
        weight_grad = net.hidden1.weight.grad[[0, 2]]
        assert bool((bias_grad == 0).all()) == zero
        if X[i] != 0:  # at x = 0 every weight gradient is 0, dead or not
            assert bool((weight_grad == 0).all()) == zero


@pytest.fixture(scope="module")
def trace():
    return trace_inactive_units(
        X,
        Y,
        sizes=(1, 4, 3, 1),
        activations="relu",
        seeds=[0, 1, 2],
        lr=0.003,
        momentum=0.1,
        num_epochs=25,
        every=10,
    )


def test_trace_checkpoints_and_shapes(trace):
    assert trace.epochs.tolist() == [0, 10, 20, 25]
    assert trace.inactive.shape == (4, 3, 7)
    assert trace.layer_of.tolist() == [1, 1, 1, 1, 2, 2, 2]
    assert trace.counts.shape == (4, 3)


def test_trace_starts_from_the_untrained_models(trace):
    initial = [mlp((1, 4, 3, 1), "relu", seed=s) for s in [0, 1, 2]]
    np.testing.assert_array_equal(trace.inactive[0], inactive_units(initial, X))


def test_training_in_chunks_is_one_run(trace):
    whole = train_ensemble(
        X,
        Y,
        sizes=(1, 4, 3, 1),
        activations="relu",
        seeds=[0, 1, 2],
        lr=0.003,
        momentum=0.1,
        num_epochs=25,
    )
    np.testing.assert_array_equal(trace.history.loss, whole.loss)
    np.testing.assert_array_equal(trace.inactive[-1], inactive_units(whole, X))


def test_revived_counts_units_that_come_back():
    # 1 copy, 3 units (layer 1, 1, 2), 4 checkpoints
    mask = np.array(
        [
            [[False, True, False]],
            [[True, True, False]],
            [[False, True, True]],
            [[False, True, True]],
        ]
    )
    trace = InactiveTrace(np.arange(4), mask, np.array([1, 1, 2]), history=None)
    assert trace.revived() == (1, 3)  # unit 0 came back; units 1 and 2 did not
    assert trace.revived(layer=1) == (1, 2)
    assert trace.revived(layer=2) == (0, 1)
    with pytest.raises(ValueError, match="^layer must be one of"):
        trace.revived(layer=3)


def test_diverged_copies_have_no_inactive_units():
    h = train_ensemble(
        X, Y, sizes=(1, 3, 1), activations="relu", seeds=[0], lr=5.0, num_epochs=2
    )
    h.weights[0][0] = np.nan
    assert not inactive_units(h, X).any()


def test_plot_shows_the_mean_count(trace):
    fig, ax = plt.subplots()
    assert plot_inactive_counts({"ReLU": trace}, ax=ax) is ax
    (line,) = ax.get_lines()
    np.testing.assert_array_equal(line.get_ydata(), trace.counts.mean(axis=1))
    plt.close(fig)


def test_bad_arguments():
    with pytest.raises(ValueError, match="^every"):
        trace_inactive_units(
            X,
            Y,
            sizes=(1, 2, 1),
            activations="relu",
            seeds=[0],
            lr=0.1,
            num_epochs=1,
            every=0,
        )


def test_share_of_rise_by_hand_and_against_the_counts():
    inactive = np.zeros((4, 2, 5), dtype=bool)
    inactive[:, 0, 0] = True  # inactive from the start: not part of the rise
    inactive[1:, 0, 1] = True  # copy 0: one more by epoch 5
    inactive[3:, 1, 2:5] = True  # copy 1: three more by epoch 15
    trace = InactiveTrace(np.array([0, 5, 10, 15]), inactive, np.ones(5), None)
    # mean count per checkpoint: 0.5, 1.0, 1.0, 2.5; the rise is 2.0 in all
    assert trace.share_of_rise(5) == pytest.approx(0.25)
    assert trace.share_of_rise(10) == pytest.approx(0.25)
    assert trace.share_of_rise(15) == 1.0
    with pytest.raises(ValueError, match="^epoch must be one of the checkpoints"):
        trace.share_of_rise(7)


def test_untrained_copies_are_the_models_mlp_builds():
    from examples.dead_units import untrained
    from examples.models import layer_parameters

    seeds = [0, 7, 123]
    start = untrained((1, 4, 3, 1), ["relu", "tanh"], seeds)
    assert start.num_epochs == 0 and start.activations == ("relu", "tanh")
    assert start.seeds.tolist() == seeds
    for k, seed in enumerate(seeds):
        layers = layer_parameters(mlp((1, 4, 3, 1), ["relu", "tanh"], seed=seed))
        for (W, b), weight, bias in zip(
            layers, start.weights, start.biases, strict=True
        ):
            np.testing.assert_array_equal(weight[k], W)
            np.testing.assert_array_equal(bias[k], b)
    # and a model rebuilt from them is that network
    np.testing.assert_array_equal(
        start.predict(X)[1], mlp((1, 4, 3, 1), ["relu", "tanh"], seed=7)(
            torch.tensor(X, dtype=torch.float32).reshape(-1, 1)
        ).detach().numpy().ravel(),
    )  # fmt: skip


def test_untrained_names_its_arguments():
    from examples.dead_units import untrained

    with pytest.raises(ValueError, match="seeds"):
        untrained((1, 3, 1), "relu", [])
    with pytest.raises(ValueError, match="activation"):
        untrained((1, 3, 1), "softsign", [0])
    with pytest.raises((ValueError, TypeError), match="sizes"):
        untrained("131", "relu", [0])


def test_trace_starts_from_the_untrained_models_of_many_seeds():
    # enough seeds that some units start inactive: the comparison is not all False
    seeds = range(60)
    trace = trace_inactive_units(
        X, Y, sizes=(1, 4, 3, 1), activations="relu", seeds=seeds, lr=0.003,
        momentum=0.1, num_epochs=2, every=1,
    )  # fmt: skip
    initial = [mlp((1, 4, 3, 1), "relu", seed=s) for s in seeds]
    expected = inactive_units(initial, X)
    assert expected.any()
    np.testing.assert_array_equal(trace.inactive[0], expected)
