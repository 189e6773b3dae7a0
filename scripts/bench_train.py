"""Time one seed the slow way against a thousand seeds at once (``make bench-train``).

The source's parabola network: 1-2-1 with a sigmoid, x = -5..5, ``lr=0.001``,
``momentum=0.1``, 2000 epochs of 11 per-sample steps. Prints ``name: value`` lines:
``single_seed_s`` (``train_per_sample``, one seed), ``ensemble_1000_s``
(``train_ensemble``, 1000 seeds), ``ratio_1000_over_single`` (target: at most 1.5),
microseconds per step of the one model and of the ensemble per model, the relative
gap of seed 0's final losses the two ways (the timed runs did the same work), and the
machine (1-minute load before and after, cores, torch threads): timings on a shared
machine are noisy. Each way runs a few epochs untimed first (imports, first calls).
"""

from __future__ import annotations

import os
import time

import torch

from examples.data import parabola
from examples.ensemble import train_ensemble
from examples.models import mlp
from examples.training import train_per_sample

SIZES, ACTIVATION, LR, MOMENTUM = (1, 2, 1), "sigmoid", 0.001, 0.1
SEEDS, EPOCHS = 1000, 2000


def single(X, y, epochs: int) -> tuple[float, float]:
    """Seconds for train_per_sample on seed 0, and its final loss."""
    model = mlp(SIZES, ACTIVATION, seed=0)
    start = time.perf_counter()
    history = train_per_sample(model, X, y, lr=LR, momentum=MOMENTUM, num_epochs=epochs)
    return time.perf_counter() - start, history.loss[-1]


def ensemble(X, y, epochs: int) -> tuple[float, float]:
    """Seconds for train_ensemble on seeds 0..SEEDS-1, and seed 0's final loss."""
    start = time.perf_counter()
    history = train_ensemble(
        X,
        y,
        sizes=SIZES,
        activations=ACTIVATION,
        seeds=range(SEEDS),
        lr=LR,
        num_epochs=epochs,
        momentum=MOMENTUM,
    )
    return time.perf_counter() - start, float(history.final_loss[0])


X, y = parabola()
single(X, y, 3), ensemble(X, y, 3)  # warm-up
load = os.getloadavg()[0]
single_s, single_loss = single(X, y, EPOCHS)
ensemble_s, ensemble_loss = ensemble(X, y, EPOCHS)
steps = EPOCHS * len(X)
figures = {
    "load_1min": f"{load:.2f}",
    "cpus": os.cpu_count(),
    "torch_threads": torch.get_num_threads(),
    "single_seed_s": f"{single_s:.3f}",
    f"ensemble_{SEEDS}_s": f"{ensemble_s:.3f}",
    f"ratio_{SEEDS}_over_single": f"{ensemble_s / single_s:.3f}",
    "step_us_single": f"{single_s / steps * 1e6:.2f}",
    "step_us_ensemble_per_model": f"{ensemble_s / steps / SEEDS * 1e6:.4f}",
    "seed0_final_loss_rel_gap": f"{abs(ensemble_loss / single_loss - 1):.2e}",
    "load_1min_after": f"{os.getloadavg()[0]:.2f}",
}
for name, value in figures.items():
    print(f"{name}: {value}")
