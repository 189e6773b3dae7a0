"""Plot helpers: each takes an optional Axes, draws on it and returns it.

Nothing here calls ``plt.show()`` or changes matplotlib's settings on import; a
chapter calls :func:`use_book_style` once.

Figures are drawn for a phone. The content column is about 358 CSS px wide at 390 px
and 750 px at 1280 px; a figure is shown at its natural size at most. A one-panel
figure is 5 inches wide (500 px), so its 10 pt text is drawn at 10 CSS px or more on a
phone. A figure whose panels sit in one row is shown side by side on a wide screen and
as a stack of its panels on a narrow one: the site (``book/_ext/bml_site.py``) cuts the
panels apart where the PNG's metadata (:func:`figure_png_info`) says they are. No text
of a figure the book shows is smaller than :data:`MIN_FONT_PT`.

Shown in chapter 1 (``01-learning-by-nudging``); chapter 2 (``02-pytorch-linear``,
figures ``fig-pytorch-fit``, ``fig-pytorch-loss``); chapter 3 (``03-linear-regression``,
figures ``fig-regression-fit``, ``fig-regression-loss``); chapter 4
(``04-parabola-network``, figures ``fig-overfitting``, ``fig-parabola-failure``,
``fig-parabola-loss``); chapter 5 (``05-backpropagation``); chapter 6
(``06-mini-batches``, figure ``fig-mini-batches-shuffle``); chapter 7
(``07-deeper-networks``, figures ``fig-deep-loss``, ``fig-noisy-target``); chapter 8
(``08-activation-functions``); chapter 9 (``09-training-with-activations``); chapter 10
(``10-classification``).
"""

from __future__ import annotations

import importlib
import itertools
import json
from collections.abc import Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Text
from torch import nn

from examples import _validate
from examples.training import History, predict

#: Colour-blind safe colours (Okabe and Ito), used in this order by every figure.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]

#: The smallest text, in points, of a figure the book shows (the body font size).
MIN_FONT_PT = 10.0

BOOK_STYLE = {
    "figure.figsize": (5.0, 3.2),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "axes.prop_cycle": mpl.cycler(color=PALETTE),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "legend.frameon": False,
    "lines.linewidth": 2.0,
    "font.size": 10,
    # Reproducible files: a fixed hash salt for SVG ids and no creation date.
    "svg.hashsalt": "basics-of-ml",
    "path.simplify": True,
}


def use_book_style() -> None:
    """Set the book's figure style for the rest of the session (one call per chapter).

    In IPython (a notebook), figures are also shown through :func:`book_png`, which
    raises text below :data:`MIN_FONT_PT` and records the panels in the PNG.

    >>> use_book_style()
    >>> plt.rcParams["axes.spines.top"]
    False
    """
    plt.rcParams.update(BOOK_STYLE)
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with Jupyter
        return
    shell = get_ipython()
    if shell is not None:
        backend = mpl.get_backend()
        if backend.startswith("module://"):
            # Load the backend now: Jupyter's inline backend sets IPython's figure
            # formatters when it loads, and would replace ours if it loaded later.
            importlib.import_module(backend.removeprefix("module://"))
        formatter = shell.display_formatter.formatters["image/png"]
        formatter.for_type(Figure, book_png)


def _texts(fig: Figure) -> list[Text]:
    return [
        t
        for t in fig.findobj(Text)
        if t.get_visible() and t.get_text().strip() and t.get_figure() is fig
    ]


def raise_small_text(fig: Figure, floor: float = MIN_FONT_PT) -> Figure:
    """Set every visible text of ``fig`` smaller than ``floor`` points to ``floor``."""
    if not isinstance(fig, Figure):
        raise ValueError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    if not floor > 0:
        raise ValueError(f"floor must be a positive font size in points, got {floor}")
    for text in _texts(fig):
        if text.get_fontsize() < floor:
            text.set_fontsize(floor)
    return fig


def figure_png_info(
    fig: Figure, pad_inches: float | None = None, panels: bool = True
) -> dict[str, str]:
    """What the site needs to know of a figure's PNG, as PNG text metadata.

    ``bml:min-font-px``, the height in pixels of its smallest text at the figure's
    dpi, and ``bml:panels``, for a figure whose axes sit in one row, their horizontal
    extents ``[left, right]`` in pixels of the PNG that ``savefig(...,
    bbox_inches="tight")`` writes (``pad_inches`` as that call), left to right;
    ``panels=False`` leaves it out (a PNG of the whole canvas).
    """
    if not isinstance(fig, Figure):
        raise ValueError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    sizes = [t.get_fontsize() for t in _texts(fig)] or [plt.rcParams["font.size"]]
    info = {"bml:min-font-px": f"{min(sizes) * fig.dpi / 72:.2f}"}
    axes = sorted(
        (ax for ax in fig.axes if ax.get_visible()), key=lambda a: a.get_position().x0
    )
    # one row: each axes right of the previous one, at an overlapping height
    places = [ax.get_position() for ax in axes]
    one_row = all(
        a.x1 <= b.x0 and a.y0 < b.y1 and b.y0 < a.y1
        for a, b in itertools.pairwise(places)
    )
    boxes = [ax.get_tightbbox(renderer) for ax in axes]
    if panels and len(boxes) >= 2 and one_row:
        pad = plt.rcParams["savefig.pad_inches"] if pad_inches is None else pad_inches
        left = (fig.get_tightbbox(renderer).x0 - pad) * fig.dpi
        info["bml:panels"] = json.dumps(
            [[round(b.x0 - left), round(b.x1 - left)] for b in boxes]
        )
    return info


def book_png(fig: Figure) -> str | None:
    """A figure as the notebook shows it: base64 PNG with :func:`figure_png_info`.

    IPython's own PNG formatter with the text raised to :data:`MIN_FONT_PT`; a
    figure without axes or images shows nothing, as there.
    """
    from IPython.core.pylabtools import print_figure

    if not fig.axes and not fig.images:
        return None
    raise_small_text(fig)
    return print_figure(
        fig, "png", bbox_inches="tight", base64=True, metadata=figure_png_info(fig)
    )


def get_axes(ax: Axes | None = None) -> Axes:
    """``ax``, or the current Axes of pyplot when ``ax`` is None: the first line of
    every plot helper, which takes ``ax=None`` and returns the Axes it drew on
    (CONTRIBUTING: "Plot helpers take an ``ax=None``").

    >>> fig, (left, right) = plt.subplots(1, 2)
    >>> get_axes(right) is right, get_axes() is right  # plt.gca(): the last made
    (True, True)
    >>> plt.close(fig)
    """
    if ax is not None and not isinstance(ax, Axes):
        raise ValueError(f"ax must be a matplotlib Axes or None, got {ax!r}")
    return ax if ax is not None else plt.gca()


_axes = get_axes  # the helper's earlier, private name


def plot_fit(
    model: nn.Module,
    X: Sequence[float] | np.ndarray,
    y: Sequence[float] | np.ndarray,
    ax: Axes | None = None,
    grid: Sequence[float] | np.ndarray | None = None,
    label: str = "model",
) -> Axes:
    """Scatter the data and draw the model's prediction over ``grid``.

    ``grid`` defaults to 200 points spanning the data's ``x`` range.
    """
    X_arr, y_arr = _validate.data_pair(X, y)
    ax = get_axes(ax)
    if grid is None:
        grid = np.linspace(X_arr.min(), X_arr.max(), 200)
    y_hat = predict(model, grid)
    ax.plot(grid, y_hat, label=label, color=PALETTE[1])
    ax.scatter(X_arr, y_arr, label="data", color=PALETTE[0], zorder=3)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend()
    return ax


def plot_loss_curve(
    losses: History | Sequence[float],
    ax: Axes | None = None,
    label: str | None = None,
    log: bool = True,
) -> Axes:
    """The mean training loss per epoch, on a log scale by default."""
    values = losses.loss if isinstance(losses, History) else list(losses)
    values = _validate.finite_vector("losses", values)
    ax = get_axes(ax)
    ax.plot(np.arange(len(values)), values, label=label)
    if log and np.all(values > 0):
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("mean loss")
    if label:
        ax.legend()
    return ax
