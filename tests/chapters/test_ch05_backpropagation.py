"""The claims chapter 5 makes, checked against its execution.

The gradients are recomputed here with PyTorch's autograd in float64 on the same
network and sample, independently of the chapter's hand-derived ones.
"""

import numpy as np
import pytest
import torch

from examples.convergence import straight_line_loss
from examples.data import parabola
from examples.models import mlp
from examples.solutions.ch05 import difference_errors

CHAPTER = "05-backpropagation.md"

X, Y = parabola(-5, 5)


@pytest.fixture(scope="module")
def g(chapter):
    return chapter.glued


@pytest.fixture(scope="module")
def reference():
    """Seed 0's first training step, by float64 autograd: the loss, y_hat and each
    parameter's gradient, named as the chapter names them."""
    model = mlp((1, 2, 1), "sigmoid", seed=0).double()
    y_hat = model(torch.tensor([[X[0]]], dtype=torch.float64)).sum()
    loss = (y_hat - Y[0]) ** 2
    loss.backward()
    return {
        "y_hat": y_hat.item(),
        "loss": loss.item(),
        "w1": model.hidden1.weight.grad[0, 0].item(),
        "v1": model.output.weight.grad[0, 0].item(),
        "c": model.output.bias.grad[0].item(),
        "largest": max(p.grad.abs().max().item() for p in model.parameters()),
    }


def test_no_cell_fails(chapter):
    assert chapter.errors() == []


def test_one_figure(chapter):
    assert chapter.images() == 1


def test_the_forward_pass(g, reference):
    assert g["y_hat0"] == pytest.approx(reference["y_hat"], rel=1e-12)
    assert g["loss0"] == pytest.approx(reference["loss"], rel=1e-12)
    assert g["y_hat0"] < Y[0]  # "predicts ... where the target is 25"


def test_the_gradients_the_text_states(g, reference):
    assert g["dy_hat0"] == pytest.approx(2 * (reference["y_hat"] - 25), rel=1e-12)
    assert g["dy_hat0"] < 0  # "the prediction is far too low"
    assert g["dc0"] == pytest.approx(reference["c"], rel=1e-12)  # "also dL/dc"
    assert g["dw1"] == pytest.approx(reference["w1"], rel=1e-12)
    assert g["dv1"] == pytest.approx(reference["v1"], rel=1e-12)


def test_the_three_checks_agree(g, reference):
    assert g["diff_torch64"] < 1e-12  # "the rounding of float64 arithmetic"
    assert g["diff_torch64"] < g["diff_torch32"] < 1e-4  # float32: ~7 digits
    assert g["diff_torch32"] / g["largest_grad"] < 1e-6
    assert g["diff_numeric"] < 1e-6
    assert g["largest_grad"] == pytest.approx(reference["largest"], rel=1e-12)


def test_value_gives_the_hand_derived_gradients(g, reference):
    assert g["diff_value"] < 1e-12
    assert g["loss_value"] == pytest.approx(reference["loss"], rel=1e-12)


def test_training_with_value_matches_pytorch(g):
    line = straight_line_loss(X, Y)
    assert g["line_loss"] == pytest.approx(line)
    assert g["num_steps"] == 1000 * len(X)
    assert g["first_loss"] > g["final_torch"]
    for final in (g["final_ours"], g["final_torch"]):
        assert final < line / 10  # "far below", within chapter 4's "fits"
    assert g["final_ours"] == pytest.approx(g["final_torch"], rel=1e-4)
    assert g["max_loss_gap"] / g["final_torch"] < 1e-3
    assert 0 < g["max_loss_rel"] < 1e-4
    assert 0 < g["max_weight_gap"] < 1e-3
    assert g["float32_eps"] == np.finfo(np.float32).eps


def test_the_exercises(g):
    assert g["ex1_diff"] < 1e-12
    errors = difference_errors(10.0 ** -np.arange(1, 13))
    assert g["ex2_best_error"] == errors.min()
    assert g["ex2_best_eps"] == pytest.approx(10.0 ** -(1 + int(np.argmin(errors))))
    assert g["ex2_error_big"] == errors[0] and g["ex2_error_small"] == errors[-1]
    assert g["ex2_error_big"] > 1e4 * g["ex2_best_error"]
    assert g["ex2_error_small"] > 100 * g["ex2_best_error"]  # "grows again"
    assert g["ex3_grad"] == 7.0  # 2a + 1 at a = 3


def test_the_figure_as_its_caption_and_alt_text_describe_it(g, reference):
    assert (X[0], Y[0]) == (-5.0, 25.0)  # "x = -5, y = 25"
    assert round(g["loss0"]) == 630  # "the loss of 630"
    assert f"{g['dc0']:.3g}" == "-50.2"  # "-50.2 for c"
    assert abs(g["dc0"]) == pytest.approx(reference["largest"])  # "the largest"


def test_the_chord_error_falls_a_hundredfold_per_tenfold_nudge():
    errors = difference_errors(10.0 ** -np.arange(1, 13))
    for k in range(3):
        assert 60 < errors[k] / errors[k + 1] < 160


def test_the_nudge_explorer_answers(g, reference):
    # recomputed by the package's finite differences, in each precision
    from examples.backprop import finite_difference_errors, network_parameters
    from examples.explore import EPSILONS

    p = network_parameters(mlp((1, 2, 1), "sigmoid", seed=0))
    eps = np.array(EPSILONS)
    e64 = finite_difference_errors(p, X[0], Y[0], eps, "float64")
    e32 = finite_difference_errors(p, X[0], Y[0], eps, "float32")
    assert g["try_num_eps"] == len(eps) == 23
    assert g["try_best64"] == eps[np.argmin(e64)]
    assert g["try_best32"] == eps[np.argmin(e32)]
    assert g["try_error64"] == e64.min() and g["try_error32"] == e32.min()
    # "smallest at a larger eps and a larger error"
    assert g["try_best32"] > g["try_best64"] and g["try_error32"] > g["try_error64"]
    assert g["try_ratio"] == float(f"{e32.min() / e64.min():.2g}")
    assert g["float64_eps"] == np.finfo(np.float64).eps
    # "for every eps up to try_lost, float32 ... the error is that whole gradient"
    whole = np.isclose(e32, abs(reference["c"]), rtol=1e-12, atol=0)
    lost = eps[whole]
    assert g["try_lost"] == lost.max()
    assert np.all(whole[eps <= g["try_lost"]])
    assert g["try_lost"] < 1e-6 < eps[np.argmin(e32)]  # "below 1e-6" in the question
    assert np.all(whole[eps < 1e-6])
    assert abs(reference["c"]) == reference["largest"]  # "that whole gradient"
    # "both precisions follow the same line" to the right of float32's minimum
    right = eps > g["try_best32"]
    np.testing.assert_allclose(e32[right], e64[right], rtol=0.1)


def test_the_error_model_of_exercise_2(g):
    u_ratio = np.finfo(np.float32).eps / np.finfo(np.float64).eps
    assert g["ex2_u_ratio"] == u_ratio == 2.0**29
    assert g["ex2_eps_ratio"] == pytest.approx(2.0 ** (29 / 3))
    assert g["ex2_error_ratio"] == float(f"{2.0 ** (58 / 3):.2g}")
    assert g["ex2_seen_ratio"] == pytest.approx(g["try_best32"] / g["try_best64"])
    # "the nearest ratio the grid holds": powers of ten and three times them
    grid_ratios = [10.0**k * m for k in range(4) for m in (1 / 3, 1, 3)]
    nearest = min(grid_ratios, key=lambda r: abs(np.log(r / g["ex2_eps_ratio"])))
    assert g["ex2_seen_ratio"] == pytest.approx(nearest)
    # "some ... times larger": the model and the explorer agree within a factor 2
    assert 0.5 < g["try_ratio"] / g["ex2_error_ratio"] < 2
