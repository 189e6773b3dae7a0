"""numpy's float64 and PyTorch's float32: what they are and what converting costs.

numpy creates float64 arrays by default; ``torch.tensor`` keeps an array's dtype, but
PyTorch layers hold float32 parameters. A layer refuses to multiply the two, so data
are converted once, with :func:`examples.training.as_tensors`. The conversion rounds
each number to the nearest float32; :func:`float32_roundoff` measures how much.

Shown in chapter 3 (``03-linear-regression``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

from examples import _validate


def float32_roundoff(values: Sequence[float] | np.ndarray) -> float:
    """The largest relative change made by rounding ``values`` to float32.

    float32 keeps 24 significant bits, so the answer is at most ``2**-24`` (about
    6e-8), whatever the values: far below the noise of any data set in this book.
    Zeros round exactly and count as no change.

    >>> float32_roundoff([0.5, 2.0, 0.0])
    0.0
    >>> 0 < float32_roundoff([0.1]) <= 2.0**-24
    True
    """
    arr = _validate.finite_vector("values", values)
    if np.any(np.abs(arr) > np.finfo(np.float32).max):
        raise ValueError("values must fit in float32 (magnitude below about 3.4e38)")
    rounded = arr.astype(np.float32).astype(np.float64)
    nonzero = arr != 0
    if not nonzero.any():
        return 0.0
    return float(np.max(np.abs(rounded[nonzero] - arr[nonzero]) / np.abs(arr[nonzero])))


def parameter_dtypes(model: nn.Module) -> set[torch.dtype]:
    """The dtypes of ``model``'s parameters (one, for every model in this book).

    >>> from examples.models import LinearModel
    >>> parameter_dtypes(LinearModel(seed=0))
    {torch.float32}
    """
    if not isinstance(model, nn.Module):
        raise ValueError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    return {p.dtype for p in model.parameters()}
