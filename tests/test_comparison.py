import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from examples.collapse import best_line_loss  # noqa: E402
from examples.comparison import (  # noqa: E402
    HELD_OUT_HEADERS,
    SUMMARY_HEADERS,
    compare_activations,
    held_out_losses,
    held_out_rows,
    line_losses,
    median_loss,
    noisy_targets,
    plot_final_loss_ecdf,
    plot_median_loss,
    quartiles,
    share_lower,
    summarize,
    summary_rows,
)
from examples.data import noisy_parabola, parabola  # noqa: E402
from examples.ensemble import train_ensemble  # noqa: E402
from examples.outcomes import classify_runs  # noqa: E402
from examples.training import mean_squared_error  # noqa: E402

X, Y = parabola()


def test_noisy_targets_are_one_draw_per_seed():
    X_n, Y_n = noisy_targets([3, 7, 3])
    np.testing.assert_array_equal(X_n, X)
    for row, seed in zip(Y_n, [3, 7, 3], strict=True):
        np.testing.assert_array_equal(row, noisy_parabola(seed=seed)[1])
    with pytest.raises(ValueError, match="^seeds must name"):
        noisy_targets([])


def test_line_losses_row_by_row():
    _, Y_n = noisy_targets([0, 1])
    np.testing.assert_allclose(
        line_losses(X, Y_n), [best_line_loss(X, Y_n[0]), best_line_loss(X, Y_n[1])]
    )
    assert line_losses(X, Y).tolist() == [pytest.approx(78.0)]


def test_summary_fractions_are_the_outcomes_of_the_runs():
    final = np.array([7.7, 7.9, 70.1, 70.3, np.nan])
    s = summarize(final, 78.0)
    labels = classify_runs(final, 78.0).tolist()
    assert labels == ["fits", "in between", "in between", "straight line",
                      "diverged"]  # fmt: skip
    assert (s.fits, s.straight_line, s.diverged) == (0.2, 0.2, 0.2)
    # one line loss per run
    s = summarize(np.array([1.0, 1.0]), np.array([20.0, 5.0]))
    assert (s.fits, s.straight_line) == (0.5, 0.0)


def test_summary_counts_diverged_runs_as_worst():
    final = np.array([1.0, 2.0, np.nan, np.nan, np.nan])
    s = summarize(final, 78.0)
    assert s.median == np.inf and s.q1 == 2.0
    assert s.diverged == 0.6 and s.fits == 0.4 and s.runs == 5
    with pytest.raises(ValueError, match="^final_loss must be"):
        summarize(np.array([]), 78.0)


def test_quartiles_are_order_statistics():
    final = np.arange(100.0, 0.0, -1.0)  # 100..1, in any order
    s = summarize(final, 1000.0)
    # each quartile is an actual run: the 25th, 50th and 75th smallest
    assert (s.q1, s.median, s.q3) == (25.0, 50.0, 75.0)


def test_median_loss_per_epoch_matches_the_summary():
    loss = np.array([[4.0, 1.0, np.nan, 2.0], [3.0, 0.5, np.nan, 0.25]])
    expected = [summarize(row, 78.0).median for row in loss]
    np.testing.assert_array_equal(median_loss(loss), expected)
    assert median_loss(loss).tolist() == [2.0, 0.5]
    with pytest.raises(ValueError, match="^loss must have shape"):
        median_loss(np.ones(3))


@pytest.fixture(scope="module")
def runs():
    return compare_activations(
        X,
        Y,
        names=["relu", "sigmoid"],
        sizes=(1, 3, 1),
        seeds=[4, 2, 8],
        lr=0.001,
        momentum=0.1,
        num_epochs=4,
    )


def test_every_activation_gets_the_same_seeds_and_settings(runs):
    for name, history in runs.items():
        alone = train_ensemble(
            X,
            Y,
            sizes=(1, 3, 1),
            activations=name,
            seeds=[4, 2, 8],
            lr=0.001,
            momentum=0.1,
            num_epochs=4,
        )
        np.testing.assert_array_equal(history.loss, alone.loss)
        assert history.seeds.tolist() == [4, 2, 8]
    with pytest.raises(ValueError, match="^names must list"):
        compare_activations(
            X, Y, names=[], sizes=(1, 3, 1), seeds=[0], lr=0.1, num_epochs=1
        )


def test_summary_rows_and_headers(runs):
    rows = summary_rows(runs, 78.0)
    assert [r[0] for r in rows] == ["ReLU", "sigmoid"]
    assert all(len(r) == len(SUMMARY_HEADERS) for r in rows)
    s = summarize(runs["relu"].final_loss, 78.0)
    assert rows[0][1] == f"{s.median:.3g}"
    assert rows[0][3] == f"{100 * s.fits:.1f}%"
    assert rows[0][4] == f"{100 * s.straight_line:.1f}%"


def test_plots(runs):
    fig, (a, b) = plt.subplots(1, 2)
    assert plot_final_loss_ecdf(runs, 78.0, ax=a, title="t") is a
    first = a.get_lines()[0]
    np.testing.assert_allclose(
        first.get_xdata(), np.sort(runs["relu"].final_loss / 78.0)
    )
    np.testing.assert_allclose(first.get_ydata(), [1 / 3, 2 / 3, 1.0])
    assert a.get_xlim()[1] == pytest.approx(10.0)
    assert plot_median_loss(runs, ax=b, log=False) is b
    np.testing.assert_array_equal(
        b.get_lines()[1].get_ydata(), median_loss(runs["sigmoid"].loss)
    )
    assert b.get_yscale() == "linear"
    plt.close(fig)


def test_quartiles_are_those_of_sorted_runs():
    loss = np.array([5.0, 1.0, 4.0, 2.0, 3.0, 6.0, 8.0, 7.0])
    # 8 runs: the 2nd, 4th and 6th smallest
    assert quartiles(loss) == (2.0, 4.0, 6.0)
    assert quartiles(np.array([1.0, np.nan, np.nan, np.nan])) == (1.0, np.inf, np.inf)
    with pytest.raises(ValueError, match="^loss must be"):
        quartiles(np.array([]))


def test_share_lower_pairs_runs_by_seed():
    a = np.array([1.0, 2.0, 3.0, np.nan, 1.0])
    b = np.array([2.0, 1.0, 3.0, 1.0, np.nan])
    assert share_lower(a, b) == 2 / 5  # ties and diverged runs are not lower
    assert share_lower(b, a) == 2 / 5
    with pytest.raises(ValueError, match="loss_a and loss_b"):
        share_lower(a, b[:-1])


def test_held_out_losses_and_rows(runs):
    X_held = np.array([-4.5, 0.5, 3.5])
    y_held = X_held**2 + 1
    losses = {n: held_out_losses(h, X_held, y_held) for n, h in runs.items()}
    for name, history in runs.items():
        for k in range(len(history.seeds)):
            model = history.model(k)
            expected = mean_squared_error(model, X_held, y_held)
            assert losses[name][k] == pytest.approx(expected, rel=1e-5)
    rows = held_out_rows(losses)
    medians = [float(r[1]) for r in rows]
    assert medians == sorted(medians)  # best first
    assert {r[0] for r in rows} == {"ReLU", "sigmoid"}
    assert all(len(r) == len(HELD_OUT_HEADERS) for r in rows)
