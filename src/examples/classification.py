"""Classification: two half-moons, logistic regression, cross-entropy, many seeds.

A classifier outputs a *logit* ``z``, any real number; the sigmoid turns it into the
probability ``p = 1 / (1 + exp(-z))`` that the point belongs to class 1, and the
model predicts class 1 where ``z > 0``. Logistic regression is one linear unit
(:func:`examples.models.mlp` with ``sizes=(2, 1)``); a small network adds a hidden
layer. Training is full-batch gradient descent on the cross-entropy, one step per
epoch on the mean loss over the training set.

:func:`train_many` trains many copies of one architecture side by side, one copy
per seed, with the book's ensemble trainer (:class:`examples.ensemble.EnsembleTrainer`
with two inputs and the cross-entropy); copy ``k`` is :func:`train_classifier` on
``mlp(sizes, activation, seed=k)``, up to float32 rounding.

Shown in chapter 10 (``10-classification``, figures ``fig-classification-loss``,
``fig-logistic-boundary``, ``fig-logit-gradients``, ``fig-moons-data``,
``fig-network-boundary``, ``fig-seed-spread``, ``fig-two-units``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib import ticker
from matplotlib.axes import Axes
from torch import nn

from examples import _validate
from examples.ensemble import EnsembleHistory, EnsembleTrainer
from examples.models import activation as activation_module
from examples.models import mlp
from examples.plotting import PALETTE

__all__ = [
    "ClassifierHistory",
    "ManyRuns",
    "Split",
    "accuracy",
    "check_points",
    "cross_entropy",
    "evaluate",
    "fit",
    "fit_many",
    "logit_gradients",
    "plot_decision_boundary",
    "plot_accuracy_spread",
    "plot_logit_gradients",
    "plot_loss_histories",
    "phone_text",
    "plot_moons",
    "scores",
    "split_data",
    "train_classifier",
    "train_many",
    "two_moons",
]


# --------------------------------------------------------------------------- data


def two_moons(
    n: int = 500, noise: float = 0.2, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points on two interleaved half-circles, with Gaussian noise.

    Returns ``X`` of shape ``(n, 2)`` and labels ``y`` of shape ``(n,)``,
    0.0 for the upper moon and 1.0 for the lower one, in a random order.

    >>> X, y = two_moons(n=4, seed=0)
    >>> X.shape, y.tolist()
    ((4, 2), [1.0, 0.0, 1.0, 0.0])
    """
    _check_moons_args(n, noise, seed)
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2  # alternate classes: n // 2 or n // 2 + 1 of each
    angle = rng.uniform(0.0, np.pi, size=n)
    upper = np.column_stack([np.cos(angle), np.sin(angle)])
    lower = np.column_stack([1 - np.cos(angle), 0.5 - np.sin(angle)])
    X = np.where(y[:, None] == 0, upper, lower)
    X = X + rng.normal(0.0, noise, size=(n, 2))
    order = rng.permutation(n)
    return X[order], y[order].astype(np.float64)


def _check_moons_args(n: int, noise: float, seed: int) -> None:
    if _validate.positive_int("n", n) < 2:
        raise ValueError(f"n must be at least 2 (one point per class), got {n}")
    _validate.non_negative_number("noise", noise)
    _validate.non_negative_int("seed", seed)


@dataclass(frozen=True)
class Split:
    """A data set cut into training, validation and test sets, each ``(X, y)``."""

    train: tuple[np.ndarray, np.ndarray]
    val: tuple[np.ndarray, np.ndarray]
    test: tuple[np.ndarray, np.ndarray]

    def sizes(self) -> tuple[int, int, int]:
        """How many points each of the three sets holds."""
        return len(self.train[1]), len(self.val[1]), len(self.test[1])


def split_data(
    X: np.ndarray, y: np.ndarray, val: float = 0.2, test: float = 0.2, seed: int = 0
) -> Split:
    """Shuffle ``(X, y)`` and cut it into training, validation and test sets.

    ``val`` and ``test`` are the fractions held out (rounded to whole points).

    >>> split_data(*two_moons(n=10), val=0.2, test=0.3).sizes()
    (5, 2, 3)
    """
    X_arr, y_arr = check_points(X, y)
    for name, frac in (("val", val), ("test", test)):
        if _validate.positive_number(name, frac) >= 1:
            raise ValueError(f"{name} must be a fraction below 1, got {frac!r}")
    n = len(y_arr)
    n_val, n_test = round(val * n), round(test * n)
    if min(n_val, n_test) < 1 or n_val + n_test >= n:
        raise ValueError(
            f"val={val} and test={test} of {n} points must leave at least one "
            "point in each of the three sets"
        )
    order = np.random.default_rng(_validate.non_negative_int("seed", seed))
    idx = order.permutation(n)
    parts = np.split(idx, [n - n_val - n_test, n - n_test])
    return Split(*[(X_arr[p], y_arr[p]) for p in parts])


def check_points(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Check a classification data set: ``X`` finite, shape ``(n, d)``, ``y`` in {0, 1}.

    Returns float64 copies.

    >>> check_points([[0.0, 1.0]], [2])
    Traceback (most recent call last):
    ...
    ValueError: y must hold only the labels 0 and 1, got 2.0
    """
    try:
        X_arr = np.array(X, dtype=np.float64)
        y_arr = np.array(y, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise ValueError(f"X and y must be arrays of numbers: {err}") from None
    if X_arr.ndim != 2 or X_arr.shape[0] == 0:
        raise ValueError(f"X must have shape (n, features), got {X_arr.shape}")
    if not np.all(np.isfinite(X_arr)):
        raise ValueError("X must hold only finite numbers")
    if y_arr.shape != (X_arr.shape[0],):
        raise ValueError(
            f"y must have shape ({X_arr.shape[0]},), one label per row of X, "
            f"got {y_arr.shape}"
        )
    bad = y_arr[(y_arr != 0) & (y_arr != 1)]
    if bad.size:
        raise ValueError(f"y must hold only the labels 0 and 1, got {bad[0]}")
    return X_arr, y_arr


def _tensors(X: np.ndarray, y: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
    X_arr, y_arr = check_points(X, y)
    return torch.tensor(X_arr, dtype=torch.float32), torch.tensor(
        y_arr, dtype=torch.float32
    )


# --------------------------------------------------------------------------- loss


def cross_entropy(logit: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The mean cross-entropy of ``logit`` against labels ``y`` (0 or 1).

    With ``p = sigmoid(logit)`` it is the mean of ``-log p`` where
    ``y = 1`` and ``-log(1 - p)`` where ``y = 0``. Both are written with
    ``softplus(z) = log(1 + exp(z))``, which never rounds ``p`` to 0 or 1.

    >>> cross_entropy(torch.tensor([0.0]), torch.tensor([1.0]))  # log 2
    tensor(0.6931)
    """
    _check_logits(logit, y)
    # -log p = softplus(-z) = softplus(z) - z;  -log(1 - p) = softplus(z)
    return (nn.functional.softplus(logit) - y * logit).mean()


def _check_logits(logit: torch.Tensor, y: torch.Tensor) -> None:
    for name, t in (("logit", logit), ("y", y)):
        if not isinstance(t, torch.Tensor):
            raise TypeError(f"{name} must be a torch.Tensor, got {type(t).__name__}")
    if logit.shape != y.shape:
        raise ValueError(
            f"logit and y must have the same shape, got {tuple(logit.shape)} "
            f"and {tuple(y.shape)}"
        )


def logit_gradients(
    logit: Sequence[float] | np.ndarray, y: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """The derivative with respect to the logit of each loss, for one sample.

    Returns ``(squared, cross)``: the gradients of ``(sigmoid(z) - y)**2`` and of
    the cross-entropy at each ``z`` in ``logit``, computed by autograd in float64.

    >>> sq, ce = logit_gradients([0.0], y=1.0)
    >>> float(sq[0]), float(ce[0])
    (-0.25, -0.5)
    """
    z_arr = _validate.finite_vector("logit", logit)
    if y not in (0, 1) or isinstance(y, bool):
        raise ValueError(f"y must be the label 0 or 1, got {y!r}")
    grads = []
    for loss_of in (_squared_of_logit, _cross_of_logit):
        z = torch.tensor(z_arr, requires_grad=True)
        loss_of(z, torch.full_like(z, float(y))).sum().backward()
        grads.append(z.grad.numpy().copy())
    return grads[0], grads[1]


def _squared_of_logit(z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return (torch.sigmoid(z) - y) ** 2


def _cross_of_logit(z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return nn.functional.softplus(z) - y * z


# ----------------------------------------------------------------------- training


@dataclass
class ClassifierHistory:
    """Per epoch of :func:`train_classifier`: mean loss and accuracy on two sets.

    Each list holds the value *before* that epoch's step, for the training set
    (``train_*``) and the validation set (``val_*``).
    """

    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    train_acc: list[float] = field(default_factory=list)
    val_acc: list[float] = field(default_factory=list)


def train_classifier(
    model: nn.Module,
    split: Split,
    *,
    lr: float = 0.5,
    momentum: float = 0.9,
    num_epochs: int = 200,
) -> ClassifierHistory:
    """Train ``model`` in place with full-batch gradient descent on the
    cross-entropy of ``split.train``; record both losses and accuracies per epoch.
    """
    _check_training_args(model, split, lr, momentum, num_epochs)
    return fit(model, split, lr, momentum, num_epochs)


def _check_training_args(model, split, lr, momentum, num_epochs) -> None:
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if not isinstance(split, Split):
        raise TypeError(f"split must be a Split, got {type(split).__name__}")
    _validate.positive_number("lr", lr)
    _validate.non_negative_number("momentum", momentum)
    _validate.positive_int("num_epochs", num_epochs)


def fit(model, split, lr, momentum, num_epochs) -> ClassifierHistory:
    """One step per epoch, on the mean loss over all training points."""
    X, y = _tensors(*split.train)
    X_val, y_val = _tensors(*split.val)
    params = model.parameters()
    optimizer = torch.optim.SGD(params, lr=lr, momentum=momentum)
    history = ClassifierHistory()
    for _ in range(num_epochs):
        with torch.no_grad():  # the validation set is only measured
            val_logit = model(X_val).squeeze(1)
        history.val_loss.append(cross_entropy(val_logit, y_val).item())
        history.val_acc.append(accuracy(val_logit, y_val))
        optimizer.zero_grad()
        logit = model(X).squeeze(1)  # one logit per point, shape (n,)
        loss = cross_entropy(logit, y)
        loss.backward()
        optimizer.step()
        history.train_loss.append(loss.item())
        history.train_acc.append(accuracy(logit.detach(), y))
    return history


def evaluate(model: nn.Module, X: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """``(mean cross-entropy, accuracy)`` of ``model`` on ``(X, y)``."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    X_t, y_t = _tensors(X, y)
    with torch.no_grad():
        logit = model(X_t).squeeze(1)
        return cross_entropy(logit, y_t).item(), accuracy(logit, y_t)


def scores(model: nn.Module, split: Split) -> dict[str, tuple[float, float]]:
    """``{"train": (loss, accuracy), "val": ..., "test": ...}`` of ``model``."""
    if not isinstance(split, Split):
        raise TypeError(f"split must be a Split, got {type(split).__name__}")
    return {name: evaluate(model, *getattr(split, name)) for name in _SETS}


_SETS = ("train", "val", "test")


def accuracy(logit: torch.Tensor, y: torch.Tensor) -> float:
    """The fraction of points whose predicted class (``logit > 0``) is ``y``.

    >>> accuracy(torch.tensor([2.0, -1.0, 0.5]), torch.tensor([1.0, 0.0, 0.0]))
    0.6666666865348816
    """
    _check_logits(logit, y)
    return ((logit > 0) == (y == 1)).float().mean().item()


# ------------------------------------------------------------ many seeds at once


@dataclass
class ManyRuns:
    """Final loss and accuracy of every copy trained by :func:`train_many`.

    Each array has one entry per seed, in the order of ``seeds``; ``loss[s]`` and
    ``acc[s]`` are dicts of such arrays keyed by ``"train"``, ``"val"`` and
    ``"test"``. ``params`` holds the stacked final parameters, layer by layer:
    weights ``(seeds, out, in)`` and biases ``(seeds, out)``.
    """

    seeds: np.ndarray
    sizes: tuple[int, ...]
    activation: str
    loss: dict[str, np.ndarray]
    acc: dict[str, np.ndarray]
    params: list[torch.Tensor] = field(default_factory=list, repr=False)

    def model(self, k: int) -> nn.Sequential:
        """Copy ``k`` as the ``mlp`` it stands for, with its trained parameters."""
        k = _validate.non_negative_int("k", k)
        if k >= len(self.seeds):
            raise ValueError(f"k must be < {len(self.seeds)} (the copies), got {k}")
        model = mlp(self.sizes, self.activation, seed=int(self.seeds[k]))
        layers = [m for m in model if isinstance(m, nn.Linear)]
        with torch.no_grad():
            for i, layer in enumerate(layers):
                layer.weight.copy_(self.params[2 * i][k])
                layer.bias.copy_(self.params[2 * i + 1][k])
        return model


def train_many(
    split: Split,
    sizes: Sequence[int] = (2, 8, 1),
    activation: str = "tanh",
    seeds: Sequence[int] = range(1000),
    *,
    lr: float = 0.5,
    momentum: float = 0.9,
    num_epochs: int = 200,
) -> ManyRuns:
    """Train ``mlp(sizes, activation, seed=k)`` for every ``k`` in ``seeds`` at
    once, each exactly as :func:`train_classifier` would; return the outcomes."""
    if not isinstance(split, Split):
        raise TypeError(f"split must be a Split, got {type(split).__name__}")
    seeds = _check_seeds(seeds)
    activation_module(activation)  # also checks the name
    mlp(sizes, activation, seed=0)  # checks sizes
    if sizes[0] != split.train[0].shape[1] or sizes[-1] != 1:
        raise ValueError(
            f"sizes must start with the {split.train[0].shape[1]} input features "
            f"and end with 1 output, got {tuple(sizes)}"
        )
    _check_training_args(nn.Identity(), split, lr, momentum, num_epochs)
    history = fit_many(split, sizes, activation, seeds, lr, momentum, num_epochs)
    loss, acc = {}, {}
    for name in ("train", "val", "test"):
        X, y = _tensors(*getattr(split, name))
        logit = torch.from_numpy(history.predict(getattr(split, name)[0])).float()
        loss[name] = _per_copy_cross_entropy(logit, y).numpy()
        acc[name] = ((logit > 0) == (y == 1)).double().mean(dim=1).numpy()
    params = []
    for weight, bias in zip(history.weights, history.biases, strict=True):
        params += [torch.from_numpy(weight), torch.from_numpy(bias)]
    return ManyRuns(seeds, tuple(sizes), activation, loss, acc, params)


def _check_seeds(seeds: Sequence[int]) -> np.ndarray:
    seeds = list(seeds)
    if not seeds:
        raise ValueError("seeds must not be empty")
    for s in seeds:
        _validate.non_negative_int("seeds", s)
    return np.array(seeds, dtype=np.int64)


def fit_many(
    split, sizes, activation, seeds, lr, momentum, num_epochs
) -> EnsembleHistory:
    """Full-batch gradient descent on every copy at once."""
    X, y = check_points(*split.train)
    trainer = EnsembleTrainer(
        X, y, sizes=sizes, activations=activation, seeds=seeds, lr=lr,
        momentum=momentum,
        batch_size=len(y),  # one step per epoch, on all the points
        loss="cross_entropy",  # of the logit, against the labels 0, 1
    )  # fmt: skip
    trainer.train(num_epochs)
    return trainer.history()  # every copy's losses and parameters


def _per_copy_cross_entropy(logit: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return (nn.functional.softplus(logit) - y * logit).mean(dim=1)


# ----------------------------------------------------------------------- figures


#: The size, in points, of every text in this chapter's figures. A figure 6 inches
#: wide (600 pixels) shrinks to about 342 CSS pixels on a 390-pixel phone, so
#: 12-point text stays above 9 CSS pixels there.
FONT_SIZE = 12


def _axes(ax: Axes | None) -> Axes:
    return ax if ax is not None else plt.gca()


def phone_text(ax: Axes) -> Axes:
    """Set every text of ``ax`` (ticks, labels, legend) to :data:`FONT_SIZE`."""
    ax.tick_params(which="both", labelsize=FONT_SIZE)
    ax.xaxis.label.set_size(FONT_SIZE)
    ax.yaxis.label.set_size(FONT_SIZE)
    legend = ax.get_legend()
    if legend is not None:
        for text in legend.get_texts():
            text.set_fontsize(FONT_SIZE)
    return ax


def plot_moons(X: np.ndarray, y: np.ndarray, ax: Axes | None = None) -> Axes:
    """Scatter the points, class 0 as blue circles and class 1 as orange crosses."""
    X_arr, y_arr = check_points(X, y)
    if X_arr.shape[1] != 2:
        raise ValueError(f"X must have two columns to plot, got {X_arr.shape[1]}")
    ax = _axes(ax)
    for label, marker, colour in ((0, "o", PALETTE[0]), (1, "x", PALETTE[1])):
        pts = X_arr[y_arr == label]
        ax.scatter(
            pts[:, 0],
            pts[:, 1],
            s=14,
            marker=marker,
            color=colour,
            label=f"class {label}",
            linewidths=1.2,
            zorder=3,
        )
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_aspect("equal")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)
    return phone_text(ax)


def plot_decision_boundary(
    model: nn.Module, X: np.ndarray, y: np.ndarray, ax: Axes | None = None
) -> Axes:
    """The model's probability of class 1 as shading, its decision boundary
    (probability 0.5, logit 0) as a black line, and the points on top."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    X_arr, y_arr = check_points(X, y)
    ax = _axes(ax)
    x1, x2 = np.meshgrid(np.linspace(-1.6, 2.6, 211), np.linspace(-1.2, 1.7, 146))
    grid = torch.tensor(np.column_stack([x1.ravel(), x2.ravel()]), dtype=torch.float32)
    with torch.no_grad():
        p = torch.sigmoid(model(grid)).reshape(x1.shape).numpy()
    ax.contourf(x1, x2, p, levels=np.linspace(0, 1, 11), cmap="PuOr_r", alpha=0.35)
    ax.contour(x1, x2, p, levels=[0.5], colors="black", linewidths=1.5)
    plot_moons(X_arr, y_arr, ax=ax)
    ax.grid(False)
    return phone_text(ax)


def plot_loss_histories(
    histories: dict[str, ClassifierHistory], ax: Axes | None = None
) -> Axes:
    """The training (solid) and validation (dashed) loss per epoch of each run."""
    for label, history in histories.items():
        if not isinstance(history, ClassifierHistory):
            raise TypeError(f"histories[{label!r}] must be a ClassifierHistory")
    ax = _axes(ax)
    for i, (label, history) in enumerate(histories.items()):
        colour = PALETTE[i % len(PALETTE)]
        ax.plot(history.train_loss, color=colour, label=f"{label}, training")
        ax.plot(
            history.val_loss, color=colour, linestyle="--", label=f"{label}, validation"
        )
    ax.set(yscale="log", xlabel="epoch", ylabel="cross-entropy")
    low, high = ax.get_ylim()
    ax.set_yticks([v for v in (0.02, 0.05, 0.1, 0.2, 0.5, 1.0) if low <= v <= high])
    ax.yaxis.set_major_formatter(ticker.FormatStrFormatter("%g"))
    ax.yaxis.set_minor_formatter(ticker.NullFormatter())
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)
    return phone_text(ax)


def plot_logit_gradients(
    logit: Sequence[float] | np.ndarray, ax: Axes | None = None
) -> Axes:
    """How hard each loss pushes the logit of a point of class 1, against the logit."""
    z = _validate.finite_vector("logit", logit)
    squared, cross = logit_gradients(z, y=1.0)
    ax = _axes(ax)
    ax.plot(z, -cross, color=PALETTE[0], label="cross-entropy")
    ax.plot(
        z,
        -squared,
        color=PALETTE[1],
        linestyle="--",
        label="squared error of the probability",
    )
    ax.set_xlabel("logit z of a point of class 1")
    ax.set_ylabel("push towards class 1")
    ax.legend()
    return phone_text(ax)


def plot_accuracy_spread(
    runs: dict[str, ManyRuns], ax: Axes | None = None, which: str = "test"
) -> Axes:
    """For each named set of runs, the fraction of seeds reaching each accuracy."""
    if which not in ("train", "val", "test"):
        raise ValueError(f"which must be 'train', 'val' or 'test', got {which!r}")
    ax = _axes(ax)
    styles = ["-", "--", "-.", ":"]
    for i, (label, run) in enumerate(runs.items()):
        acc = np.sort(run.acc[which])
        share = 1.0 - np.arange(len(acc)) / len(acc)  # seeds with acc >= this
        ax.step(
            acc, share, where="post", label=label, linestyle=styles[i % len(styles)]
        )
    ax.set_xlabel(f"{'validation' if which == 'val' else which} accuracy")
    ax.set_ylabel("share of seeds reaching it")
    ax.legend()
    return phone_text(ax)
