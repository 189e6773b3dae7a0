"""Property-based tests of the public API's argument checks (Hypothesis).

For every public function, each argument in turn gets generated bad values (not
finite, huge, of the wrong type or shape, empty, complex, bool) while the others keep
good ones. The call must raise ``ValueError`` or ``TypeError`` whose message names
that argument (or the documented ``TrainingDivergedError``), and do so at once: a
call still running after ``HANG_SECONDS`` fails the test (a guard against loops of
10**20 iterations, not a speed target). Generated good values must leave the global
state alone: PyTorch's and numpy's random state, the default dtype, the number of
threads and grad mode.

The examples are derandomised (the same every run) and their number fixed, so the
suite is deterministic and takes well under a minute.
"""

from __future__ import annotations

import math
import random
import re
import signal
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from examples import (
    activations,
    animation,
    autograd,
    backprop,
    collapse,
    comparison,
    data,
    dtypes,
    ensemble,
    extrapolation,
    gradient_flow,
    gradients,
    hidden_units,
    least_squares,
    mini_batches,
    models,
    one_hidden_layer,
    outcomes,
    overfitting,
    piecewise,
    scratch,
    sgd_limit,
    training,
)
from examples.solutions import ch01, ch02, ch03, ch05
from examples.training import TrainingDivergedError

HANG_SECONDS = 20

PROFILE = settings(
    max_examples=10,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

# --- bad values, by the kind of argument -----------------------------------------

NAN, INF = float("nan"), float("inf")
not_a_number = st.one_of(
    st.none(),
    st.text(max_size=3),
    st.booleans(),
    st.complex_numbers(allow_nan=False, allow_infinity=False).filter(
        lambda z: z.imag != 0
    ),
    st.just([1.0]),
    st.just({"a": 1}),
)
non_finite = st.sampled_from([NAN, INF, -INF, np.float32("nan"), np.float64("inf")])
beyond_float = st.integers(min_value=10**309, max_value=10**400)
any_real_bad = st.one_of(not_a_number, non_finite, beyond_float)

BAD: dict[str, st.SearchStrategy] = {
    "number": any_real_bad,
    "positive": st.one_of(
        any_real_bad,
        st.floats(max_value=0.0, allow_nan=False, allow_infinity=False),
        st.integers(max_value=0),
    ),
    "non_negative": st.one_of(
        any_real_bad,
        st.floats(max_value=-1e-9, allow_nan=False, allow_infinity=False),
        st.integers(max_value=-1),
    ),
    "count": st.one_of(
        st.none(),
        st.text(max_size=3),
        st.booleans(),
        st.floats(),
        st.complex_numbers(),
        st.integers(max_value=0),
        st.integers(min_value=10**8, max_value=10**30),
    ),
    "seed": st.one_of(
        st.none(),
        st.text(max_size=3),
        st.booleans(),
        st.floats(),
        st.integers(max_value=-1),
        st.integers(min_value=2**63, max_value=2**80),
    ),
    "optional_seed": st.one_of(  # a seed or None: None is good here
        st.text(max_size=3),
        st.booleans(),
        st.floats(),
        st.integers(max_value=-1),
        st.integers(min_value=2**63, max_value=2**80),
    ),
    "optimizer": st.one_of(
        st.none(),
        st.integers(),
        st.just(["sgd"]),
        st.text(max_size=5).filter(lambda s: s not in ("sgd", "adam")),
    ),
    "vector": st.one_of(
        st.none(),
        st.text(min_size=1, max_size=3),
        st.just([]),
        st.just(np.empty(0)),
        st.lists(non_finite, min_size=1, max_size=3),
        st.just([[1.0, 2.0], [3.0, 4.0]]),
        st.just([1j, 2j, 3j, 4j, 5j, 6j]),
        st.just([True, False, True, False, True, False]),
        st.just([None, 1.0]),
        st.just([10**400] * 6),
    ),
    "name": st.one_of(
        st.none(),
        st.integers(),
        st.just(["relu"]),
        st.text(max_size=5).filter(lambda s: s not in models.ACTIVATIONS),
    ),
    "model": st.one_of(
        st.none(), st.text(max_size=3), st.integers(), st.just(np.zeros(3))
    ),
    "seeds": st.one_of(
        st.none(),
        st.text(min_size=1, max_size=3),
        st.just([]),
        st.lists(st.integers(min_value=2**63, max_value=2**70), min_size=1, max_size=2),
        st.lists(st.integers(max_value=-1), min_size=1, max_size=2),
        st.just([1.5]),
        st.just([True]),
        st.just([[0, 1]]),
    ),
    "sizes": st.one_of(
        st.none(),
        st.integers(),
        st.text(max_size=3),
        st.just((1,)),
        st.just((1, 0, 1)),
        st.just((1, 10**9, 1)),
        st.just((1, 2.5, 1)),
        st.just((1, True, 1)),
    ),
}
# Data a float32 model sees must also fit in float32.
BAD["vector32"] = st.one_of(BAD["vector"], st.just([1e300] * 6))
# Arguments that take a number or an array of any shape (an activation's input,
# the weights of a loss curve): every bad vector but the 2-D one.
BAD["array"] = st.one_of(
    st.none(), st.text(min_size=1, max_size=3), st.just([]),
    st.lists(non_finite, min_size=1, max_size=3), st.just([1j, 2j]),
    st.just([True, False]), st.just([None, 1.0]), st.just([10**400]),
)  # fmt: skip
# The best line's loss: one positive number, or one per run (a 1-element list is
# one number, so [1.0] is not among the bad values).
BAD["line_loss"] = st.one_of(
    st.none(), st.text(max_size=3), st.booleans(), non_finite, beyond_float,
    st.floats(max_value=0.0, allow_nan=False), st.just([1.0, 2.0, 3.0, 4.0]),
    st.just([]), st.just([[1.0], [2.0]]),
)  # fmt: skip
# The same, where a loss of 0 (data on a line) is allowed.
BAD["line_loss_or_zero"] = st.one_of(
    st.none(), st.text(max_size=3), st.booleans(), non_finite, beyond_float,
    st.floats(max_value=0.0, exclude_max=True, allow_nan=False),
    st.just([1.0, 2.0, 3.0, 4.0]), st.just([]), st.just([[1.0], [2.0]]),
)  # fmt: skip
# Activation names for each hidden layer of a one-hidden-layer network.
BAD["activations"] = st.one_of(
    st.none(), st.integers(), st.just([None]), st.just(["softsign"]),
    st.just(["relu", "relu"]), st.text(max_size=5).filter(
        lambda s: s not in models.ACTIVATIONS
    ),
)  # fmt: skip
# An integer >= 0 with no upper limit (a logging interval).
BAD["interval"] = st.one_of(
    st.none(), st.text(max_size=3), st.booleans(), st.floats(),
    st.integers(max_value=-1),
)  # fmt: skip


# --- the public API: a good call and the kind of each argument --------------------

X6, Y6 = data.line_data(3.0, 6)
XP, YP = data.parabola(-2, 2)


def relu_net():
    return models.mlp((1, 3, 1), "relu", seed=0)


@dataclass
class Case:
    func: Callable
    good: Callable[[], dict]  # a fresh good call's keyword arguments
    kinds: dict[str, str]  # argument -> kind of bad values
    good_values: dict[str, st.SearchStrategy] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.func.__module__.removeprefix('examples.')}.{self.func.__name__}"


SEEDS = st.integers(min_value=0, max_value=2**63 - 1)
SMALL_SEEDS = st.integers(min_value=0, max_value=2**31)

CASES = [
    Case(data.linear_table, lambda: {"xs": (1.0, 3.0), "weight": 3.0},
         {"xs": "vector", "weight": "number"},
         {"weight": st.floats(-1e6, 1e6)}),
    Case(data.line_data, lambda: {"weight": 3.0, "n": 6},
         {"weight": "number", "n": "count"}, {"n": st.integers(1, 100)}),
    Case(data.noisy_line, lambda: {"n": 5, "noise": 1.0, "seed": 0},
         {"n": "count", "noise": "non_negative", "seed": "seed"}, {"seed": SEEDS}),
    Case(data.parabola, lambda: {"start": -2, "stop": 2},
         {"start": "count_signed", "stop": "count_signed"}),
    Case(data.noisy_parabola, lambda: {"noise": 1.0, "seed": 0},
         {"noise": "non_negative", "seed": "seed"}, {"seed": SEEDS}),
    Case(scratch.learn_by_nudging,
         lambda: {"x": 3.0, "y": 9.0, "step": 0.05, "tolerance": 0.1,
                  "max_iterations": 90, "seed": 0},
         {"x": "number", "y": "number", "step": "positive",
          "tolerance": "non_negative", "max_iterations": "count", "seed": "seed"},
         {"seed": SEEDS, "step": st.floats(1e-3, 1.0)}),
    Case(models.activation, lambda: {"name": "relu"}, {"name": "name"}),
    Case(models.new_linear,
         lambda: {"in_features": 2, "out_features": 3,
                  "generator": torch.Generator().manual_seed(0)},
         {"in_features": "count", "out_features": "count", "generator": "model"},
         {"in_features": st.integers(1, 20)}),
    Case(models.LinearModel, lambda: {"bias": True, "seed": 0},
         {"seed": "seed", "bias": "model"}, {"seed": SEEDS}),
    Case(models.mlp, lambda: {"sizes": (1, 2, 1), "activations": "relu", "seed": 0},
         {"sizes": "sizes", "activations": "activations", "seed": "seed"},
         {"seed": SEEDS}),
    Case(training.as_tensors, lambda: {"X": X6, "y": Y6},
         {"X": "vector32", "y": "vector32"}),
    Case(training.train_per_sample,
         lambda: {"model": models.LinearModel(seed=0), "X": X6, "y": Y6,
                  "lr": 0.01, "num_epochs": 2, "momentum": 0.2},
         {"model": "model", "X": "vector32", "y": "vector32", "lr": "positive",
          "num_epochs": "count", "momentum": "non_negative", "log_every": "interval"},
         {"lr": st.floats(1e-5, 1e-2), "momentum": st.floats(0.0, 0.9)}),
    Case(training.predict, lambda: {"model": relu_net(), "X": X6},
         {"X": "vector32"}),
    Case(least_squares.least_squares_line, lambda: {"X": X6, "y": Y6},
         {"X": "vector", "y": "vector"}),
    Case(gradients.mean_loss_at,
         lambda: {"X": X6, "y": Y6, "weight": 2.0, "bias": 0.0},
         {"X": "vector", "y": "vector", "weight": "array", "bias": "number"},
         {"weight": st.floats(-100, 100)}),
    Case(gradients.slope_at, lambda: {"X": X6, "y": Y6, "weight": 2.0, "bias": 0.0},
         {"X": "vector", "y": "vector", "weight": "number", "bias": "number"},
         {"weight": st.floats(-100, 100)}),
    Case(ensemble.train_ensemble,
         lambda: {"X": XP, "y": YP, "sizes": (1, 2, 1), "activations": "sigmoid",
                  "seeds": [0, 1], "lr": 0.001, "num_epochs": 2, "momentum": 0.1,
                  "batch_size": 2, "shuffle_seed": 0, "optimizer": "sgd"},
         {"X": "vector32", "y": "vector32", "sizes": "sizes",
          "activations": "activations",
          "seeds": "seeds", "lr": "positive", "num_epochs": "count",
          "momentum": "non_negative", "batch_size": "count",
          "shuffle_seed": "optional_seed", "optimizer": "optimizer"},
         {"seeds": st.lists(SEEDS, min_size=1, max_size=3)}),
    Case(mini_batches.data_loader,
         lambda: {"X": XP, "y": YP, "batch_size": 2, "shuffle_seed": 0},
         {"X": "vector", "y": "vector", "batch_size": "count",
          "shuffle_seed": "optional_seed"}),
    Case(mini_batches.train_in_batches,
         lambda: {"model": models.mlp((1, 2, 1), "sigmoid", seed=0), "X": XP,
                  "y": YP, "lr": 0.01, "num_epochs": 2, "batch_size": 2,
                  "shuffle_seed": 0, "optimizer": "sgd", "momentum": 0.5},
         {"model": "model", "X": "vector", "y": "vector", "lr": "positive",
          "num_epochs": "count", "batch_size": "count",
          "shuffle_seed": "optional_seed", "optimizer": "optimizer",
          "momentum": "non_negative"}),
    Case(mini_batches.largest_stable_lr,
         lambda: {"X": XP, "y": YP, "low": 0.01, "high": 1.0, "num_epochs": 20,
                  "steps": 2},
         {"X": "vector", "y": "vector", "low": "positive", "high": "positive",
          "num_epochs": "count", "steps": "count"}),
    Case(mini_batches.linear_hessian, lambda: {"X": XP}, {"X": "vector"}),
    Case(activations.apply, lambda: {"name": "relu", "x": [0.5, -1.0]},
         {"name": "name", "x": "array"}, {"x": st.floats(-50, 50)}),
    Case(activations.derivative, lambda: {"name": "tanh", "x": [0.5, -1.0]},
         {"name": "name", "x": "vector"}, {"x": st.floats(-50, 50)}),
    Case(activations.derivative_extremes,
         lambda: {"name": "sigmoid", "lo": -1.0, "hi": 1.0, "num": 11},
         {"name": "name", "lo": "number", "hi": "number", "num": "count"}),
    Case(collapse.collapse_linear,
         lambda: {"model": models.mlp((1, 3, 1), "identity", seed=0)},
         {"model": "model"}),
    Case(collapse.best_line_loss, lambda: {"X": XP, "y": YP},
         {"X": "vector", "y": "vector"}),
    Case(comparison.noisy_targets, lambda: {"seeds": [0, 1], "noise": 1.0},
         {"seeds": "seeds", "start": "count_signed", "noise": "non_negative"},
         {"seeds": st.lists(SEEDS, min_size=1, max_size=3)}),
    Case(outcomes.classify_runs,
         lambda: {"final_loss": [1.0, NAN], "line_loss": 78.0},
         {"final_loss": "losses", "line_loss": "line_loss_or_zero"},
         {"line_loss": st.floats(0.0, 1e6)}),
    Case(comparison.summarize,
         lambda: {"final_loss": np.array([1.0, 2.0, NAN]), "line_loss": 78.0},
         {"final_loss": "losses", "line_loss": "line_loss"},
         {"line_loss": st.floats(1e-3, 1e6)}),
    Case(comparison.compare_activations,
         lambda: {"X": XP, "Y": YP, "names": ["relu"], "sizes": (1, 2, 1),
                  "seeds": [0], "lr": 0.001, "num_epochs": 2},
         {"names": "names", "sizes": "sizes", "seeds": "seeds",
          "num_epochs": "count", "lr": "positive"}),
    Case(extrapolation.linear_pieces, lambda: {"model": relu_net()},
         {"model": "model"}),
    Case(gradient_flow.deep_network,
         lambda: {"activation": "relu", "depth": 2, "width": 3, "seed": 0},
         {"activation": "name", "depth": "count", "width": "count", "seed": "seed"},
         {"seed": SEEDS}),
    Case(gradient_flow.gradient_norms,
         lambda: {"activation": "tanh", "X": XP, "y": YP, "depth": 2, "width": 3,
                  "seeds": [0, 1]},
         {"activation": "name", "X": "vector32", "y": "vector32", "depth": "count",
          "width": "count", "seeds": "seeds"},
         {"seeds": st.lists(SEEDS, min_size=1, max_size=3)}),
    Case(gradient_flow.layer_gradient_norms,
         lambda: {"model": relu_net(), "X": XP, "y": YP},
         {"model": "model", "X": "vector32", "y": "vector32"}),
    Case(overfitting.noisy_squares, lambda: {"X": XP, "noise": 1.0, "seed": 0},
         {"X": "vector", "noise": "non_negative", "seed": "seed"}, {"seed": SEEDS}),
    Case(overfitting.train_with_held_out,
         lambda: {"X": XP, "y": YP, "X_held": XP, "y_held": YP, "sizes": (1, 2, 1),
                  "activations": "relu", "seeds": [0], "lr": 0.001, "num_epochs": 2},
         {"X": "vector32", "y": "vector32", "X_held": "vector32",
          "y_held": "vector32", "seeds": "seeds", "num_epochs": "count",
          "every": "count", "lr": "positive", "sizes": "sizes"}),
    Case(piecewise.relu_interpolant,
         lambda: {"f": np.square, "knots": [-1.0, 0.0, 1.0]},
         {"f": "model", "knots": "vector32"}),
    Case(piecewise.kinks, lambda: {"model": relu_net()}, {"model": "model"}),
    Case(piecewise.unit_contributions, lambda: {"model": relu_net(), "grid": XP},
         {"model": "model", "grid": "vector32"}),
    Case(piecewise.interpolation_error,
         lambda: {"f": np.square, "num_units": 4, "num_points": 11},
         {"f": "model", "num_units": "count", "lo": "number", "hi": "number",
          "num_points": "count"}),
    Case(sgd_limit.per_sample_sgd_line,
         lambda: {"X": X6, "y": Y6, "weight": 0.0, "bias": 0.0, "lr": 0.001,
                  "num_epochs": 3},
         {"X": "vector", "y": "vector", "weight": "number", "bias": "number",
          "lr": "positive", "num_epochs": "count", "momentum": "non_negative"},
         {"weight": st.floats(-10, 10)}),
    Case(sgd_limit.sgd_line_limit, lambda: {"X": X6, "y": Y6, "lr": 0.001},
         {"X": "vector", "y": "vector", "lr": "positive", "momentum": "non_negative"},
         {"lr": st.floats(1e-5, 1e-3)}),
    Case(one_hidden_layer.unit_parameters, lambda: {"model": relu_net()},
         {"model": "model"}),
    Case(one_hidden_layer.hidden_outputs, lambda: {"model": relu_net(), "X": XP},
         {"model": "model", "X": "vector"}),
    Case(hidden_units.preactivations, lambda: {"source": [relu_net()], "X": XP},
         {"source": "model", "X": "vector"}),
    Case(dtypes.float32_roundoff, lambda: {"values": [0.1, 3.0]},
         {"values": "vector32"}),
    Case(dtypes.parameter_dtypes, lambda: {"model": relu_net()}, {"model": "model"}),
    Case(overfitting.best_prediction, lambda: {"X": XP, "noise": 1.0},
         {"X": "vector", "noise": "non_negative"}, {"noise": st.floats(0, 10)}),
    Case(overfitting.irreducible_loss, lambda: {"X": XP, "noise": 1.0},
         {"X": "vector", "noise": "non_negative"}, {"noise": st.floats(0, 10)}),
    Case(extrapolation.sigmoid_asymptotes,
         lambda: {"model": models.mlp((1, 2, 1), "sigmoid", seed=0)},
         {"model": "model"}),
    Case(collapse.collapse_to_line,
         lambda: {"model": models.mlp((1, 3, 1), "identity", seed=0)},
         {"model": "model"}),
    Case(animation.frame_indices, lambda: {"num_items": 201, "num_frames": 8},
         {"num_items": "count", "num_frames": "count"},
         {"num_items": st.integers(1, 10**4), "num_frames": st.integers(1, 100)}),
    Case(ch01.compare_steps, lambda: {"steps": (0.05,), "max_iterations": 20},
         {"steps": "vector", "max_iterations": "count", "seed": "seed"},
         {"seed": SEEDS}),
    Case(ch01.nudge_by_sign_of_error, lambda: {"x": 3.0, "y": 9.0},
         {"x": "number", "y": "number", "step": "positive",
          "max_iterations": "count", "seed": "seed"}, {"seed": SEEDS}),
    Case(ch01.learn_by_proportional_steps, lambda: {},
         {"x": "number", "y": "number", "lr": "positive", "tolerance": "non_negative",
          "max_iterations": "count", "seed": "seed"}, {"seed": SEEDS}),
    Case(ch02.train_without_bias, lambda: {"num_epochs": 2},
         {"num_epochs": "count", "seed": "seed"}, {"seed": SEEDS}),
    Case(ch02.epoch_factor, lambda: {"X": X6, "lr": 0.01},
         {"X": "vector", "lr": "positive"}, {"lr": st.floats(1e-4, 1.0)}),
    Case(ch02.largest_stable_lr, lambda: {"X": X6, "tol": 1e-3},
         {"X": "vector", "tol": "positive"}),
    Case(ch02.trains_stably, lambda: {"lr": 0.01, "num_epochs": 2},
         {"lr": "positive", "num_epochs": "count", "seed": "seed"}, {"seed": SEEDS}),
    Case(ch03.fit_through_origin, lambda: {"X": X6, "y": Y6},
         {"X": "vector32", "y": "vector32", "seed": "seed"}, {"seed": SMALL_SEEDS}),
    Case(ch03.full_batch_descent, lambda: {"X": X6, "y": Y6, "num_steps": 5},
         {"X": "vector", "y": "vector", "lr": "positive", "num_steps": "count"},
         {"lr": st.floats(1e-4, 1e-2)}),
    Case(ch03.train_in_float64, lambda: {"X": X6, "y": Y6},
         {"X": "vector", "y": "vector", "seed": "seed"}, {"seed": SMALL_SEEDS}),
]  # fmt: skip

# Chapter 5: backpropagation by hand and the book's scalar autograd.
GOOD_PARAMS = {"w": [0.5, -0.5], "b": [0.1, 0.2], "v": [1.0, -1.0], "c": 0.3}
BAD["params"] = st.one_of(
    st.none(), st.text(max_size=3), st.just([1.0, 2.0]), st.just({"w": [1.0, 2.0]}),
    st.just({**GOOD_PARAMS, "w": [1.0, 2.0, 3.0]}),
    st.just({**GOOD_PARAMS, "c": [1.0, 2.0]}),
    st.just({**GOOD_PARAMS, "b": [NAN, 0.0]}), st.just({**GOOD_PARAMS, "v": "ab"}),
)  # fmt: skip
BAD["root"] = st.one_of(st.none(), st.text(max_size=3), st.integers(), st.floats())
CASES += [
    Case(backprop.network_parameters, lambda: {"model": models.mlp(seed=0)},
         {"model": "model"}),
    Case(backprop.forward, lambda: {"params": GOOD_PARAMS, "x": 1.0},
         {"params": "params", "x": "number"}, {"x": st.floats(-50, 50)}),
    Case(backprop.backward, lambda: {"params": GOOD_PARAMS, "x": 1.0, "y": 2.0},
         {"params": "params", "x": "number", "y": "number"}),
    Case(backprop.loss_at, lambda: {"params": GOOD_PARAMS, "x": 1.0, "y": 2.0},
         {"params": "params", "x": "number", "y": "number"}),
    Case(backprop.finite_difference_gradients,
         lambda: {"params": GOOD_PARAMS, "x": 1.0, "y": 2.0, "eps": 1e-6},
         {"params": "params", "x": "number", "y": "number", "eps": "positive"}),
    Case(backprop.autograd_gradients,
         lambda: {"model": models.mlp(seed=0), "x": 1.0, "y": 2.0},
         {"model": "model", "x": "number", "y": "number", "dtype": "model"}),
    Case(backprop.max_difference, lambda: {"a": GOOD_PARAMS, "b": GOOD_PARAMS},
         {"a": "params", "b": "params"}),
    Case(backprop.sgd_step,
         lambda: {"params": GOOD_PARAMS, "grads": GOOD_PARAMS, "lr": 0.1},
         {"params": "params", "grads": "params", "lr": "positive"}),
    Case(backprop.graph_nodes, lambda: {"params": GOOD_PARAMS, "x": 1.0, "y": 2.0},
         {"params": "params", "x": "number", "y": "number"}),
    Case(autograd.as_value, lambda: {"x": 1.0}, {"x": "number"}),
    Case(autograd.computation_order, lambda: {"root": autograd.Value(1.0)},
         {"root": "root"}),
    Case(autograd.backpropagate, lambda: {"root": autograd.Value(1.0)},
         {"root": "root"}),
    Case(autograd.network_values, lambda: {"model": models.mlp(seed=0)},
         {"model": "model"}),
    Case(autograd.train_network,
         lambda: {"model": models.mlp(seed=0), "X": XP, "y": YP, "lr": 0.001,
                  "num_epochs": 2, "momentum": 0.1},
         {"model": "model", "X": "vector32", "y": "vector32", "lr": "positive",
          "num_epochs": "count", "momentum": "non_negative"},
         {"lr": st.floats(1e-5, 1e-2), "momentum": st.floats(0.0, 0.9)}),
    Case(ch05.tanh_check, lambda: {"seed": 0}, {"seed": "seed"},
         {"seed": SMALL_SEEDS}),
    Case(ch05.difference_errors, lambda: {"eps_values": [1e-3, 1e-5], "seed": 0},
         {"eps_values": "vector", "seed": "seed"}),
    Case(ch05.used_twice, lambda: {"x": 3.0}, {"x": "number"},
         {"x": st.floats(-1e6, 1e6)}),
]  # fmt: skip

BAD["count_signed"] = st.one_of(
    st.none(), st.text(max_size=3), st.booleans(), st.floats(),
    st.integers(min_value=10**8, max_value=10**30),
    st.integers(min_value=-(10**30), max_value=-(10**8)),
)  # fmt: skip
BAD["losses"] = st.one_of(
    st.none(), st.text(min_size=1, max_size=3), st.just([]),
    st.just([[1.0, 2.0], [3.0, 4.0]]), st.just([1j]), st.just([True, False]),
)  # fmt: skip
BAD["names"] = st.one_of(
    st.none(), st.just("relu"), st.just([]), st.just([None]), st.just(["softsign"])
)


# --- the properties --------------------------------------------------------------


class Hang(Exception):
    """The call was still running after HANG_SECONDS."""


def _alarm(signum, frame):
    raise Hang(f"still running after {HANG_SECONDS} s")


def call_with_hang_guard(func, kwargs):
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(HANG_SECONDS)
    try:
        return func(**kwargs)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def names_argument(message: str, argument: str) -> bool:
    return re.search(rf"(?<![\w]){re.escape(argument)}(?![\w])", message) is not None


BAD_CALLS = [
    pytest.param(case, arg, id=f"{case.name}-{arg}")
    for case in CASES
    for arg in case.kinds
]


@pytest.mark.parametrize(("case", "argument"), BAD_CALLS)
@PROFILE
@given(draw=st.data())
def test_bad_values_are_refused_naming_the_argument(case, argument, draw):
    value = draw.draw(BAD[case.kinds[argument]], label=argument)
    kwargs = {**case.good(), argument: value}
    try:
        call_with_hang_guard(case.func, kwargs)
    except TrainingDivergedError:
        return  # the documented error of a learning rate too large for the data
    except (ValueError, TypeError) as err:
        assert names_argument(str(err), argument), (
            f"{case.name}({argument}={value!r}) raised {type(err).__name__} "
            f"without naming {argument!r}: {err}"
        )
        return
    pytest.fail(f"{case.name}({argument}={value!r}) returned without an error")


def global_state():
    return (
        torch.random.get_rng_state().clone(),
        np.random.get_state(),
        random.getstate(),
        torch.get_default_dtype(),
        torch.get_num_threads(),
        torch.is_grad_enabled(),
    )


def assert_same_state(before, after, where):
    torch_rng, np_rng, py_rng, dtype, threads, grad = before
    assert torch.equal(torch_rng, after[0]), f"{where} drew from torch's generator"
    assert np_rng[0] == after[1][0] and np.array_equal(np_rng[1], after[1][1]), (
        f"{where} drew from numpy's global generator"
    )
    assert py_rng == after[2], f"{where} drew from Python's random"
    assert (dtype, threads, grad) == after[3:], (
        f"{where} changed the default dtype, threads or grad mode"
    )


GOOD_CALLS = [pytest.param(case, id=case.name) for case in CASES]


@pytest.mark.parametrize("case", GOOD_CALLS)
@settings(PROFILE, max_examples=3)
@given(draw=st.data())
def test_good_values_leave_the_global_state_alone(case, draw):
    kwargs = case.good()
    for argument, strategy in case.good_values.items():
        value = draw.draw(strategy, label=argument)
        if argument == "x" and isinstance(kwargs.get("x"), list):
            value = [value]  # a vector argument
        kwargs[argument] = value
    before = global_state()
    try:
        call_with_hang_guard(case.func, kwargs)
    except TrainingDivergedError:
        pass  # a documented outcome of a good call; the state must still be kept
    assert_same_state(before, global_state(), case.name)


def test_every_kind_of_bad_value_is_defined():
    kinds = {kind for case in CASES for kind in case.kinds.values()}
    assert kinds <= set(BAD), kinds - set(BAD)
    assert len(CASES) >= 40
    assert not math.isfinite(NAN)
