"""Time one seed the slow way against a thousand seeds at once (``make bench-train``).

The configuration is the source's parabola network: 1-2-1 with a sigmoid, x = -5..5,
``lr=0.001``, ``momentum=0.1``, 2000 epochs of 11 per-sample steps. Prints one
``name: value`` line per figure:

single_seed_s
    ``examples.training.train_per_sample`` on one seed;
ensemble_1000_s
    ``examples.ensemble.train_ensemble`` on 1000 seeds (``--seeds``);
ratio_1000_over_single
    the second over the first; target: at most 1.5;
step_us_single, step_us_ensemble_per_model
    microseconds per training step: of the one model, and of the ensemble divided
    by the number of models;
seed0_final_loss_rel_gap
    the relative difference between the two ways' final losses on seed 0, which
    both trained (a check that the timed runs did the same work);
load_1min, load_1min_after, cpus, torch_threads
    how busy the machine was (the 1-minute load average before and after timing)
    and what it had: timings on a shared machine are noisy.

Both ways run once untimed first (a few epochs), so imports and first-call costs are
not counted.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import torch

from examples.data import parabola
from examples.ensemble import train_ensemble
from examples.models import mlp
from examples.training import train_per_sample

SIZES, ACTIVATION, LR, MOMENTUM = (1, 2, 1), "sigmoid", 0.001, 0.1


def time_single(X, y, seed: int, num_epochs: int) -> tuple[float, float]:
    """Seconds for train_per_sample on one seed, and its final loss."""
    model = mlp(SIZES, ACTIVATION, seed=seed)
    start = time.perf_counter()
    history = train_per_sample(
        model, X, y, lr=LR, momentum=MOMENTUM, num_epochs=num_epochs
    )
    return time.perf_counter() - start, history.loss[-1]


def time_ensemble(X, y, num_seeds: int, num_epochs: int) -> tuple[float, float]:
    """Seconds for train_ensemble on seeds 0..num_seeds-1, and seed 0's final loss."""
    start = time.perf_counter()
    history = train_ensemble(
        X,
        y,
        sizes=SIZES,
        activations=ACTIVATION,
        seeds=range(num_seeds),
        lr=LR,
        num_epochs=num_epochs,
        momentum=MOMENTUM,
    )
    return time.perf_counter() - start, float(history.final_loss[0])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=1000, help="default: 1000")
    parser.add_argument("--epochs", type=int, default=2000, help="default: 2000")
    args = parser.parse_args(argv)
    if args.seeds < 1 or args.epochs < 1:
        parser.error("--seeds and --epochs must be at least 1")

    X, y = parabola()
    steps = args.epochs * len(X)
    time_single(X, y, 0, 3)  # warm-up: imports and first calls
    time_ensemble(X, y, args.seeds, 3)

    figures: dict[str, object] = {
        "load_1min": f"{os.getloadavg()[0]:.2f}",
        "cpus": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
    }
    single_s, single_loss = time_single(X, y, 0, args.epochs)
    ensemble_s, ensemble_loss = time_ensemble(X, y, args.seeds, args.epochs)
    figures |= {
        "single_seed_s": f"{single_s:.3f}",
        f"ensemble_{args.seeds}_s": f"{ensemble_s:.3f}",
        f"ratio_{args.seeds}_over_single": f"{ensemble_s / single_s:.3f}",
        "step_us_single": f"{single_s / steps * 1e6:.2f}",
        "step_us_ensemble_per_model": f"{ensemble_s / steps / args.seeds * 1e6:.4f}",
        "seed0_final_loss_rel_gap": f"{abs(ensemble_loss / single_loss - 1):.2e}",
        "load_1min_after": f"{os.getloadavg()[0]:.2f}",
    }
    for name, value in figures.items():
        print(f"{name}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
