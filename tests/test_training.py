import numpy as np
import pytest
import torch

from examples.data import line_data, noisy_line
from examples.least_squares import least_squares_line
from examples.models import LinearModel, mlp
from examples.training import (
    TrainingDivergedError,
    as_tensors,
    mean_squared_error,
    predict,
    squared_error,
    train_per_sample,
)


def numpy_reference(X, y, w, b, lr, momentum, num_epochs):
    """Per-sample SGD with momentum on y_hat = w x + b, derived by hand, in float64.

    d/dw (w x + b - y)^2 = 2 (w x + b - y) x and d/db = 2 (w x + b - y); PyTorch's
    momentum keeps a buffer v = momentum * v + grad (v = grad on the first step).
    """
    vw = vb = None
    losses, grads = [], []
    for _ in range(num_epochs):
        epoch_loss, epoch_grad = 0.0, 0.0
        for x_i, y_i in zip(X, y, strict=True):
            r = w * x_i + b - y_i
            gw, gb = 2 * r * x_i, 2 * r
            vw = gw if vw is None else momentum * vw + gw
            vb = gb if vb is None else momentum * vb + gb
            w, b = w - lr * vw, b - lr * vb
            epoch_loss += r * r
            epoch_grad += gw
        losses.append(epoch_loss / len(X))
        grads.append(epoch_grad / len(X))
    return w, b, losses, grads


def test_matches_hand_derived_sgd_with_momentum():
    X, y = line_data()
    model = LinearModel(seed=0)
    w0, b0 = model.weight, model.bias
    history = train_per_sample(model, X, y, lr=0.01, momentum=0.2, num_epochs=30)
    w, b, losses, grads = numpy_reference(X, y, w0, b0, 0.01, 0.2, 30)
    assert model.weight == pytest.approx(w, abs=1e-4)
    assert model.bias == pytest.approx(b, abs=1e-4)
    np.testing.assert_allclose(history.loss, losses, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(history.weight_grad, grads, rtol=1e-3, atol=1e-4)
    assert history.weight[-1] == model.weight and history.bias[-1] == model.bias


def test_first_step_gradient_is_the_hand_derivative():
    X, y = line_data()
    model = LinearModel(seed=2)
    w0, b0 = model.weight, model.bias
    history = train_per_sample(model, X[:1], y[:1], lr=1e-3, num_epochs=1)
    assert history.weight_grad[0] == pytest.approx(
        2 * (w0 * X[0] + b0 - y[0]) * X[0], rel=1e-5
    )


def test_learned_line_approaches_closed_form_least_squares():
    X, y = noisy_line(n=10, seed=3)
    X = X - X.mean()  # centred inputs decouple weight and bias, so training is quick
    w_ls, b_ls = least_squares_line(X, y)
    gaps = []
    for lr, num_epochs in [(0.005, 500), (0.001, 2000)]:
        model = LinearModel(seed=0)
        train_per_sample(model, X, y, lr=lr, num_epochs=num_epochs)
        gaps.append(abs(model.weight - w_ls) + abs(model.bias - b_ls))
    # per-sample SGD with a fixed step hovers near the minimum, closer for smaller lr
    assert gaps[1] < 0.05
    assert gaps[1] < gaps[0]


def test_history_loss_is_the_epoch_mean_not_the_last_sample():
    X, y = line_data()
    model = LinearModel(seed=0)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    history = train_per_sample(model, X, y, lr=0.01, num_epochs=1)
    fresh = LinearModel(seed=0)
    fresh.load_state_dict(before)
    opt = torch.optim.SGD(fresh.parameters(), lr=0.01)
    X_t, y_t = as_tensors(X, y)
    losses = []
    for i in range(len(X)):
        opt.zero_grad()
        loss = squared_error(fresh(X_t[i]), y_t[i])
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert history.loss[0] == pytest.approx(np.mean(losses), rel=1e-6)
    assert history.loss[0] != pytest.approx(losses[-1])


def test_divergence_names_the_epoch():
    X, y = line_data()
    with pytest.raises(TrainingDivergedError, match=r"diverged at epoch \d+") as info:
        train_per_sample(LinearModel(seed=0), X, y, lr=1.0, num_epochs=500)
    epoch = info.value.epoch
    assert isinstance(epoch, int) and 0 <= epoch < 500
    assert f"diverged at epoch {epoch}:" in str(info.value)
    # the epochs before it are finite: training that far does not raise
    history = train_per_sample(LinearModel(seed=0), X, y, lr=1.0, num_epochs=epoch)
    assert len(history.loss) == epoch and np.isfinite(history.loss).all()


def test_diverged_error_survives_pickling():
    import pickle

    error = pickle.loads(pickle.dumps(TrainingDivergedError("boom", epoch=7)))
    assert error.epoch == 7 and str(error) == "boom"
    assert TrainingDivergedError("no epoch").epoch is None


def test_logging_every_k_epochs_and_the_last():
    lines = []
    X, y = line_data()
    train_per_sample(
        LinearModel(seed=0),
        X,
        y,
        lr=0.01,
        num_epochs=45,
        log_every=20,
        print_fn=lines.append,
    )
    assert [int(ln.split()[1]) for ln in lines] == [0, 20, 40, 44]
    assert "weight grad" in lines[0]


def test_networks_train_and_record_only_the_loss():
    X = np.linspace(-1, 1, 9)
    net = mlp((1, 8, 1), "tanh", seed=0)
    before = mean_squared_error(net, X, X**2)
    history = train_per_sample(net, X, X**2, lr=0.05, momentum=0.5, num_epochs=200)
    assert history.loss[-1] < before / 3
    assert history.weight == [] and history.weight_grad == []
    assert predict(net, X).shape == (9,)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"lr": 0}, "lr"),
        ({"lr": float("nan")}, "lr"),
        ({"num_epochs": 0}, "num_epochs"),
        ({"momentum": -0.1}, "momentum"),
        ({"log_every": -1}, "log_every"),
    ],
)
def test_bad_arguments_fail_at_once(kwargs, name):
    args = {"lr": 0.01, "num_epochs": 1} | kwargs
    with pytest.raises(ValueError, match=f"^{name} "):
        train_per_sample(LinearModel(), [1.0], [3.0], **args)


def test_bad_data_fails_at_once():
    with pytest.raises(ValueError, match="same length"):
        train_per_sample(LinearModel(), [1.0, 2.0], [3.0], lr=0.1, num_epochs=1)
    with pytest.raises(ValueError, match="X must not be empty"):
        train_per_sample(LinearModel(), [], [], lr=0.1, num_epochs=1)
