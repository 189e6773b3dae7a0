import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from examples.activations import (  # noqa: E402
    FACTS,
    NAMES,
    apply,
    closed_form,
    closed_form_derivative,
    derivative,
    derivative_extremes,
    extremes,
    facts_rows,
    plot_activations,
    value_extremes,
)
from examples.models import ACTIVATIONS  # noqa: E402

# A grid that avoids the kink x = 0 of ReLU and Leaky ReLU.
GRID = np.concatenate([np.linspace(-8.0, -1e-3, 400), np.linspace(1e-3, 8.0, 400)])
ALL = sorted(ACTIVATIONS)


@pytest.mark.parametrize("name", ALL)
def test_module_values_match_the_formulas(name):
    np.testing.assert_allclose(apply(name, GRID), closed_form(name, GRID), atol=1e-12)


@pytest.mark.parametrize("name", ALL)
def test_autograd_derivative_matches_the_closed_form(name):
    np.testing.assert_allclose(
        derivative(name, GRID), closed_form_derivative(name, GRID), atol=1e-12
    )


@pytest.mark.parametrize("name", ALL)
def test_closed_form_derivative_matches_finite_differences(name):
    # A third, independent reference: central differences of the formula itself.
    h = 1e-6
    numeric = (closed_form(name, GRID + h) - closed_form(name, GRID - h)) / (2 * h)
    np.testing.assert_allclose(closed_form_derivative(name, GRID), numeric, atol=1e-7)


def test_gelu_derivative_is_phi_plus_x_times_density():
    # Written out from math.erf and math.exp only, point by point.
    for x in [-3.0, -0.75, 0.0, 0.5, 1.4142, 4.0]:
        cdf = 0.5 * (1 + math.erf(x / math.sqrt(2)))
        pdf = math.exp(-x * x / 2) / math.sqrt(2 * math.pi)
        assert derivative("gelu", [x])[0] == pytest.approx(cdf + x * pdf, abs=1e-12)


def test_derivative_at_the_kink_follows_pytorch():
    assert derivative("relu", [0.0]).tolist() == [0.0]
    assert derivative("leaky_relu", [0.0]).tolist() == [0.01]
    assert closed_form_derivative("relu", [0.0]).tolist() == [0.0]
    assert closed_form_derivative("leaky_relu", [0.0]).tolist() == [0.01]


def test_uses_the_networks_own_modules():
    x = torch.linspace(-3, 3, 7, dtype=torch.float64)
    for name in ALL:
        expected = ACTIVATIONS[name]()(x).numpy()
        np.testing.assert_array_equal(apply(name, x.numpy()), expected)


def test_known_extremes():
    assert derivative_extremes("sigmoid").max_value == pytest.approx(0.25, abs=1e-12)
    assert derivative_extremes("sigmoid").argmax == pytest.approx(0.0, abs=1e-9)
    assert derivative_extremes("tanh").max_value == pytest.approx(1.0, abs=1e-12)
    gelu = derivative_extremes("gelu")
    assert gelu.max_value > 1.0 and gelu.min_value < 0.0
    # The minimum of x * Phi(x) is where its derivative crosses zero.
    low = value_extremes("gelu")
    assert closed_form_derivative("gelu", low.argmin)[()] == pytest.approx(0, abs=1e-4)
    assert low.min_value == pytest.approx(-0.17, abs=0.001)


def test_extremes_checks_lengths():
    with pytest.raises(ValueError, match="^values and grid"):
        extremes(np.array([1.0, 2.0]), np.array([0.0]))


def test_facts_rows_measure_the_slope_and_the_gelu_range():
    rows = {r[0]: r for r in facts_rows(NAMES)}
    assert rows["sigmoid"][3] == "0.25" and rows["tanh"][3] == "1"
    assert rows["GELU"][2] == "$[-0.17, \\infty)$"
    assert [FACTS[n].label for n in NAMES] == list(rows)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: apply("swish", [0.0]), "^name must be one of"),
        (lambda: derivative("relu", [float("nan")]), "^x must hold only finite"),
        (lambda: derivative_extremes("relu", lo=1.0, hi=0.0), "^hi must be greater"),
        (lambda: value_extremes("relu", num=0), "^num must be"),
    ],
)
def test_bad_arguments(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_plot_draws_each_function_and_its_autograd_derivative():
    fig, axes = plt.subplots(1, 2)
    assert plot_activations(NAMES, axes=axes) is axes
    lines_f, lines_d = axes[0].get_lines(), axes[1].get_lines()
    # five curves plus the two axis lines on each panel
    assert len(lines_f) == len(lines_d) == len(NAMES) + 2
    for name, line in zip(NAMES, lines_d, strict=False):
        x = line.get_xdata()
        np.testing.assert_allclose(line.get_ydata(), derivative(name, x))
    with pytest.raises(ValueError, match="^axes must be a pair"):
        plot_activations(NAMES, axes=[axes[0]])
    plt.close(fig)
