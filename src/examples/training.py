"""The training loop the book teaches: one sample at a time, SGD with momentum.

Each step is the five lines every PyTorch training loop has: clear the old
gradients, run the model forward, measure the loss, propagate it backwards, and let
the optimiser move the parameters.

Shown in chapter 2 (``02-pytorch-linear``); chapter 3 (``03-linear-regression``);
chapter 4 (``04-parabola-network``, figures ``fig-overfitting``,
``fig-parabola-failure``); chapter 5 (``05-backpropagation``); chapter 7
(``07-deeper-networks``, figure ``fig-noisy-target``); chapter 8
(``08-activation-functions``); chapter 9 (``09-training-with-activations``, figure
``fig-dead-units``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from examples import _validate

#: A data vector: a list of numbers or a 1-D array.
Data = Sequence[float] | np.ndarray

#: A loss function of a prediction and a target.
LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


class TrainingDivergedError(RuntimeError):
    """The loss became NaN or infinite: the learning rate is too large for the data.

    ``epoch`` is the epoch (counted from 0) whose loss stopped being finite, or
    ``None`` when the caller does not count epochs; the message names it too.
    """

    def __init__(self, message: str, epoch: int | None = None) -> None:
        super().__init__(message)
        self.epoch = epoch

    def __reduce__(self):
        return type(self), (str(self), self.epoch)


@dataclass
class History:
    """What happened in each epoch of :func:`train_per_sample`.

    ``loss[e]`` is the mean of the per-sample losses seen during epoch ``e``. For a
    model with a single ``nn.Linear(1, 1)`` layer (such as
    :class:`examples.models.LinearModel`), ``weight[e]`` and ``bias[e]`` are the
    parameters at the end of epoch ``e`` and ``weight_grad[e]`` is the mean over the
    epoch of the loss's derivative with respect to the weight, the number the
    optimiser acts on. For other models these three lists stay empty.
    """

    loss: list[float] = field(default_factory=list)
    weight: list[float] = field(default_factory=list)
    bias: list[float] = field(default_factory=list)
    weight_grad: list[float] = field(default_factory=list)

    @property
    def num_epochs(self) -> int:
        """How many epochs were recorded."""
        return len(self.loss)


def squared_error(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The loss of one prediction: ``(y_hat - y)**2``, summed to a scalar.

    >>> squared_error(torch.tensor([2.5]), torch.tensor([3.0]))
    tensor(0.2500)
    """
    return ((y_hat - y) ** 2).sum()


def as_tensors(X: Data, y: Data) -> tuple[torch.Tensor, torch.Tensor]:
    """Check a data set; return float32 column tensors of shape (n, 1).

    PyTorch layers hold float32 parameters; numpy's default is float64.
    Converting once, here, keeps the two from meeting inside a layer.

    >>> X_t, y_t = as_tensors([1, 2], [3, 6])
    >>> X_t.dtype, tuple(X_t.shape)
    (torch.float32, (2, 1))
    """
    X_arr, y_arr = _validate.data_pair(X, y, float32=True)
    return _column(X_arr), _column(y_arr)


def _column(a: np.ndarray) -> torch.Tensor:
    """``a`` as a float32 column tensor of shape (n, 1)."""
    return torch.tensor(a, dtype=torch.float32).reshape(-1, 1)


def _single_linear(model: nn.Module) -> nn.Linear | None:
    """The model's only layer if it is one ``nn.Linear(1, 1)``, else ``None``."""
    layers = [m for m in model.modules() if isinstance(m, nn.Linear)]
    if len(layers) == 1 and layers[0].in_features == 1 and layers[0].out_features == 1:
        return layers[0]
    return None


def train_per_sample(
    model: nn.Module,
    X: Data,
    y: Data,
    *,
    lr: float,
    num_epochs: int,
    momentum: float = 0.0,
    log_every: int = 0,
    loss_fn: LossFn = squared_error,
    print_fn: Callable[[str], object] = print,
) -> History:
    """Train ``model`` in place on ``(X, y)``, one sample at a time."""
    X_t, y_t = _checked(model, X, y, lr, momentum, num_epochs, log_every)
    optimizer = torch.optim.SGD(model.parameters(), lr, momentum=momentum)
    record = _Recorder(model, lr, log_every, print_fn)
    for _ in record.epochs(num_epochs):  # records each epoch as it ends
        for x_i, y_i in zip(X_t, y_t, strict=True):
            optimizer.zero_grad()  # 1. forget the last sample's gradients
            y_hat = model(x_i)  # 2. forward pass: the model's prediction
            loss = loss_fn(y_hat, y_i)  # 3. how wrong the prediction is
            loss.backward()  # 4. d(loss)/d(parameter) for every parameter
            optimizer.step()  # 5. move each parameter against its gradient
            record.sample(loss)
    return record.history


def _checked(model, X, y, lr, momentum, num_epochs, log_every):
    """Check :func:`train_per_sample`'s arguments; return the data as tensors.

    Uses ``torch.optim.SGD(lr=lr, momentum=momentum)`` and returns the
    :class:`History`. With ``log_every=k > 0`` it prints a line for every k-th epoch
    and for the last one. Raises :class:`TrainingDivergedError` naming the epoch if
    the loss stops being finite.

    >>> from examples.models import LinearModel
    >>> model = LinearModel(seed=0)
    >>> history = train_per_sample(model, [1.0, 2.0], [3.0, 6.0], lr=0.05, num_epochs=600)
    >>> round(model.weight, 2), round(model.bias, 2)
    (3.0, 0.0)
    >>> history.loss[-1] < 1e-6
    True
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    X_t, y_t = as_tensors(X, y)
    _validate.positive_number("lr", lr)
    _validate.non_negative_number("momentum", momentum)
    _validate.iteration_count("num_epochs", num_epochs)
    if isinstance(log_every, bool) or not isinstance(log_every, int) or log_every < 0:
        raise ValueError(f"log_every must be an integer >= 0, got {log_every!r}")
    return X_t, y_t


class _Recorder:
    """The bookkeeping of :func:`train_per_sample`: sums over an epoch's samples,
    then, as each epoch ends, its :class:`History` entry, the divergence check and
    the log line."""

    def __init__(self, model, lr, log_every, print_fn):
        self.linear = _single_linear(model)
        self.lr, self.log_every, self.print_fn = lr, log_every, print_fn
        self.history = History()

    def sample(self, loss: torch.Tensor) -> None:
        """Add one sample's loss (and weight gradient) to the epoch's sums."""
        self.total_loss += loss.detach()
        self.n += 1
        if self.linear is not None:
            self.total_grad += self.linear.weight.grad.detach().reshape(())

    def epochs(self, num_epochs: int) -> Iterator[int]:
        """Yield each epoch number; record the epoch when the caller comes back."""
        for epoch in range(num_epochs):
            self.total_loss = torch.zeros(())
            self.total_grad = torch.zeros(())
            self.n = 0
            yield epoch
            self._end_epoch(epoch, num_epochs)

    def _end_epoch(self, epoch: int, num_epochs: int) -> None:
        history, linear, n = self.history, self.linear, self.n
        mean_loss = float(self.total_loss) / n
        if not math.isfinite(mean_loss):
            raise TrainingDivergedError(
                f"training diverged at epoch {epoch}: the mean loss is {mean_loss}; "
                f"try a smaller lr than {self.lr:g}",
                epoch=epoch,
            )
        history.loss.append(mean_loss)
        if linear is not None:
            history.weight.append(float(linear.weight.item()))
            history.bias.append(
                0.0 if linear.bias is None else float(linear.bias.item())
            )
            history.weight_grad.append(float(self.total_grad) / n)
        last = epoch == num_epochs - 1
        if self.log_every and (epoch % self.log_every == 0 or last):
            self.print_fn(log_line(history, epoch))


def log_line(history: History, epoch: int) -> str:
    """The log line of one epoch: mean loss, and weight, bias and gradient if known.

    >>> log_line(History([0.5], [2.9], [0.1], [-0.25]), 0)
    'epoch   0  mean loss 0.5        weight 2.900  bias 0.100  weight grad -0.250'
    """
    line = f"epoch {epoch:3d}  mean loss {history.loss[epoch]:<9.3g}"
    if history.weight:
        line += (
            f"  weight {history.weight[epoch]:.3f}  bias {history.bias[epoch]:.3f}"
            f"  weight grad {history.weight_grad[epoch]:.3f}"
        )
    return line


def predict(model: nn.Module, X: Sequence[float] | np.ndarray) -> np.ndarray:
    """The model's predictions at each ``x`` in ``X`` as a float64 array.

    >>> from examples.models import LinearModel
    >>> predict(LinearModel(bias=False, seed=0), [0.0]).tolist()
    [0.0]
    """
    X_arr = _validate.finite_vector("X", X, float32=True)
    with torch.no_grad():
        out = model(torch.tensor(X_arr, dtype=torch.float32).reshape(-1, 1))
    return out.reshape(-1).double().numpy()


def mean_squared_error(
    model: nn.Module, X: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray
) -> float:
    """The mean of ``(model(x) - y)**2`` over the data set, without training."""
    X_arr, y_arr = _validate.data_pair(X, y)
    return float(np.mean((predict(model, X_arr) - y_arr) ** 2))
