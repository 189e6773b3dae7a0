"""Many seeds at the cost of one: K copies of a small network trained side by side.

:func:`examples.training.train_per_sample` spends most of each step on PyTorch's
bookkeeping, not on arithmetic: a 1-2-1 network has seven numbers to update. Stacking
K independent copies of the network along a new first dimension turns K small steps
into one step on K-times-larger tensors, which costs about the same. Copy ``k``
starts from exactly ``mlp(sizes, activations, seed=seeds[k])`` and takes the steps
``train_per_sample`` takes (per-sample SGD with PyTorch's momentum, samples in
order), computed with other kernels: see the last paragraph for what that means.

The forward and backward passes are written out by hand (batched matrix products and
the activations' own backward kernels), so each step is a fixed, short list of tensor
operations writing into preallocated buffers:

- copy ``k``'s layer has weight ``(out, in)`` and bias ``(out, 1)``; stacked, they are
  ``(K, out, in)`` and ``(K, out, 1)``, and one :func:`torch.baddbmm` gives
  ``bias + weight @ a`` for every copy;
- every parameter, gradient and momentum buffer of every copy is a view into one of
  three flat tensors, so the optimiser's step is three operations in all, the ones
  :class:`torch.optim.SGD` performs on each parameter:
  ``buf.mul_(momentum).add_(grad)`` and ``param.add_(buf, alpha=-lr)``.

Each step differs from ``train_per_sample``'s only in the last bits: wider layers sum
their products in another order, and with many copies PyTorch's vectorised kernels
(for instance the sigmoid's) round some results differently from its scalar ones.
(With a few copies of the 1-2-1 network, nothing differs at all.) Over a long run
such differences can grow until a copy and ``train_per_sample`` end in different
places; each copy is still a valid run from the same start, so rates over many
seeds agree (``tests/test_ensemble.py`` checks it over 200 seeds).

Mini-batches (``batch_size``), shuffling (``shuffle_seed``, the order a seeded
``DataLoader`` draws) and Adam (``optimizer="adam"``) take the steps of the
one-model loop :func:`examples.mini_batches.fit_in_batches` from the same start.

Classification (``loss="cross_entropy"``): the output is a logit ``z``, the loss
of a sample with label ``y`` (0 or 1) is ``nn.BCEWithLogitsLoss``'s,
``log(1 + exp(z)) - y * z`` (the cross-entropy of ``sigmoid(z)``), and its
gradient ``sigmoid(z) - y``. Inputs with more than one feature (``X`` of shape
``(n, d)`` and ``sizes[0] = d``) go with it; both take the mini-batch path.

Shown in chapter 4 (``04-parabola-network``); chapter 6 (``06-mini-batches``); chapter 7
(``07-deeper-networks``); chapter 8 (``08-activation-functions``); chapter 9
(``09-training-with-activations``).
"""

from __future__ import annotations

import contextlib
import functools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from examples import _validate
from examples.models import _check_mlp, activation, mlp

__all__ = ["EnsembleHistory", "EnsembleTrainer", "train_ensemble"]


@dataclass
class EnsembleHistory:
    """What happened to each of the K copies trained by :func:`train_ensemble`.

    ``loss[e, k]`` is copy ``k``'s mean per-sample loss in epoch ``e`` (NaN from the
    epoch it diverged on), ``diverged_at[k]`` the first epoch whose loss was not
    finite (-1 if none). ``weights[l]`` and ``biases[l]`` hold layer ``l``'s final
    parameters of every copy, shapes ``(K, out, in)`` and ``(K, out)``; a copy that
    diverged keeps the parameters it had at the end of the epoch it diverged on, the
    state ``train_per_sample`` leaves a model in when it raises.
    """

    seeds: np.ndarray
    loss: np.ndarray
    diverged_at: np.ndarray
    sizes: tuple[int, ...]
    activations: tuple[str, ...]
    weights: tuple[np.ndarray, ...] = field(default=(), repr=False)
    biases: tuple[np.ndarray, ...] = field(default=(), repr=False)

    @property
    def num_epochs(self) -> int:
        """How many epochs were trained."""
        return self.loss.shape[0]

    @property
    def final_loss(self) -> np.ndarray:
        """Each copy's mean loss in the last epoch (NaN if it diverged), shape (K,)."""
        return self.loss[-1]

    def model(self, k: int) -> nn.Sequential:
        """Copy ``k`` as the :func:`examples.models.mlp` it stands for, trained."""
        k = _validate.non_negative_int("k", k)
        if k >= len(self.seeds):
            raise ValueError(f"k must be < {len(self.seeds)} (the copies), got {k}")
        model = mlp(self.sizes, list(self.activations), seed=int(self.seeds[k]))
        linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
        with torch.no_grad():
            for layer, weight, bias in zip(
                linears, self.weights, self.biases, strict=True
            ):
                layer.weight.copy_(torch.from_numpy(weight[k]))
                layer.bias.copy_(torch.from_numpy(bias[k]))
        return model

    def predict(self, X: Sequence[float] | np.ndarray) -> np.ndarray:
        """The predictions of every copy at each ``x`` in ``X``, shape (K, len(X)).

        ``X`` is ``(n,)``, or ``(n, d)`` for a network of ``d > 1`` inputs; with
        the cross-entropy, the predictions are logits. Computed in float32 as the
        models would, returned as float64.
        """
        X_arr = _check_inputs(X, self.sizes[0])
        X_t = torch.tensor(X_arr, dtype=torch.float32)
        X_t = X_t.view(1, -1) if X_t.dim() == 1 else X_t.T
        a = X_t.expand(len(self.seeds), -1, -1)
        last = len(self.weights) - 1
        for layer, (weight, bias) in enumerate(
            zip(self.weights, self.biases, strict=True)
        ):
            z = torch.baddbmm(
                torch.from_numpy(bias)[:, :, None], torch.from_numpy(weight), a
            )
            a = z if layer == last else activation(self.activations[layer])(z)
        return a[:, 0, :].double().numpy()


class _Activation:
    """An activation's forward and backward kernels, writing into given tensors.

    The backward kernels are the ones PyTorch's autograd runs for the same module,
    so the gradients round the same way.
    """

    def __init__(self, name: str) -> None:
        module = activation(name)
        aten = torch.ops.aten
        self.name = name
        if isinstance(module, nn.Identity):
            self.forward = lambda z, out: out.copy_(z)
            self.backward = lambda grad, z, a, out: out.copy_(grad)
        elif isinstance(module, nn.Sigmoid):
            self.forward = lambda z, out: torch.sigmoid(z, out=out)
            self.backward = lambda grad, z, a, out: aten.sigmoid_backward.grad_input(
                grad, a, grad_input=out
            )
        elif isinstance(module, nn.Tanh):
            self.forward = lambda z, out: torch.tanh(z, out=out)
            self.backward = lambda grad, z, a, out: aten.tanh_backward.grad_input(
                grad, a, grad_input=out
            )
        elif isinstance(module, nn.ReLU):
            self.forward = lambda z, out: aten.relu.out(z, out=out)
            self.backward = lambda grad, z, a, out: aten.threshold_backward.grad_input(
                grad, a, 0, grad_input=out
            )
        elif isinstance(module, nn.LeakyReLU):
            slope = module.negative_slope
            self.forward = lambda z, out: aten.leaky_relu.out(z, slope, out=out)
            self.backward = lambda grad, z, a, out: aten.leaky_relu_backward.grad_input(
                grad, z, slope, False, grad_input=out
            )
        elif isinstance(module, nn.GELU):
            approximate = module.approximate
            # out must be contiguous: gelu.out leaves a strided ``out`` untouched
            # (torch 2.13, CPU); the buffers here are contiguous.
            self.forward = lambda z, out: aten.gelu.out(
                z, approximate=approximate, out=out
            )
            self.backward = lambda grad, z, a, out: aten.gelu_backward.grad_input(
                grad, z, approximate=approximate, grad_input=out
            )
        else:  # pragma: no cover - a new entry in ACTIVATIONS needs a case here
            raise ValueError(f"activations: no batched kernel for {name!r} yet")


@contextlib.contextmanager
def _one_thread() -> Iterator[None]:
    """Run PyTorch's CPU kernels on one thread inside, restoring the count after.

    Each step's tensors are small (K times a few numbers), and splitting them over
    threads costs more in synchronisation than it saves, ten times more on a busy
    machine: a 35,000-element ``add_`` went from 4 us to 3.5 ms on two loaded cores.
    """
    before = torch.get_num_threads()
    if before == 1:
        yield
        return
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


#: The most copies one ensemble may hold (the book trains at most a few thousand).
MAX_COPIES = 10**6

#: The most memory an ensemble may ask for, in bytes (this estimate is checked
#: before anything is allocated).
MAX_BYTES = 8 * 2**30


#: The optimisers the ensemble can use, as ``torch.optim`` names them in lower case.
OPTIMIZERS = ("sgd", "adam")

#: The losses the ensemble can minimise: the squared error, and the
#: cross-entropy of a logit (``nn.BCEWithLogitsLoss``) for labels 0 and 1.
LOSSES = ("mse", "cross_entropy")

#: Adam's settings: PyTorch's defaults (betas and eps of ``torch.optim.Adam``).
ADAM_BETAS = (0.9, 0.999)
ADAM_EPS = 1e-8


def _check_batching(
    optimizer: str, momentum: float, batch_size: int, shuffle_seed: int | None, n: int
) -> tuple[str, int, int | None]:
    """The optimiser's name, the batch size and the shuffle seed, checked."""
    if not isinstance(optimizer, str) or optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {optimizer!r}")
    if optimizer == "adam" and momentum:
        raise ValueError(
            "momentum must be 0 with optimizer='adam' (Adam keeps its own moving "
            f"average of the gradient), got {momentum}"
        )
    batch_size = _validate.positive_int("batch_size", batch_size)
    if batch_size > n:
        raise ValueError(
            f"batch_size must be at most the number of samples ({n}), got {batch_size}"
        )
    if shuffle_seed is not None:
        shuffle_seed = _validate.seed("shuffle_seed", shuffle_seed)
    return optimizer, batch_size, shuffle_seed


class _BatchOrder:
    """The indices of each epoch's batches, as the DataLoader a reader writes
    draws them: ``DataLoader(dataset, batch_size, shuffle=True, generator=g)``
    with ``g = torch.Generator().manual_seed(shuffle_seed)``, or in order without
    a seed. Each epoch, that DataLoader draws one number from ``g`` (a seed for
    worker processes), then ``torch.randperm(n, generator=g)`` twice (its
    RandomSampler takes ``n % n`` = 0 samples of the second); this draws the
    same, without the DataLoader's per-batch overhead (tests/test_ensemble.py
    compares the two).
    """

    def __init__(self, n: int, batch_size: int, shuffle_seed: int | None) -> None:
        self.n, self.batch_size = n, batch_size
        self.generator = None
        if shuffle_seed is not None:
            self.generator = torch.Generator().manual_seed(shuffle_seed)
        # in order, each batch is a slice: the data's rows as views, not copies
        starts = range(0, n, batch_size)
        self.in_order = [slice(i, min(i + batch_size, n)) for i in starts]

    def epoch(self) -> list[torch.Tensor] | list[slice]:
        """The next epoch's batches of sample indices."""
        if self.generator is None:
            return self.in_order
        torch.empty((), dtype=torch.int64).random_(generator=self.generator)
        order = torch.randperm(self.n, generator=self.generator)
        torch.randperm(self.n, generator=self.generator)  # drawn, and none used
        return list(order.split(self.batch_size))


def sgd_step(param, grad, buf, lr, momentum):
    """One step of ``torch.optim.SGD``, on flat tensors of parameters."""
    if momentum:
        buf.mul_(momentum).add_(grad)  # a running sum of past gradients
        param.add_(buf, alpha=-lr)
    else:
        param.add_(grad, alpha=-lr)


def adam_step(param, grad, avg, avg_sq, step, lr):
    """One step of ``torch.optim.Adam`` (its default betas and eps), the
    ``step``-th, on flat tensors of parameters."""
    beta1, beta2 = ADAM_BETAS
    avg.lerp_(grad, 1 - beta1)  # moving average of the gradient
    avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)  # and of grad²
    # both averages start at 0: dividing by 1 - beta**step undoes that
    step_size = lr / (1 - beta1**step)
    denom = (avg_sq.sqrt() / (1 - beta2**step) ** 0.5).add_(ADAM_EPS)
    param.addcdiv_(avg, denom, value=-step_size)  # about lr per parameter


def _check_seeds(seeds: Sequence[int] | np.ndarray) -> np.ndarray:
    if isinstance(seeds, (str, bytes)) or seeds is None:
        raise ValueError(f"seeds must be a sequence of integers, got {seeds!r}")
    try:
        arr = np.asarray(seeds)
    except (TypeError, ValueError) as err:
        raise ValueError(f"seeds must be a sequence of integers: {err}") from None
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(
            f"seeds must be a non-empty 1-D sequence of integers, got shape {arr.shape}"
        )
    if arr.size > MAX_COPIES:
        raise ValueError(f"seeds must hold at most {MAX_COPIES} seeds, got {arr.size}")
    if arr.dtype == object:  # Python ints too large for int64, or mixed types
        for value in arr.tolist():
            _validate.seed("seeds", value)
        arr = arr.astype(np.int64)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"seeds must hold integers, got dtype {arr.dtype}")
    if (arr < 0).any():
        raise ValueError(f"seeds must be integers >= 0, got {int(arr.min())}")
    if arr.dtype == np.uint64 and (arr > _validate.MAX_SEED).any():
        raise ValueError(f"seeds must be integers in [0, 2**63 - 1], got {arr.max()}")
    return arr.astype(np.int64)


def _check_inputs(X: Sequence[float] | np.ndarray, num_inputs: int) -> np.ndarray:
    """X as (n,) for one input, or as (n, num_inputs), finite in float32."""
    if num_inputs == 1:
        return _validate.finite_vector("X", X, float32=True)
    try:
        X_arr = np.array(X.detach().cpu().numpy() if hasattr(X, "detach") else X)
        X_arr = X_arr.astype(np.float64)
    except (TypeError, ValueError) as err:
        raise ValueError(f"X must be an array of numbers: {err}") from None
    if X_arr.ndim != 2 or X_arr.shape[0] == 0 or X_arr.shape[1] != num_inputs:
        raise ValueError(
            f"X must have shape (n, {num_inputs}), one column per input of "
            f"sizes[0] = {num_inputs}, got {X_arr.shape}"
        )
    if not np.all(np.abs(X_arr) <= np.finfo(np.float32).max):  # NaN fails too
        raise ValueError("X must hold only numbers finite in float32")
    return X_arr


def _check_targets(
    X: Sequence[float] | np.ndarray,
    y: Sequence[float] | np.ndarray,
    num_copies: int,
    num_inputs: int = 1,
) -> tuple[np.ndarray, np.ndarray]:
    """X as (n,) or (n, d) and y as (K, n): one shared target vector or one per copy."""
    X_arr = _check_inputs(X, num_inputs)
    try:
        y_arr = np.asarray(y.detach().cpu().numpy() if hasattr(y, "detach") else y)
    except (TypeError, ValueError) as err:
        raise ValueError(f"y must be a sequence of numbers: {err}") from None
    if y_arr.ndim == 2 and y_arr.shape == (num_copies, len(X_arr)):
        rows = [_validate.finite_vector("y", row, float32=True) for row in y_arr]
        return X_arr, np.stack(rows)
    if y_arr.ndim == 2 and 1 not in y_arr.shape:
        raise ValueError(
            f"y must have shape (n,) or (K, n) = ({num_copies}, {len(X_arr)}), "
            f"got {y_arr.shape}"
        )
    if num_inputs == 1:
        X_arr, y_vec = _validate.data_pair(X_arr, y, float32=True)
    else:
        y_vec = _validate.finite_vector("y", y, float32=True)
        if len(y_vec) != len(X_arr):
            raise ValueError(
                f"X and y must have the same length, got {len(X_arr)} and {len(y_vec)}"
            )
    return X_arr, np.broadcast_to(y_vec, (num_copies, len(y_vec)))


def _check_loss(loss: str, y: np.ndarray) -> str:
    """The loss's name, checked, and with the cross-entropy, y's labels too."""
    if not isinstance(loss, str) or loss not in LOSSES:
        raise ValueError(f"loss must be one of {LOSSES}, got {loss!r}")
    if loss == "cross_entropy":
        bad = y[(y != 0) & (y != 1)]
        if bad.size:
            raise ValueError(
                "y must hold only the labels 0 and 1 with loss='cross_entropy', "
                f"got {bad[0]}"
            )
    return loss


def _check_memory(sizes: Sequence[int], num_copies: int, n: int) -> None:
    """Refuse an ensemble whose float32 tensors would not fit in ``MAX_BYTES``."""
    nbytes = estimated_bytes(sizes, num_copies, n)
    if nbytes > MAX_BYTES:
        raise ValueError(
            f"seeds and sizes: {num_copies} copies of a {tuple(sizes)} network "
            f"need about {nbytes / 2**30:.1f} GiB; the most allowed is "
            f"{MAX_BYTES / 2**30:.0f} GiB"
        )


def estimated_seconds(
    sizes: Sequence[int], num_copies: int, n: int, num_epochs: int
) -> float:
    """A pessimistic estimate of how long training takes on one core: per step
    (one sample, every copy) about 30 microseconds of PyTorch's overhead per layer
    plus 15 nanoseconds per parameter of each copy (measured on a 2-core laptop:
    a 1-2-1 network with 1,000 copies takes 64 microseconds a step)."""
    layers = len(sizes) - 1
    params = sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))
    per_step = 30e-6 * layers + 15e-9 * num_copies * params
    return num_epochs * n * per_step


def estimated_bytes(
    sizes: Sequence[int], num_copies: int, n: int, num_epochs: int = 0
) -> int:
    """About how many bytes training ``num_copies`` copies of a ``sizes`` network
    on ``n`` samples for ``num_epochs`` epochs holds in memory: parameters,
    gradients and momentum (three each), activations, data and the loss history.
    """
    params = sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))
    units = sum(sizes[1:-1])
    per_copy = 4 * (3 * params + 3 * units + 2 * n + 8) + 12 * num_epochs
    return num_copies * per_copy


def _initial_parameters(
    sizes: tuple[int, ...], seeds: np.ndarray
) -> list[torch.Tensor]:
    """Every copy's initial parameters: ``[weight1, bias1, weight2, bias2, ...]``.

    Weights are ``(K, out, in)``, biases ``(K, out, 1)``. Draws what
    :func:`examples.models.mlp` draws for each seed, in the same order from the same
    generator: per layer, the weight then the bias, uniform on
    ``[-1/sqrt(fan_in), 1/sqrt(fan_in)]``.
    """
    K = len(seeds)
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True):
        params += [torch.empty(K, fan_out, fan_in), torch.empty(K, fan_out, 1)]
    for k, seed in enumerate(seeds.tolist()):
        generator = torch.Generator().manual_seed(seed)
        for weight, bias in zip(params[::2], params[1::2], strict=True):
            bound = 1.0 / math.sqrt(weight.shape[2])
            draw = torch.empty(weight.shape[1:]).uniform_(
                -bound, bound, generator=generator
            )
            weight[k] = draw
            draw = torch.empty(bias.shape[1]).uniform_(
                -bound, bound, generator=generator
            )
            bias[k, :, 0] = draw
    return params


def _views(flat: torch.Tensor, shapes: list[torch.Size]) -> list[torch.Tensor]:
    """Consecutive views of ``flat`` with the given shapes."""
    views, start = [], 0
    for shape in shapes:
        size = math.prod(shape)
        views.append(flat[start : start + size].view(shape))
        start += size
    return views


class EnsembleTrainer:
    """K copies of one network, trained together; :meth:`train` may be called often.

    Training ``a`` epochs and then ``b`` gives exactly what ``a + b`` at once gives,
    so a caller can train in chunks (to show progress) and read the
    :meth:`history` at any point. Arguments as for :func:`train_ensemble`;
    ``y`` is one target vector for every copy, or a ``(K, n)`` array with one
    per copy, and ``sizes`` must end with 1 (and start with 1 or X's columns). A copy whose loss stops
    being finite has NaN loss from that epoch on.

    >>> from examples.data import parabola
    >>> X, y = parabola()
    >>> history = train_ensemble(X, y, sizes=(1, 2, 1), activations="sigmoid",
    ...                          seeds=range(3), lr=0.001, num_epochs=5, momentum=0.1)
    >>> history.loss.shape, history.final_loss.shape, history.predict(X).shape
    ((5, 3), (3,), (3, 11))
    >>> history.diverged_at.tolist()
    [-1, -1, -1]
    """

    def __init__(
        self,
        X: Sequence[float] | np.ndarray,
        y: Sequence[float] | np.ndarray,
        *,
        sizes: Sequence[int],
        activations: str | Sequence[str],
        seeds: Sequence[int] | np.ndarray,
        lr: float,
        momentum: float = 0.0,
        batch_size: int = 1,
        shuffle_seed: int | None = None,
        optimizer: str = "sgd",
        loss: str = "mse",
    ) -> None:
        self.seeds = _check_seeds(seeds)
        num_copies = len(self.seeds)
        if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
            raise ValueError(f"sizes must be a sequence of widths, got {sizes!r}")
        _check_mlp(sizes, activations, 0)  # the model's own checks of both
        num_inputs = int(sizes[0])
        X_arr, y_arr = _check_targets(X, y, num_copies, num_inputs)
        self.loss = _check_loss(loss, y_arr)
        self.lr = _validate.positive_number("lr", lr)
        self.momentum = _validate.non_negative_number("momentum", momentum)
        self.optimizer, self.batch_size, self.shuffle_seed = _check_batching(
            optimizer, self.momentum, batch_size, shuffle_seed, len(X_arr)
        )
        _check_memory(sizes, num_copies, len(X_arr) * num_inputs)
        self.sizes = tuple(int(s) for s in sizes)
        if self.sizes[-1] != 1:
            raise ValueError(
                f"sizes must end with 1 (one output y_hat), got {list(self.sizes)}"
            )
        # one input and the squared error: the per-sample kernels of _step
        self._per_sample = num_inputs == 1 and self.loss == "mse"
        n_hidden = len(self.sizes) - 2
        self.activations = (
            (activations,) * n_hidden
            if isinstance(activations, str)
            else tuple(activations)
        )
        self._acts = [_Activation(name) for name in self.activations]

        # Parameters, gradients and momentum buffers: one flat tensor each, viewed
        # per layer as weight (K, out, in) and bias (K, out, 1).
        initial = _initial_parameters(self.sizes, self.seeds)
        shapes = [p.shape for p in initial]
        self._theta = torch.cat([p.reshape(-1) for p in initial])
        self._grad = torch.zeros_like(self._theta)
        self._buf = torch.zeros_like(self._theta)
        self._params = _views(self._theta, shapes)
        self._grads = _views(self._grad, shapes)
        self._bufs = _views(self._buf, shapes)
        # weights, biases, and their gradients, each a list over the layers
        self._layers = (
            self._params[::2],
            self._params[1::2],
            self._grads[::2],
            self._grads[1::2],
        )

        K = num_copies
        self._n = len(X_arr)
        X_one = X_arr if num_inputs == 1 else X_arr[:, 0]  # unused by _batch_step
        self._x = X_one.tolist()  # the first layer's weight gradient is delta * x
        x_col = torch.tensor(X_one, dtype=torch.float32).reshape(-1, 1, 1, 1)
        x_col = x_col.expand(self._n, K, 1, 1).contiguous()  # (n, K, 1, 1)
        y_t = torch.tensor(np.ascontiguousarray(y_arr.T), dtype=torch.float32)
        self._y = list(y_t.reshape(self._n, K, 1, 1))
        widths = self.sizes[1:-1]
        self._z = [torch.empty(K, w, 1) for w in widths]  # pre-activations
        self._a = [torch.empty(K, w, 1) for w in widths]  # activations
        self._grad_a = [torch.empty(K, w, 1) for w in widths]  # d loss / d a
        # Per sample, each layer's input; the transposed activations (K, 1, w) for
        # the weight gradients delta @ a^T; each weight's transpose (K, in, out) to
        # send the gradient to the layer below. All views, built once.
        self._inputs = [[x] + self._a for x in x_col]
        self._a_t = [a.transpose(1, 2) for a in self._a]
        self._weights_t = [w.transpose(1, 2) for w in self._params[::2]]
        self._out = torch.empty(K, 1, 1)  # y_hat
        self._diff = torch.empty(K, 1, 1)  # y_hat - y
        self._sq = torch.empty(K, 1, 1)  # (y_hat - y)^2
        self._epoch_loss = torch.zeros(K, 1, 1)
        self._losses: list[torch.Tensor] = []  # float32 (epochs, K) per train()
        self.diverged_at = np.full(K, -1, dtype=np.int64)
        self._frozen: dict[int, list[torch.Tensor]] = {}  # k -> its final parameters
        self.epochs_done = 0
        # Mini-batches: the data as tensors, and the order the batches come in,
        # drawn as a DataLoader with a generator seeded shuffle_seed draws it.
        self._X_t = torch.tensor(X_arr, dtype=torch.float32)  # (n,) or (n, d)
        self._Y_t = y_t.T.contiguous()  # (K, n)
        self._order = _BatchOrder(self._n, self.batch_size, self.shuffle_seed)
        # Adam's two moving averages (per parameter, flat) and its step count
        self._avg = torch.zeros_like(self._theta)
        self._avg_sq = torch.zeros_like(self._theta)
        self._adam_steps = 0

    @property
    def num_copies(self) -> int:
        """K, the number of copies."""
        return len(self.seeds)

    @torch.no_grad()
    def train(self, num_epochs: int) -> None:
        """Train every copy for ``num_epochs`` more epochs."""
        num_epochs = _validate.iteration_count("num_epochs", num_epochs)
        nbytes = 12 * num_epochs * self.num_copies
        if nbytes > MAX_BYTES:
            raise ValueError(
                f"num_epochs: {num_epochs} epochs of {self.num_copies} copies "
                f"need {nbytes / 2**30:.1f} GiB of loss history; the most allowed "
                f"is {MAX_BYTES / 2**30:.0f} GiB"
            )
        losses = torch.empty(num_epochs, self.num_copies)
        with _one_thread():
            for epoch in range(num_epochs):
                self._epoch_loss.zero_()
                self._epoch()
                losses[epoch] = self._epoch_loss.view(-1)
                self._check_divergence(losses[epoch], self.epochs_done + epoch)
        self._losses.append(losses)
        self.epochs_done += num_epochs

    def _step(self, i: int) -> None:
        """One SGD step of every copy on sample ``i``: forward, backward, update."""
        weights, biases, grad_w, grad_b = self._layers
        acts, z, a, grad_a = self._acts, self._z, self._a, self._grad_a
        inputs = self._inputs[i]
        # forward: z = bias + weight @ input, a = activation(z)
        for layer, act in enumerate(acts):
            torch.baddbmm(biases[layer], weights[layer], inputs[layer], out=z[layer])
            act.forward(z[layer], a[layer])
        torch.baddbmm(biases[-1], weights[-1], inputs[-1], out=self._out)
        torch.sub(self._out, self._y[i], out=self._diff)
        # the sample's loss, added as train_per_sample adds it (addcmul_ would fuse
        # the multiply and the add and round once, not twice)
        self._epoch_loss.add_(torch.mul(self._diff, self._diff, out=self._sq))
        # backward. The bias gradient is delta = d loss / d z itself, so each delta
        # is written straight into its bias's slot of the flat gradient.
        delta = torch.mul(self._diff, 2.0, out=grad_b[-1])  # d (y_hat - y)^2 / d y_hat
        for layer in range(len(acts), -1, -1):
            if layer < len(acts):
                torch.bmm(self._weights_t[layer + 1], delta, out=grad_a[layer])
                delta = acts[layer].backward(
                    grad_a[layer], z[layer], a[layer], grad_b[layer]
                )
            # d loss / d weight = delta @ input^T
            if layer:
                torch.mul(delta, self._a_t[layer - 1], out=grad_w[layer])
            else:
                torch.mul(delta, self._x[i], out=grad_w[0])
        self._update()

    def _epoch(self) -> None:
        """One epoch: every sample once, in order or shuffled, in mini-batches."""
        if self._per_sample and self.batch_size == 1 and self.shuffle_seed is None:
            for i in range(self._n):
                self._step(i)
            return
        for batch in self._order.epoch():
            x = self._X_t[batch]
            if len(x) == 1 and self._per_sample:
                self._step(batch.start if isinstance(batch, slice) else int(batch[0]))
            else:
                self._batch_step(batch, x)

    def _batch_step(self, batch: torch.Tensor | slice, x: torch.Tensor) -> None:
        """One step of every copy on the mean loss of the samples in ``batch``."""
        weights, biases, grad_w, grad_b = self._layers
        K, B = self.num_copies, len(x)
        if x.dim() == 1:
            inputs = [x.view(1, 1, B).expand(K, 1, B)]
        else:  # (B, d) -> (K, d, B): one column per sample
            inputs = [x.T.unsqueeze(0).expand(K, -1, B)]
        zs = []
        for layer, act in enumerate(self._acts):
            zs.append(torch.baddbmm(biases[layer], weights[layer], inputs[-1]))
            inputs.append(act.forward(zs[-1], torch.empty_like(zs[-1])))
        y_hat = torch.baddbmm(biases[-1], weights[-1], inputs[-1])
        target = self._Y_t[:, batch].view(K, 1, B)
        if self.loss == "cross_entropy":  # y_hat is the logit z
            # log(1 + exp(z)) - y z, and its gradient sigmoid(z) - y
            per_sample = torch.nn.functional.softplus(y_hat) - target * y_hat
            self._epoch_loss.add_(torch.sum(per_sample, 2, keepdim=True))
            delta = (torch.sigmoid(y_hat) - target) / B
        else:
            diff = y_hat - target
            self._epoch_loss.add_(torch.sum(diff * diff, 2, keepdim=True))
            delta = diff * (2.0 / B)  # d mean((y_hat - y)^2) / d y_hat
        for layer in range(len(self._acts), -1, -1):
            torch.sum(delta, 2, keepdim=True, out=grad_b[layer])
            torch.bmm(delta, inputs[layer].transpose(1, 2), out=grad_w[layer])
            if layer:
                grad_a = torch.bmm(self._weights_t[layer], delta)
                delta = self._acts[layer - 1].backward(
                    grad_a, zs[layer - 1], inputs[layer], torch.empty_like(grad_a)
                )
        self._update()

    def _update(self) -> None:
        """The optimiser's step, for every parameter of every copy at once."""
        if self.optimizer == "adam":
            self._adam_steps += 1
            adam_step(
                self._theta, self._grad, self._avg, self._avg_sq,
                self._adam_steps, self.lr,
            )  # fmt: skip
        else:
            sgd_step(self._theta, self._grad, self._buf, self.lr, self.momentum)

    def _check_divergence(self, epoch_loss: torch.Tensor, epoch: int) -> None:
        """Mark copies whose epoch loss is not finite; freeze them at their state."""
        bad = ~torch.isfinite(epoch_loss)
        if not bad.any():
            return
        for k in torch.nonzero(bad).view(-1).tolist():
            if self.diverged_at[k] < 0:
                self.diverged_at[k] = epoch
                self._frozen[k] = [p[k].clone() for p in self._params]
        # Park the diverged copies at zero: their arithmetic stays finite and cheap
        # and, copies being independent, cannot reach the others anyway.
        for views in (self._params, self._grads, self._bufs):
            for view in views:
                view[bad] = 0.0
        for flat in (self._avg, self._avg_sq):
            for view in _views(flat, [p.shape for p in self._params]):
                view[bad] = 0.0

    @functools.cached_property
    def _loss_rows(self) -> _LossRows:
        """Every epoch's loss joined so far, for :meth:`history`."""
        return _LossRows(self.num_copies)

    def history(self) -> EnsembleHistory:
        """The losses so far and every copy's current parameters.

        Only the epochs trained since the last call are joined to the rows
        joined before (:class:`_LossRows`), so reading the history after
        every chunk of training costs time linear in the epochs. ``loss`` is
        read-only: histories taken at different times share its rows.
        """
        if not self._losses:
            raise ValueError("num_epochs: train() has not been called yet")
        loss = self._loss_rows.join(self._losses, self._n, self.diverged_at)
        params = [p.clone() for p in self._params]
        for k, frozen in self._frozen.items():
            for param, saved in zip(params, frozen, strict=True):
                param[k] = saved
        return EnsembleHistory(
            seeds=self.seeds.copy(),
            loss=loss,
            diverged_at=self.diverged_at.copy(),
            sizes=self.sizes,
            activations=self.activations,
            weights=tuple(w.numpy() for w in params[::2]),
            biases=tuple(b[:, :, 0].contiguous().numpy() for b in params[1::2]),
        )


def train_ensemble(
    X: Sequence[float] | np.ndarray,
    y: Sequence[float] | np.ndarray,
    *,
    sizes: Sequence[int],
    activations: str | Sequence[str],
    seeds: Sequence[int] | np.ndarray,
    lr: float,
    num_epochs: int,
    momentum: float = 0.0,
    batch_size: int = 1,
    shuffle_seed: int | None = None,
    optimizer: str = "sgd",
    loss: str = "mse",
) -> EnsembleHistory:
    """Train one copy of ``mlp(sizes, activations, seed=s)`` per seed ``s``.

    Each copy is a per-sample SGD run like ``train_per_sample``'s from the
    same start, but all copies share each step's tensor operations, so a
    thousand seeds cost about what one does. A copy whose loss stops being
    finite does not raise: its epoch is in ``diverged_at``.

    ``batch_size`` samples per step (the gradient of their mean loss; the last
    batch of an epoch may be smaller), taken in order or, with a
    ``shuffle_seed``, in the order ``DataLoader(..., shuffle=True,
    generator=torch.Generator().manual_seed(shuffle_seed))`` gives, the same
    for every copy. ``optimizer`` is ``"sgd"`` (with ``momentum``) or
    ``"adam"`` (``torch.optim.Adam``'s defaults but ``lr``). ``loss`` is
    ``"mse"`` or ``"cross_entropy"`` (of a logit, against labels 0 and 1, as
    ``nn.BCEWithLogitsLoss``); with ``sizes[0] = d > 1``, ``X`` is ``(n, d)``.
    """
    _validate.iteration_count("num_epochs", num_epochs)
    settings = {"sizes": sizes, "activations": activations, "seeds": seeds}
    settings |= {"batch_size": batch_size, "shuffle_seed": shuffle_seed}
    trainer = EnsembleTrainer(
        X, y, **settings, lr=lr, momentum=momentum, optimizer=optimizer, loss=loss
    )
    trainer.train(num_epochs)
    return trainer.history()


def train_in_chunks(
    trainer: EnsembleTrainer, num_epochs: int, every: int
) -> Iterator[EnsembleHistory]:
    """Train ``num_epochs`` more epochs, ``every`` at a time; yield each history.

    The last chunk is shorter when ``every`` does not divide ``num_epochs``.
    The run is exactly the one ``trainer.train(num_epochs)`` gives: the
    trainer's state carries over from chunk to chunk.
    """
    if not isinstance(trainer, EnsembleTrainer):
        raise ValueError(
            f"trainer must be an EnsembleTrainer, got {type(trainer).__name__}"
        )
    num_epochs = _validate.iteration_count("num_epochs", num_epochs)
    every = _validate.positive_int("every", every)
    return _chunks(trainer, trainer.epochs_done + num_epochs, every)


def _chunks(
    trainer: EnsembleTrainer, until: int, every: int
) -> Iterator[EnsembleHistory]:
    """:func:`train_in_chunks` once its arguments are checked."""
    while trainer.epochs_done < until:
        trainer.train(min(every, until - trainer.epochs_done))
        yield trainer.history()


class _LossRows:
    """Each epoch's mean loss per copy, in a buffer that doubles when full.

    :meth:`join` adds the chunks of :meth:`EnsembleTrainer.train` not yet
    joined, each once, and returns a read-only view of the rows so far: rows
    once joined never change, so earlier views stay what they were.
    """

    def __init__(self, num_copies: int) -> None:
        self._buffer = np.empty((0, num_copies))
        self.num_rows = 0
        self.num_chunks = 0

    def join(
        self, chunks: list[torch.Tensor], n: int, diverged_at: np.ndarray
    ) -> np.ndarray:
        """Join ``chunks[num_chunks:]`` (losses summed over ``n`` samples), NaN
        from the epoch each copy diverged on; return all rows, shape (epochs, K)."""
        for chunk in chunks[self.num_chunks :]:
            rows = chunk.double().numpy() / n
            start, end = self.num_rows, self.num_rows + len(rows)
            if end > len(self._buffer):
                grown = np.empty((max(end, 2 * len(self._buffer)), rows.shape[1]))
                grown[:start] = self._buffer[:start]
                self._buffer = grown
            epoch = np.arange(start, end)[:, None]
            gone = (diverged_at >= 0) & (epoch >= diverged_at)
            self._buffer[start:end] = np.where(gone, np.nan, rows)
            self.num_rows, self.num_chunks = end, self.num_chunks + 1
        view = self._buffer[: self.num_rows]
        view.flags.writeable = False
        return view
