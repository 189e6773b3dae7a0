import base64
import io
import json

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from examples.data import line_data  # noqa: E402
from examples.gradients import plot_loss_against_weight, slope_at  # noqa: E402
from examples.models import LinearModel  # noqa: E402
from examples.plotting import (  # noqa: E402
    MIN_FONT_PT,
    book_png,
    figure_png_info,
    plot_fit,
    plot_loss_curve,
    raise_small_text,
    use_book_style,
)
from examples.scratch import (  # noqa: E402
    learn_by_nudging,
    plot_error_path,
    plot_weight_path,
)
from examples.training import predict, train_per_sample  # noqa: E402


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def test_plot_fit_draws_the_model_and_the_data(ax):
    X, y = line_data()
    model = LinearModel(seed=0)
    assert plot_fit(model, X, y, ax=ax) is ax
    line = ax.get_lines()[0]
    np.testing.assert_allclose(
        line.get_ydata(), predict(model, line.get_xdata()), rtol=1e-6
    )
    np.testing.assert_array_equal(ax.collections[0].get_offsets()[:, 1], y)


def test_tangent_has_the_autograd_slope(ax):
    X, y = line_data()
    plot_loss_against_weight(X, y, weight=0.5, bias=0.1, ax=ax)
    tangent = ax.get_lines()[1]
    xs, ys = tangent.get_xdata(), tangent.get_ydata()
    assert (ys[1] - ys[0]) / (xs[1] - xs[0]) == pytest.approx(slope_at(X, y, 0.5, 0.1))


def test_paths_and_loss_curve(ax):
    result = learn_by_nudging(seed=0)
    assert plot_weight_path(result, ax=ax) is ax
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(), result.weights)
    assert plot_error_path(result, ax=ax) is ax
    X, y = line_data()
    history = train_per_sample(LinearModel(seed=0), X, y, lr=0.01, num_epochs=5)
    assert plot_loss_curve(history, ax=ax) is ax
    assert ax.get_yscale() == "log"


def test_loss_curve_refuses_nan_instead_of_plotting_it(ax):
    with pytest.raises(ValueError, match="losses must hold only finite numbers"):
        plot_loss_curve([1.0, float("nan")], ax=ax)


def test_style_is_applied_only_when_asked():
    before = plt.rcParams["axes.spines.top"]
    use_book_style()
    assert plt.rcParams["axes.spines.top"] is False
    plt.rcParams["axes.spines.top"] = before


# --- figures for a phone ---------------------------------------------------------


def _png_info(png: bytes) -> dict:
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        return dict(image.info), image.size


def test_raise_small_text_lifts_only_text_below_the_floor():
    use_book_style()
    fig, ax = plt.subplots()
    ax.plot([0, 1], label="a line")
    legend = ax.legend(fontsize=8)
    ax.set_title("title", fontsize=14)
    raise_small_text(fig)
    assert legend.get_texts()[0].get_fontsize() == MIN_FONT_PT
    assert ax.title.get_fontsize() == 14
    plt.close(fig)


@pytest.mark.parametrize("bad", [None, "fig", 3])
def test_png_helpers_reject_what_is_not_a_figure(bad):
    with pytest.raises(ValueError, match="fig must be a matplotlib Figure"):
        figure_png_info(bad)
    with pytest.raises(ValueError, match="fig must be a matplotlib Figure"):
        raise_small_text(bad)


def test_raise_small_text_rejects_a_floor_that_is_not_positive():
    fig = plt.figure()
    with pytest.raises(ValueError, match="floor must be a positive"):
        raise_small_text(fig, floor=0)
    plt.close(fig)


def test_png_info_gives_the_smallest_text_in_pixels_of_the_png():
    use_book_style()
    fig, ax = plt.subplots()
    ax.plot([0, 1], label="a line")
    ax.legend(fontsize=7)
    info = figure_png_info(fig)
    assert float(info["bml:min-font-px"]) == pytest.approx(7 * fig.dpi / 72, abs=0.01)
    assert "bml:panels" not in info  # one panel: nothing to stack
    plt.close(fig)


def test_png_info_finds_panels_in_one_row_where_the_saved_png_has_them():
    """Independent check: each recorded panel holds the ink of its own axes."""
    use_book_style()
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
    left.plot([0, 1], [0, 1], color="red")
    right.plot([0, 1], [1, 0], color="blue")
    right.set_ylabel("a label on the right panel")
    fig.tight_layout()
    info = figure_png_info(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    plt.close(fig)
    from PIL import Image

    pixels = np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("RGB"))
    panels = json.loads(info["bml:panels"])
    assert len(panels) == 2 and panels[0][1] <= panels[1][0]
    assert panels[1][1] <= pixels.shape[1]
    red = (pixels[..., 0] > 200) & (pixels[..., 1] < 80) & (pixels[..., 2] < 80)
    blue = (pixels[..., 2] > 200) & (pixels[..., 0] < 80) & (pixels[..., 1] < 80)
    red_cols, blue_cols = (
        np.nonzero(red.any(axis=0))[0],
        np.nonzero(blue.any(axis=0))[0],
    )
    assert panels[0][0] <= red_cols.min() and red_cols.max() <= panels[0][1]
    assert panels[1][0] <= blue_cols.min() and blue_cols.max() <= panels[1][1]


def test_two_rows_of_panels_are_not_recorded_as_a_row():
    fig, axes = plt.subplots(2, 1)
    assert "bml:panels" not in figure_png_info(fig)
    plt.close(fig)


def test_book_png_writes_the_info_and_raises_small_text():
    use_book_style()
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 3.8))
    a.plot([0, 1], label="x")
    a.legend(fontsize=6)
    b.plot([1, 0])
    info, (width, _) = _png_info(base64.b64decode(book_png(fig)))
    assert float(info["bml:min-font-px"]) == pytest.approx(
        MIN_FONT_PT * fig.dpi / 72, abs=0.01
    )
    assert json.loads(info["bml:panels"])[-1][1] <= width
    assert book_png(plt.figure()) is None  # no axes: nothing shown, as in IPython
    plt.close("all")


def test_book_style_one_panel_figure_keeps_10_pt_text_at_9_css_px_on_a_phone():
    """A one-panel figure drawn into the 358 px column of a 390 px screen."""
    use_book_style()
    fig, ax = plt.subplots()
    ax.plot([0, 1])
    info, (width, _) = _png_info(base64.b64decode(book_png(fig)))
    plt.close(fig)
    assert float(info["bml:min-font-px"]) * min(1.0, 358 / width) >= 9.0


def test_get_axes_is_the_given_axes_or_the_current_one():
    from examples.plotting import get_axes

    fig, (first, second) = plt.subplots(1, 2)
    assert get_axes(first) is first
    plt.sca(first)
    assert get_axes() is first and get_axes(None) is first
    with pytest.raises(ValueError, match="ax must be a matplotlib Axes or None"):
        get_axes(fig)
    plt.close(fig)
