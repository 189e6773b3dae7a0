"""Animations of learning that play in a static web page, with no kernel.

A scene is a matplotlib figure plus an ``update(i)`` that redraws it for frame
``i``. :func:`animate` renders every frame to a PNG reduced to a small colour
palette (a line chart needs few colours, and the files shrink several times) and
wraps the frames in one self-contained piece of HTML: an image with real alt text, a
play/pause button, previous/next buttons and a frame slider, all labelled for
screen readers. The player starts on the last frame (the result, which is also what
a printout or a reader without JavaScript sees), plays once from the beginning when
it scrolls into view unless the reader asked for reduced motion, and stops.

A notebook cell displays an :class:`Animation` through its ``_repr_html_``; the
book's pages show it as it is, without a kernel. Rendering is deterministic: the same
arguments give the same bytes.

Shown in chapter 2 (``02-pytorch-linear``, figure
``fig-pytorch-training-animation``).
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from examples import _validate
from examples.plotting import PALETTE, figure_png_info
from examples.training import History

#: The pages of the book keep each page, images included, under this many bytes.
PAGE_BUDGET_BYTES = 2_000_000


@dataclass(frozen=True)
class Animation:
    """Frames (PNG files as bytes) and what a reader needs to play them."""

    frames: tuple[bytes, ...]
    alt: str
    interval_ms: int = 150

    def __post_init__(self) -> None:
        if not self.frames:
            raise ValueError("frames must hold at least one PNG image")
        for i, frame in enumerate(self.frames):
            if not frame.startswith(b"\x89PNG\r\n\x1a\n"):
                raise ValueError(f"frames[{i}] is not a PNG image")
        _alt_text(self.alt)
        _validate.positive_int("interval_ms", self.interval_ms)

    @property
    def num_frames(self) -> int:
        """How many frames the animation has."""
        return len(self.frames)

    @property
    def size(self) -> tuple[int, int]:
        """Width and height of the frames in pixels."""
        with Image.open(io.BytesIO(self.frames[0])) as image:
            return image.size

    def to_html(self) -> str:
        """The animation and its player as one piece of HTML with inline script."""
        sources = [
            "data:image/png;base64," + base64.b64encode(f).decode("ascii")
            for f in self.frames
        ]
        digest = hashlib.sha256(b"".join(self.frames)).hexdigest()[:12]
        uid = f"bml-anim-{digest}"
        width, height = self.size
        last = self.num_frames - 1
        return _PLAYER.format(
            uid=uid,
            alt=html.escape(self.alt, quote=True),
            src=sources[-1],
            width=width,
            height=height,
            last=last,
            total=self.num_frames,
            frames=json.dumps(sources),
            interval=self.interval_ms,
        )

    def _repr_html_(self) -> str:
        return self.to_html()

    @property
    def nbytes(self) -> int:
        """The size of :meth:`to_html` in bytes, what the animation adds to a page."""
        return len(self.to_html().encode("utf-8"))


def _alt_text(alt: str) -> str:
    if not isinstance(alt, str) or len(alt.split()) < 3:
        raise ValueError(
            f"alt must describe the animation in words (3 or more), got {alt!r}"
        )
    return alt


def render_frames(
    fig: Figure, update: Callable[[int], object], num_frames: int, colors: int = 64
) -> list[bytes]:
    """Call ``update(i)`` for each frame and save the figure as a palette PNG.

    ``colors`` is the size of the palette (2 to 256). The figure is left open.
    """
    num_frames = _validate.iteration_count("num_frames", num_frames, limit=10**5)
    colors = _validate.positive_int("colors", colors)
    if not 2 <= colors <= 256:
        raise ValueError(f"colors must be between 2 and 256, got {colors}")
    frames = []
    for i in range(num_frames):
        update(i)
        fig.canvas.draw()
        width, height = fig.canvas.get_width_height(physical=True)
        rgba = Image.frombuffer("RGBA", (width, height), fig.canvas.buffer_rgba())
        small = rgba.convert("RGB").quantize(
            colors=colors, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
        )
        # The quantiser averages colours: give the background its pure white back.
        palette = small.getpalette()
        for k in range(0, len(palette), 3):
            if min(palette[k : k + 3]) >= 250:
                palette[k : k + 3] = [255, 255, 255]
        small.putpalette(palette)
        out = io.BytesIO()
        info = PngInfo()  # the site reads the text size of a frame from it
        for key, value in figure_png_info(fig, panels=False).items():
            info.add_text(key, value)
        small.save(out, format="PNG", optimize=True, pnginfo=info)
        frames.append(out.getvalue())
    return frames


def animate(
    fig: Figure,
    update: Callable[[int], object],
    num_frames: int,
    alt: str,
    interval_ms: int = 150,
    colors: int = 64,
) -> Animation:
    """Render ``num_frames`` frames of ``fig`` and close it (so it is not shown twice).

    >>> fig, ax = plt.subplots(figsize=(2, 1))
    >>> line, = ax.plot([0, 1], [0, 0])
    >>> anim = animate(fig, lambda i: line.set_ydata([0, i]), 3,
    ...                alt="A line that tilts upwards.")
    >>> anim.num_frames, anim.size
    (3, (200, 100))
    """
    _alt_text(alt)
    try:
        frames = render_frames(fig, update, num_frames, colors=colors)
    finally:
        plt.close(fig)
    return Animation(tuple(frames), alt, interval_ms)


def frame_indices(num_items: int, num_frames: int) -> list[int]:
    """At most ``num_frames`` indices into ``num_items`` items, denser at the start.

    The first and last items are always included; in between, the indices are
    spaced geometrically, because training changes most in its first epochs.

    >>> frame_indices(201, 8)
    [0, 1, 4, 9, 20, 43, 93, 200]
    >>> frame_indices(4, 10)
    [0, 1, 2, 3]
    """
    num_items = _validate.iteration_count("num_items", num_items)
    num_frames = _validate.iteration_count("num_frames", num_frames, limit=10**5)
    if num_frames >= num_items:
        return list(range(num_items))
    if num_frames == 1:
        return [num_items - 1]
    # Grow the geometric grid until, after rounding, it has num_frames distinct values.
    count = num_frames
    while True:
        grid = np.geomspace(1, num_items, count) - 1
        indices = sorted({int(round(v)) for v in grid})
        if len(indices) >= num_frames or count > 100 * num_frames:
            break
        count += 1
    if len(indices) > num_frames:  # keep the ends, thin the middle evenly
        keep = np.linspace(0, len(indices) - 1, num_frames).round().astype(int)
        indices = [indices[k] for k in keep]
    return indices


class TrainingScene:
    """Chapter 2's training run: the learned line and the loss, epoch by epoch.

    Left: the data and the line ``weight * x + bias`` at the end of the epoch.
    Right: the mean loss per epoch so far, on a log scale. With ``start``, the
    initial ``(weight, bias)``, a first frame shows the line before training.
    """

    def __init__(
        self,
        history: History,
        X: Sequence[float] | np.ndarray,
        y: Sequence[float] | np.ndarray,
        epochs: Sequence[int],
        figsize: tuple[float, float] = (8, 3.2),
        start: tuple[float, float] | None = None,
    ):
        if not isinstance(history, History) or not history.weight:
            raise ValueError(
                "history must be the History of a model with one nn.Linear(1, 1) "
                "layer (it records the weight and bias of every epoch)"
            )
        X_arr, y_arr = _validate.data_pair(X, y)
        epochs = [int(e) for e in epochs]
        if not epochs or any(not 0 <= e < history.num_epochs for e in epochs):
            raise ValueError(
                f"epochs must be indices between 0 and {history.num_epochs - 1}, "
                f"got {epochs}"
            )
        self.history, self.epochs = history, epochs
        self.start = None if start is None else _start_pair(start)
        # Frame k shows the line of self.frames[k]: None is the start.
        self.frames: list[int | None] = ([None] if start is not None else []) + epochs
        self.fig, (self.ax_fit, self.ax_loss) = plt.subplots(1, 2, figsize=figsize)
        span = X_arr.max() - X_arr.min() or 1.0
        self.xs = np.array([X_arr.min() - 0.1 * span, X_arr.max() + 0.1 * span])
        ax = self.ax_fit
        ax.scatter(X_arr, y_arr, color=PALETTE[0], zorder=3, label="data")
        (self.line,) = ax.plot([], [], color=PALETTE[1], label="model")
        lines = [self._line(e) for e in self.frames]
        low = min(float(y_arr.min()), min(float(v.min()) for v in lines))
        high = max(float(y_arr.max()), max(float(v.max()) for v in lines))
        pad = 0.08 * (high - low or 1.0)
        ax.set_xlim(*self.xs)
        ax.set_ylim(low - pad, high + pad)
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        ax.legend(loc="upper left")
        self.title = ax.set_title("")
        ax = self.ax_loss
        (self.loss_line,) = ax.plot([], [], color=PALETTE[0])
        (self.loss_dot,) = ax.plot([], [], marker="o", color=PALETTE[1])
        losses = np.asarray(history.loss)
        ax.set_xlim(-1, history.num_epochs)
        if np.all(losses > 0):
            ax.set_yscale("log")
            ax.set_ylim(losses.min() / 2, losses.max() * 2)
        ax.set_xlabel("epoch")
        ax.set_ylabel("mean loss")
        self.update(len(self.frames) - 1)  # lay out with a title in place
        self.fig.tight_layout()

    @property
    def num_frames(self) -> int:
        return len(self.frames)

    def _line(self, e: int | None) -> np.ndarray:
        h = self.history
        w, b = self.start if e is None else (h.weight[e], h.bias[e])
        return w * self.xs + b

    def update(self, i: int) -> None:
        """Draw frame ``i``: the start, or the end of epoch ``frames[i]``."""
        h, e = self.history, self.frames[i]
        self.line.set_data(self.xs, self._line(e))
        if e is None:
            w, b = self.start
            self.title.set_text(f"before training: weight {w:.2f}, bias {b:.2f}")
            self.loss_line.set_data([], [])
            self.loss_dot.set_data([], [])
            return
        self.title.set_text(
            f"epoch {e}: weight {h.weight[e]:.2f}, bias {h.bias[e]:.2f}"
        )
        self.loss_line.set_data(np.arange(e + 1), h.loss[: e + 1])
        self.loss_dot.set_data([e], [h.loss[e]])


def _start_pair(start: object) -> tuple[float, float]:
    try:
        w, b = (float(v) for v in start)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        w = b = float("nan")
    if not (np.isfinite(w) and np.isfinite(b)):
        raise ValueError(
            f"start must be the initial (weight, bias), two finite numbers, "
            f"got {start!r}"
        )
    return w, b


def training_animation(
    history: History,
    X: Sequence[float] | np.ndarray,
    y: Sequence[float] | np.ndarray,
    num_frames: int = 40,
    alt: str | None = None,
    interval_ms: int = 150,
    start: tuple[float, float] | None = None,
) -> Animation:
    """The line a :class:`~examples.models.LinearModel` learns, over its epochs.

    Frames are spaced by :func:`frame_indices`: dense in the first epochs, where
    the line moves most. With ``start``, the model's initial ``(weight, bias)``, one
    more frame comes first and shows the line before training.
    """
    if not isinstance(history, History) or not history.weight:
        raise ValueError(
            "history must be the History of a model with one nn.Linear(1, 1) layer"
        )
    epochs = frame_indices(history.num_epochs, num_frames)
    scene = TrainingScene(history, X, y, epochs, start=start)
    if alt is None:
        origin = "its random start" if start is not None else "the end of epoch 0"
        alt = (
            f"Animation over {history.num_epochs} epochs: on the left the model's "
            f"line swings from {origin} onto the data points, fast at first "
            f"and then barely moving; on the right the mean loss falls steeply and "
            f"then steadily on a logarithmic scale."
        )
    return animate(scene.fig, scene.update, scene.num_frames, alt, interval_ms)


# The player. Buttons carry visible text (their accessible names); the slider has a
# label; the counter is not announced on every frame (aria-live off) so a screen
# reader is not flooded while it plays.
_PLAYER = """\
<div class="bml-animation" id="{uid}">
<style>
.bml-animation {{ max-width: 100%; }}
.bml-animation img {{ max-width: 100%; height: auto; display: block; }}
.bml-animation__controls {{ display: flex; flex-wrap: wrap; gap: 0.5rem;
  align-items: center; margin-top: 0.4rem; font-size: 0.9rem; }}
.bml-animation__controls button {{ min-width: 5.5rem; padding: 0.2rem 0.6rem;
  border: 1px solid currentColor; border-radius: 0.3rem; background: transparent;
  color: inherit; cursor: pointer; }}
.bml-animation__controls input[type=range] {{ flex: 1 1 10rem; }}
</style>
<img class="bml-animation__frame" src="{src}" width="{width}" height="{height}" \
alt="{alt}">
<div class="bml-animation__controls" role="group" aria-label="Animation controls">
<button type="button" class="bml-animation__play">Play</button>
<button type="button" class="bml-animation__prev">Previous</button>
<button type="button" class="bml-animation__next">Next</button>
<label>Frame <input type="range" class="bml-animation__slider" min="0" max="{last}" \
value="{last}" step="1"></label>
<span class="bml-animation__counter" aria-live="off">{total} of {total}</span>
</div>
<script>
(function () {{
  var root = document.getElementById("{uid}");
  if (!root || root.dataset.ready) return;
  root.dataset.ready = "1";
  var frames = {frames};
  var img = root.querySelector("img");
  var play = root.querySelector(".bml-animation__play");
  var slider = root.querySelector(".bml-animation__slider");
  var counter = root.querySelector(".bml-animation__counter");
  var last = frames.length - 1, current = last, timer = null;
  function show(i) {{
    current = Math.max(0, Math.min(last, i));
    img.src = frames[current];
    slider.value = current;
    counter.textContent = (current + 1) + " of " + frames.length;
  }}
  function stop() {{
    if (timer) clearInterval(timer);
    timer = null;
    play.textContent = "Play";
  }}
  function start() {{
    if (current >= last) show(0);
    play.textContent = "Pause";
    timer = setInterval(function () {{
      if (current >= last) {{ stop(); return; }}
      show(current + 1);
    }}, {interval});
  }}
  play.addEventListener("click", function () {{ timer ? stop() : start(); }});
  root.querySelector(".bml-animation__prev").addEventListener("click", function () {{
    stop(); show(current - 1);
  }});
  root.querySelector(".bml-animation__next").addEventListener("click", function () {{
    stop(); show(current + 1);
  }});
  slider.addEventListener("input", function () {{ stop(); show(+slider.value); }});
  var calm = window.matchMedia &&
    window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  if (!calm && "IntersectionObserver" in window) {{
    var seen = new IntersectionObserver(function (entries) {{
      if (entries[0].isIntersecting) {{ seen.disconnect(); start(); }}
    }}, {{ threshold: 0.6 }});
    seen.observe(img);
  }}
}})();
</script>
</div>
"""
