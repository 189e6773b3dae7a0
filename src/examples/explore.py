"""Explorables: a control in the page picks one of many runs computed at build time.

An :class:`Explorer` holds a grid of settings (one or two controls, each a list of
values) and, for every point of the grid, a :class:`Panel`: the figure for that
setting as inline SVG, its alt text, a one-line summary and the numbers it shows.
:meth:`Explorer.to_html` writes one self-contained piece of HTML: labelled range
controls, every panel (all but the chosen one hidden) and a short inline script that
shows the panel of the chosen setting. With no script, in print and in the PDF, the
page shows the default setting's figure, a real figure. Nothing moves by itself, so
there is nothing for ``prefers-reduced-motion`` to stop.

The builders, one per chapter: :func:`step_size_explorer` (chapter 1),
:func:`learning_rate_explorer` (chapter 2), :func:`noise_explorer` (chapter 3),
:func:`seed_explorer` (chapter 4), :func:`nudge_explorer` (chapter 5),
:func:`settings_explorer` (chapter 6),
:func:`architecture_explorer` (chapter 7),
:func:`activation_shape_explorer` (chapter 8),
:func:`activation_explorer` (chapter 9) and :func:`classifier_explorer` (chapter 10).
They draw runs that the tests and the reader notebooks compute too. A grid of
hundreds of settings (chapter 4's thousand seeds) is written *compact*: one figure,
and for every other setting only the y coordinates of its lines and the outline of
its paths, which the script moves into a copy of that figure.

Shown in chapter 1 (``01-learning-by-nudging``); chapter 2 (``02-pytorch-linear``);
chapter 3 (``03-linear-regression``); chapter 4 (``04-parabola-network``);
chapter 5 (``05-backpropagation``);
chapter 6 (``06-mini-batches``);
chapter 7 (``07-deeper-networks``); chapter 8 (``08-activation-functions``);
chapter 9 (``09-training-with-activations``);
chapter 10 (``10-classification``).
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import product

import numpy as np

from examples import _validate
from examples.data import line_data, noisy_line
from examples.ensemble import EnsembleHistory, train_ensemble
from examples.least_squares import least_squares_line
from examples.models import LinearModel
from examples.outcomes import classify_runs, count_outcomes
from examples.plotting import PALETTE
from examples.scratch import NudgeResult, learn_by_nudging
from examples.training import History, TrainingDivergedError, train_per_sample

# ---------------------------------------------------------------------------------
# The generic explorer


@dataclass(frozen=True)
class Control:
    """One setting the reader changes: a name, a visible label and its values."""

    name: str
    label: str
    values: tuple[float | str, ...]
    default: float | str

    def __post_init__(self) -> None:
        if not self.name.isidentifier():
            raise ValueError(f"name must be an identifier, got {self.name!r}")
        if not self.label.strip():
            raise ValueError("label must not be empty: every control is labelled")
        if len(self.values) < 2:
            raise ValueError(f"values of {self.name} must hold at least two values")
        if self.default not in self.values:
            raise ValueError(
                f"default of {self.name} must be one of its values, got {self.default!r}"
            )

    def text(self, value: float | str) -> str:
        """The value as the page shows it, and as it appears in the panel keys."""
        return value if isinstance(value, str) else f"{value:g}"


@dataclass(frozen=True)
class Panel:
    """The figure for one setting: SVG, alt text, a summary and its numbers."""

    svg: str
    alt: str
    summary: str
    data: Mapping[str, str] = field(default_factory=dict)
    #: For a compact explorer: the y coordinates of each varying line, as drawn.
    lines: tuple[str, ...] = ()
    #: For a compact explorer: the text of each chart title, in order.
    titles: tuple[str, ...] = ()
    #: For a compact explorer: the ``d`` of each varying ``<path>``, in order.
    paths: tuple[str, ...] = ()


@dataclass(frozen=True)
class Explorer:
    """Controls and one :class:`Panel` per point of their grid."""

    label: str
    controls: tuple[Control, ...]
    panels: Mapping[tuple[float, ...], Panel]
    note: str = ""
    #: Write only the default panel's SVG; the script draws any other setting by
    #: copying it and moving its varying lines (:attr:`Panel.lines`) and titles.
    #: For grids of hundreds of settings that share the axes of one chart.
    compact: bool = False
    #: For a compact explorer: each panel's alt text is its summary, a space and
    #: this description of the figure, written once.
    alt_suffix: str = ""

    def __post_init__(self) -> None:
        if not self.controls:
            raise ValueError("controls must hold at least one Control")
        grid = set(product(*(c.values for c in self.controls)))
        if set(self.panels) != grid:
            missing = sorted(grid - set(self.panels))[:3]
            raise ValueError(f"panels must cover the grid exactly; missing {missing}")

    @property
    def default(self) -> tuple[float, ...]:
        """The setting shown first, with no script and in print."""
        return tuple(c.default for c in self.controls)

    def key(self, setting: Sequence[float]) -> str:
        """The panel's key in the page, e.g. ``lr=0.01|momentum=0.2``."""
        return "|".join(
            f"{c.name}={c.text(v)}" for c, v in zip(self.controls, setting, strict=True)
        )

    def to_html(self) -> str:
        """Controls, panels and the script that switches them, as one piece of HTML."""
        digest = hashlib.sha256(
            "".join(self.key(s) + p.svg for s, p in self.panels.items()).encode()
        ).hexdigest()[:12]
        uid = f"bml-explore-{digest}"
        chosen = self.default
        suffix = html.escape(self.alt_suffix, quote=True)
        parts = [f'<div class="bml-explore" id="{uid}" data-alt-suffix="{suffix}">']
        parts.append(_STYLE)
        parts.append(
            f'<div class="bml-explore__controls" role="group" '
            f'aria-label="{html.escape(self.label, quote=True)}">'
        )
        for c in self.controls:
            texts = [c.text(v) for v in c.values]
            index = c.values.index(c.default)
            ident = f"{uid}-{c.name}"
            parts.append(
                f'<div class="bml-explore__control">'
                f'<label for="{ident}">{html.escape(c.label)}</label>'
                f'<input type="range" id="{ident}" min="0" max="{len(texts) - 1}" '
                f'step="1" value="{index}" data-name="{c.name}" '
                f"data-values='{json.dumps(texts)}' "
                f'aria-valuetext="{texts[index]}">'
                f'<output for="{ident}" class="bml-explore__value">{texts[index]}'
                "</output></div>"
            )
        parts.append("</div>")
        parts.append('<div class="bml-explore__figure">')
        for setting, panel in self.panels.items():
            attrs = " ".join(
                f'data-{k}="{html.escape(str(v), quote=True)}"'
                for k, v in panel.data.items()
            )
            hidden = "" if setting == chosen else " hidden"
            if self.compact:
                if panel.alt != f"{panel.summary} {self.alt_suffix}":
                    raise ValueError(
                        "a compact explorer's alt text must be the panel's summary "
                        f"and its alt_suffix; {self.key(setting)} has {panel.alt!r}"
                    )
                attrs += f' data-lines="{";".join(panel.lines)}"'
                if panel.paths:
                    attrs += f' data-paths="{";".join(panel.paths)}"'
                if panel.titles:
                    titles = html.escape("|".join(panel.titles), quote=True)
                    attrs += f' data-titles="{titles}"'
            figure = (
                f'<svg role="img" aria-label="{html.escape(panel.alt, quote=True)}" '
                f"{panel.svg}"
                if setting == chosen or not self.compact
                else ""
            )
            parts.append(
                f'<div class="bml-explore__panel" data-key="{self.key(setting)}" '
                f'data-summary="{html.escape(panel.summary, quote=True)}" '
                f"{attrs}{hidden}>{figure}</div>"
            )
        parts.append("</div>")
        parts.append(
            '<p class="bml-explore__summary" aria-live="polite">'
            f"{html.escape(self.panels[chosen].summary)}</p>"
        )
        if self.note:
            parts.append(f'<p class="bml-explore__print">{html.escape(self.note)}</p>')
        parts.append(_SCRIPT.replace("UID", uid))
        parts.append("</div>")
        return "\n".join(parts)

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        """A few lines, not every panel: this is the notebook's plain-text output
        (the HTML output holds the panels), so a download stays small."""
        settings = ", ".join(
            f"{c.name} ({len(c.values)} values, default {c.text(c.default)})"
            for c in self.controls
        )
        summary = self.panels[self.default].summary
        return f"Explorer {self.label!r}: {settings}.\nDefault setting: {summary}"

    @property
    def nbytes(self) -> int:
        """The size of :meth:`to_html` in bytes, what the explorer adds to a page."""
        return len(self.to_html().encode("utf-8"))


_STYLE = """<style>
.bml-explore { margin: 0.75rem 0 1rem; }
.bml-explore__controls { display: flex; flex-wrap: wrap; gap: 0.4rem 1.5rem;
  align-items: center; margin-bottom: 0.5rem; }
.bml-explore__control { display: flex; align-items: center; gap: 0.5rem;
  flex: 1 1 16rem; margin: 0; }
.bml-explore__control input[type=range] { flex: 1 1 8rem; min-height: 1.75rem;
  accent-color: #0072B2; }
.bml-explore__value { min-width: 3.5rem; font-variant-numeric: tabular-nums;
  font-weight: 600; }
.bml-explore__panel svg { display: block; width: 100%; max-width: 40rem;
  height: auto; background: #ffffff; border-radius: 0.5rem; }
html[data-theme="dark"] .bml-explore__panel svg {
  box-shadow: 0 0 0 1px var(--pst-color-border, #555); }
.bml-explore__summary { margin: 0.4rem 0 0; font-size: 0.95rem; }
.bml-explore__print { display: none; }
@media print {
  .bml-explore__controls { display: none; }
  .bml-explore__print { display: block; font-style: italic; }
}
</style>"""

_SCRIPT = """<script>
(function () {
  var root = document.getElementById("UID");
  if (!root || root.dataset.ready) return;
  root.dataset.ready = "1";
  var inputs = root.querySelectorAll("input[type=range]");
  var panels = root.querySelectorAll(".bml-explore__panel");
  var summary = root.querySelector(".bml-explore__summary");
  var template = root.querySelector(".bml-explore__panel svg");
  function draw(panel) {
    // A compact explorer: copy the default figure, move its lines, retitle it.
    var svg = template.cloneNode(true);
    var lines = panel.dataset.lines.split(";");
    svg.querySelectorAll("polyline.bml-explore__line").forEach(function (l, i) {
      var ys = lines[i].split(" ");
      var xs = l.getAttribute("points").split(" ").map(function (p) {
        return p.split(",")[0];
      });
      l.setAttribute("points", xs.map(function (x, j) {
        return x + "," + ys[j];
      }).join(" "));
    });
    var paths = (panel.dataset.paths || "").split(";");
    svg.querySelectorAll("path.bml-explore__path").forEach(function (p, i) {
      p.setAttribute("d", paths[i]);
    });
    if (panel.dataset.titles) {
      var titles = panel.dataset.titles.split("|");
      svg.querySelectorAll(".bml-explore__title").forEach(function (t, i) {
        t.textContent = titles[i];
      });
    }
    svg.setAttribute(
      "aria-label", panel.dataset.summary + " " + root.dataset.altSuffix
    );
    panel.appendChild(svg);
  }
  function show() {
    var key = [];
    inputs.forEach(function (input) {
      var text = JSON.parse(input.dataset.values)[+input.value];
      input.setAttribute("aria-valuetext", text);
      input.nextElementSibling.textContent = text;
      key.push(input.dataset.name + "=" + text);
    });
    key = key.join("|");
    panels.forEach(function (panel) {
      var on = panel.dataset.key === key;
      if (on && !panel.querySelector("svg")) draw(panel);
      panel.hidden = !on;
      if (on) summary.textContent = panel.dataset.summary;
    });
  }
  inputs.forEach(function (input) {
    input.addEventListener("input", show);
    input.addEventListener("change", show);
  });
  show();
})();
</script>"""


# ---------------------------------------------------------------------------------
# A small SVG line chart in the book's style (examples.plotting)

_W, _H = 480, 290
_LEFT, _RIGHT, _TOP, _BOTTOM = 62, 14, 30, 46
_INK, _GRID = "#222222", "#dddddd"


def _num(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class _Axes:
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    log_y: bool = False

    def _y(self, v: float) -> float:
        lo, hi = self.y_range
        if self.log_y:
            v, lo, hi = math.log10(v), math.log10(lo), math.log10(hi)
        v = min(max(v, lo), hi)
        return _TOP + (hi - v) / (hi - lo) * (_H - _TOP - _BOTTOM)

    def _x(self, v: float) -> float:
        lo, hi = self.x_range
        return _LEFT + (v - lo) / (hi - lo) * (_W - _LEFT - _RIGHT)

    def point(self, x: float, y: float) -> str:
        return f"{_num(self._x(x))},{_num(self._y(y))}"


def svg_chart(
    axes: _Axes,
    series: Sequence[tuple[Sequence[float], Sequence[float], str]],
    *,
    x_ticks: Sequence[float],
    y_ticks: Sequence[tuple[float, str]],
    x_label: str,
    y_label: str,
    title: str,
    band: tuple[float, float] | None = None,
    zero_line: bool = False,
    marks: Sequence[tuple[float, float, str, str]] = (),
    scatter: Sequence[tuple[float, float]] = (),
    dashes: Sequence[str] = (),
    legend: Sequence[str] = (),
    varying: int = 0,
) -> str:
    """The rest of an ``<svg ...>`` tag: viewBox, then the chart, then ``</svg>``.

    ``series`` are ``(xs, ys, colour)`` lines, drawn with ``dashes[i]`` (an SVG
    dash array, "" for solid) and named ``legend[i]`` when given; ``scatter`` are
    data points; ``marks`` are ``(x, y, colour, text)`` points labelled with text.
    The first ``varying`` series are the lines a compact explorer moves (class
    ``bml-explore__line``). The caller writes ``<svg role="img" aria-label=..``.
    """
    x0, x1 = _LEFT, _W - _RIGHT
    y0, y1 = _TOP, _H - _BOTTOM
    out = [
        f'viewBox="0 0 {_W} {_H}" width="{_W}" height="{_H}" '
        'font-family="DejaVu Sans, Arial, sans-serif" font-size="13">',
        f'<rect width="{_W}" height="{_H}" fill="#ffffff"/>',
        f'<text class="bml-explore__title" x="{_W / 2}" y="18" '
        f'text-anchor="middle" font-size="14" fill="{_INK}">{html.escape(title)}</text>',
    ]
    if band is not None:
        top, bottom = axes._y(band[1]), axes._y(band[0])
        out.append(
            f'<rect x="{x0}" y="{_num(top)}" width="{x1 - x0}" '
            f'height="{_num(bottom - top)}" fill="{PALETTE[2]}" fill-opacity="0.25"/>'
        )
    for v, text in y_ticks:
        y = _num(axes._y(v))
        out.append(
            f'<line x1="{x0}" x2="{x1}" y1="{y}" y2="{y}" stroke="{_GRID}"/>'
            f'<text x="{x0 - 6}" y="{y}" dy="4" text-anchor="end" '
            f'fill="{_INK}">{html.escape(text)}</text>'
        )
    for v in x_ticks:
        x = _num(axes._x(v))
        out.append(
            f'<line x1="{x}" x2="{x}" y1="{y0}" y2="{y1}" stroke="{_GRID}"/>'
            f'<text x="{x}" y="{y1 + 17}" text-anchor="middle" '
            f'fill="{_INK}">{v:g}</text>'
        )
    if zero_line:
        y = _num(axes._y(0.0))
        out.append(f'<line x1="{x0}" x2="{x1}" y1="{y}" y2="{y}" stroke="{_INK}"/>')
    out.append(
        f'<path d="M{x0},{y0}V{y1}H{x1}" fill="none" stroke="{_INK}"/>'
        f'<text x="{(x0 + x1) / 2}" y="{_H - 8}" text-anchor="middle" '
        f'fill="{_INK}">{html.escape(x_label)}</text>'
        f'<text transform="translate(14 {(y0 + y1) / 2}) rotate(-90)" '
        f'text-anchor="middle" fill="{_INK}">{html.escape(y_label)}</text>'
    )
    for i, (xs, ys, colour) in enumerate(series):
        if i < varying:  # whole pixels, as the compact data hold them (_ys)
            points = " ".join(
                f"{_num(axes._x(x))},{round(axes._y(y))}"
                for x, y in zip(xs, ys, strict=True)
            )
        else:
            points = " ".join(axes.point(x, y) for x, y in zip(xs, ys, strict=True))
        dash = dashes[i] if i < len(dashes) and dashes[i] else ""
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        cls = ' class="bml-explore__line"' if i < varying else ""
        out.append(
            f'<polyline{cls} points="{points}" fill="none" stroke="{colour}" '
            f'stroke-width="2" stroke-linejoin="round"{dash_attr}/>'
        )
        if i < len(legend):
            y = y0 + 14 + 18 * i
            out.append(
                f'<line x1="{x0 + 10}" x2="{x0 + 38}" y1="{y}" y2="{y}" '
                f'stroke="{colour}" stroke-width="2"{dash_attr}/>'
                f'<text x="{x0 + 44}" y="{y}" dy="4" fill="{_INK}">'
                f"{html.escape(legend[i])}</text>"
            )
    for x, y in scatter:
        out.append(
            f'<circle class="bml-explore__point" cx="{_num(axes._x(x))}" '
            f'cy="{_num(axes._y(y))}" r="4.5" fill="{PALETTE[0]}"/>'
        )
    for x, y, colour, text in marks:
        px, py = axes._x(x), axes._y(y)
        anchor = "end" if px > (x0 + x1) / 2 else "start"
        dx = -8 if anchor == "end" else 8
        # Below a point at the top of the plot, where the title is; above any other.
        dy = 18 if py < y0 + 20 else -6
        out.append(
            f'<circle cx="{_num(px)}" cy="{_num(py)}" r="4" fill="{colour}"/>'
            f'<text x="{_num(px + dx)}" y="{_num(py)}" dy="{dy}" '
            f'text-anchor="{anchor}" fill="{_INK}">{html.escape(text)}</text>'
        )
    out.append("</svg>")
    return "".join(out)


# ---------------------------------------------------------------------------------
# Chapter 1: the step size of the nudging loop

#: The steps of chapter 1's explorer, from creeping to leaping.
STEPS = (0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.1, 0.15, 0.2, 0.3, 0.5)


def step_size_runs(
    steps: Sequence[float] = STEPS,
    tolerance: float = 0.1,
    max_iterations: int = 300,
    seed: int = 0,
) -> dict[float, NudgeResult]:
    """Chapter 1's run (x = 3, y = 9, the same seed) once for every step size."""
    if not steps:
        raise ValueError("steps must hold at least one step size")
    return {
        float(s): learn_by_nudging(
            x=3.0,
            y=9.0,
            step=s,
            tolerance=tolerance,
            max_iterations=max_iterations,
            seed=seed,
        )
        for s in steps
    }


def describe_nudging(result: NudgeResult) -> str:
    """One sentence: how many iterations the run took, or that it never stopped."""
    if result.converged:
        return (
            f"Step {result.step:g}: the error is within tolerance "
            f"({result.tolerance:g}) after {result.iterations} iterations."
        )
    tail = sorted({round(e, 3) for e in result.errors[-4:]})
    return (
        f"Step {result.step:g}: the error never gets within tolerance "
        f"({result.tolerance:g}) in {result.iterations} iterations; it ends up "
        f"jumping between {tail[0]:.3f} and {tail[-1]:.3f}."
    )


def _nudging_panel(result: NudgeResult, max_iterations: int) -> Panel:
    axes = _Axes((0, max_iterations), (-8.0, 2.0))
    n = result.iterations
    last = n - 1
    mark = (
        (last, result.final_error, PALETTE[1], f"stops at iteration {last}")
        if result.converged
        else (last, result.final_error, PALETTE[1], "never within tolerance")
    )
    svg = svg_chart(
        axes,
        [(range(n), result.errors, PALETTE[1])],
        x_ticks=range(0, max_iterations + 1, 50),
        y_ticks=[(v, f"{v:g}") for v in (-8, -6, -4, -2, 0, 2)],
        x_label="iteration",
        y_label="error",
        title=f"Step {result.step:g}, tolerance band ±{result.tolerance:g}",
        band=(-result.tolerance, result.tolerance),
        zero_line=True,
        marks=[mark],
    )
    start = result.errors[0]
    if result.converged:
        alt = (
            f"Line chart of the error against iteration for a step of "
            f"{result.step:g}. The error climbs in a straight line from {start:.2f} "
            f"by {3 * result.step:g} per iteration and enters the shaded tolerance "
            f"band around zero at iteration {last}, where the loop stops."
        )
    else:
        tail = sorted({round(e, 3) for e in result.errors[-4:]})
        alt = (
            f"Line chart of the error against iteration for a step of "
            f"{result.step:g}. The error climbs from {start:.2f} by "
            f"{3 * result.step:g} per iteration, then jumps back and forth across "
            f"the shaded tolerance band, between {tail[0]:.3f} and {tail[-1]:.3f}, "
            f"for all {n} iterations without ever landing inside it."
        )
    data = {
        "step": f"{result.step:g}",
        "converged": str(result.converged).lower(),
        "iterations": str(n),
        "final-error": repr(result.final_error),
    }
    return Panel(svg, alt, describe_nudging(result), data)


def step_size_explorer(
    steps: Sequence[float] = STEPS,
    default: float = 0.05,
    tolerance: float = 0.1,
    max_iterations: int = 300,
    seed: int = 0,
) -> Explorer:
    """Chapter 1's explorer: the error path of the nudging loop for each step."""
    max_iterations = _validate.positive_int("max_iterations", max_iterations)
    runs = step_size_runs(steps, tolerance, max_iterations, seed)
    control = Control("step", "Step size", tuple(runs), float(default))
    panels = {(s,): _nudging_panel(r, max_iterations) for s, r in runs.items()}
    note = (
        f"This figure shows the step {default:g}; on the book's website a slider "
        f"lets you choose any of {len(runs)} step sizes from {min(runs):g} to "
        f"{max(runs):g}."
    )
    return Explorer("Nudging loop settings", (control,), panels, note)


# ---------------------------------------------------------------------------------
# Chapter 2: learning rate and momentum of the PyTorch loop

#: The learning rates and momentums of chapter 2's explorer.
LRS = (0.001, 0.003, 0.01, 0.02, 0.03, 0.05, 0.07, 0.1)
MOMENTUMS = (0.0, 0.2, 0.5, 0.8, 0.9)


@dataclass(frozen=True)
class LinearRun:
    """One training run of chapter 2's model: its history, or where it diverged."""

    lr: float
    momentum: float
    loss: tuple[float, ...]
    diverged_at: int | None
    weight: float | None
    bias: float | None

    @property
    def outcome(self) -> str:
        """``"diverged"``, ``"grew"`` or ``"fell"``: what the mean loss did."""
        if self.diverged_at is not None:
            return "diverged"
        return "grew" if self.loss[-1] > self.loss[0] else "fell"


@functools.lru_cache(maxsize=256)
def lr_momentum_run(
    lr: float, momentum: float, num_epochs: int = 201, seed: int = 0
) -> LinearRun:
    """Chapter 2's run (six points on y = 3x, a weight and a bias, seed 0) with
    another learning rate and momentum. A run whose loss overflows is run again up
    to the epoch before, so that its loss curve can be drawn. Runs are remembered:
    the result is immutable, and the chapter and its explorer share them."""
    X, y = line_data(weight=3.0, n=6)

    def train(epochs: int) -> tuple[LinearModel, History]:
        model = LinearModel(bias=True, seed=seed)
        history = train_per_sample(
            model, X, y, lr=lr, momentum=momentum, num_epochs=epochs
        )
        return model, history

    try:
        model, history = train(num_epochs)
    except TrainingDivergedError as error:
        epoch = error.epoch
        loss: tuple[float, ...] = ()
        if epoch > 0:
            loss = tuple(train(epoch)[1].loss)
        return LinearRun(lr, momentum, loss, epoch, None, None)
    return LinearRun(lr, momentum, tuple(history.loss), None, model.weight, model.bias)


def describe_training(run: LinearRun) -> str:
    """One sentence: what the mean loss did with this learning rate and momentum."""
    head = f"Learning rate {run.lr:g}, momentum {run.momentum:g}: "
    if run.outcome == "diverged":
        return head + (
            f"training diverges; the loss overflows in epoch {run.diverged_at}."
        )
    verb = "falls" if run.outcome == "fell" else "grows"
    return head + (
        f"the mean loss {verb} from {run.loss[0]:.3g} to {run.loss[-1]:.3g} in "
        f"{len(run.loss)} epochs; the weight ends at {run.weight:.4f}."
    )


_LOSS_RANGE = (1e-12, 1e8)


def _training_panel(run: LinearRun, num_epochs: int) -> Panel:
    axes = _Axes((0, num_epochs), _LOSS_RANGE, log_y=True)
    losses = [min(max(v, _LOSS_RANGE[0]), _LOSS_RANGE[1]) for v in run.loss]
    marks = []
    if run.diverged_at is not None:
        marks.append(
            (
                run.diverged_at,
                _LOSS_RANGE[1],
                PALETTE[1],
                f"diverged in epoch {run.diverged_at}",
            )
        )
    svg = svg_chart(
        axes,
        [(range(len(losses)), losses, PALETTE[0])] if losses else [],
        x_ticks=range(0, num_epochs + 1, 50),
        y_ticks=[(10.0**k, f"1e{k}") for k in range(-12, 9, 4)],
        x_label="epoch",
        y_label="mean loss (log scale)",
        title=f"Learning rate {run.lr:g}, momentum {run.momentum:g}",
        marks=marks,
    )
    if run.outcome == "diverged":
        alt = (
            f"Line chart of the mean loss against epoch on a log scale, for a "
            f"learning rate of {run.lr:g} and a momentum of {run.momentum:g}. The "
            f"loss shoots up off the top of the chart and overflows in epoch "
            f"{run.diverged_at}: training diverged."
        )
    else:
        verb = "falls" if run.outcome == "fell" else "grows"
        alt = (
            f"Line chart of the mean loss against epoch on a log scale, for a "
            f"learning rate of {run.lr:g} and a momentum of {run.momentum:g}. The "
            f"loss {verb} from {run.loss[0]:.3g} to {run.loss[-1]:.3g} over "
            f"{len(run.loss)} epochs."
        )
    data = {
        "lr": f"{run.lr:g}",
        "momentum": f"{run.momentum:g}",
        "outcome": run.outcome,
        "diverged-at": "" if run.diverged_at is None else str(run.diverged_at),
        "final-loss": repr(run.loss[-1])
        if run.loss and run.diverged_at is None
        else "",
    }
    return Panel(svg, alt, describe_training(run), data)


def learning_rate_explorer(
    lrs: Sequence[float] = LRS,
    momentums: Sequence[float] = MOMENTUMS,
    default: tuple[float, float] = (0.01, 0.2),
    num_epochs: int = 201,
    seed: int = 0,
) -> Explorer:
    """Chapter 2's explorer: the loss curve for each learning rate and momentum."""
    num_epochs = _validate.positive_int("num_epochs", num_epochs)
    if not lrs or not momentums:
        raise ValueError("lrs and momentums must each hold at least two values")
    lr_control = Control("lr", "Learning rate", tuple(map(float, lrs)), default[0])
    m_control = Control(
        "momentum", "Momentum", tuple(map(float, momentums)), default[1]
    )
    panels = {
        (lr, m): _training_panel(lr_momentum_run(lr, m, num_epochs, seed), num_epochs)
        for lr, m in product(lr_control.values, m_control.values)
    }
    note = (
        f"This figure shows a learning rate of {default[0]:g} and a momentum of "
        f"{default[1]:g}; on the book's website two sliders let you choose any of "
        f"{len(panels)} combinations."
    )
    return Explorer("Optimiser settings", (lr_control, m_control), panels, note)


# ---------------------------------------------------------------------------------
# Chapter 3: how far the noise moves the best line

#: The seeds and noise levels of chapter 3's explorer.
SEEDS = tuple(range(10))
NOISES = (0.25, 0.5, 1.0, 2.0)


def noisy_fit(noise: float, seed: int, n: int = 10) -> tuple[float, float]:
    """The least-squares ``(weight, bias)`` of chapter 3's points for this draw."""
    return least_squares_line(*noisy_line(n=n, noise=noise, seed=seed))


def describe_fit(noise: float, seed: int, n: int = 10) -> str:
    """One sentence: the best line for this draw and how far its weight is from 1."""
    weight, bias = noisy_fit(noise, seed, n)
    return (
        f"Noise {noise:g}, seed {seed}: the least-squares line is "
        f"y = {weight:.3f} x {'+' if bias >= 0 else '-'} {abs(bias):.3f}; its "
        f"weight is {abs(weight - 1):.3f} from the true weight 1."
    )


def _fit_panel(noise: float, seed: int, n: int) -> Panel:
    X, y = noisy_line(n=n, noise=noise, seed=seed)
    weight, bias = least_squares_line(X, y)
    top = n - 1
    axes = _Axes((0, top), (-6.0, top + 6.0))
    ends = (0.0, float(top))
    svg = svg_chart(
        axes,
        [
            (ends, [weight * e + bias for e in ends], PALETTE[2]),
            (ends, ends, PALETTE[6]),
        ],
        x_ticks=range(0, top + 1, 3),
        y_ticks=[(v, f"{v:g}") for v in range(-6, top + 7, 3)],
        x_label="x",
        y_label="y",
        title=f"Noise {noise:g}, seed {seed}",
        scatter=list(zip(X.tolist(), y.tolist(), strict=True)),
        dashes=("7 4", "2 3"),
        legend=(f"least squares, w = {weight:.2f}", "y = x (no noise)"),
    )
    alt = (
        f"Scatter plot of {n} points drawn around the line y = x with noise "
        f"{noise:g} and seed {seed}, with their least-squares line, of weight "
        f"{weight:.2f} and bias {bias:.2f}, and the dotted line y = x."
    )
    data = {
        "noise": f"{noise:g}",
        "seed": str(seed),
        "weight": repr(weight),
        "bias": repr(bias),
    }
    return Panel(svg, alt, describe_fit(noise, seed, n), data)


def noise_explorer(
    noises: Sequence[float] = NOISES,
    seeds: Sequence[int] = SEEDS,
    default: tuple[float, int] = (1.0, 0),
    n: int = 10,
) -> Explorer:
    """Chapter 3's explorer: the points and their best line for each noise and seed."""
    n = _validate.positive_int("n", n)
    noise_control = Control("noise", "Noise", tuple(map(float, noises)), default[0])
    seed_control = Control("seed", "Seed", tuple(map(int, seeds)), default[1])
    panels = {
        (noise, seed): _fit_panel(noise, seed, n)
        for noise, seed in product(noise_control.values, seed_control.values)
    }
    note = (
        f"This figure shows noise {default[0]:g} and seed {default[1]}; on the "
        f"book's website two sliders let you choose any of {len(panels)} draws."
    )
    return Explorer("Noisy data settings", (noise_control, seed_control), panels, note)


def _stack(*charts: str) -> str:
    """Charts of :func:`svg_chart` one above the other, as the rest of one ``<svg``."""
    height = _H * len(charts)
    parts = [
        f'viewBox="0 0 {_W} {height}" width="{_W}" height="{height}" '
        'font-family="DejaVu Sans, Arial, sans-serif" font-size="13">'
    ]
    for i, chart in enumerate(charts):
        body = chart[chart.index(">") + 1 : -len("</svg>")]
        parts.append(f'<g transform="translate(0 {_H * i})">{body}</g>')
    return "".join(parts) + "</svg>"


def _ys(axes: _Axes, values: Sequence[float]) -> str:
    """The y coordinates of ``values`` as :func:`svg_chart` draws them."""
    return " ".join(str(round(axes._y(v))) for v in values)


# ---------------------------------------------------------------------------------
# Chapter 4: any of the thousand seeds of the 1-2-1 network

#: The inputs at which chapter 4's explorer draws a network's curve.
FIT_GRID = tuple(x / 2 for x in range(-10, 11))
#: The epochs at which it draws the loss: densely at first, where it drops.
LOSS_EPOCHS = (0, 1, 2, 4, 7, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750)
LOSS_EPOCHS += (1000, 1500)
_FIT_AXES = _Axes((-5.0, 5.0), (-5.0, 30.0))
_SEED_LOSS_AXES = _Axes((0, 2000), (0.1, 1000.0), log_y=True)


@dataclass(frozen=True)
class SeedRun:
    """One seed of an ensemble: its outcome, its curve and its loss per epoch."""

    seed: int
    outcome: str
    final_loss: float
    fit: tuple[float, ...]
    loss: tuple[float, ...]


def seed_runs(
    runs: EnsembleHistory, line_loss: float, grid: Sequence[float] = FIT_GRID
) -> list[SeedRun]:
    """Every copy of ``runs`` (an :class:`examples.ensemble.EnsembleHistory`) as a
    :class:`SeedRun`: outcome by :func:`examples.outcomes.classify_runs`, prediction
    at ``grid``, and the whole loss history."""
    labels = classify_runs(runs.final_loss, line_loss)
    fits = runs.predict(list(grid))
    return [
        SeedRun(
            int(seed),
            str(labels[k]),
            float(runs.final_loss[k]),
            tuple(map(float, fits[k])),
            tuple(map(float, runs.loss[:, k])),
        )
        for k, seed in enumerate(runs.seeds)
    ]


def describe_seed(seed: int, final_loss: float, line_loss: float) -> str:
    """One sentence: the outcome of the run from ``seed`` and its final loss."""
    outcome = str(classify_runs([final_loss], line_loss)[0])
    return (
        f"Seed {seed} {_OUTCOME_VERBS[outcome]}: final mean loss {final_loss:.3g} "
        f"(the best line's is {line_loss:.3g})."
    )


_OUTCOME_VERBS = {
    "fits": "fits",
    "in between": "ends in between",
    "straight line": "ends as a straight line",
    "diverged": "diverges",
}


def _fit_chart(grid, fit_values, X, y, title: str, colour: str, extra=()) -> str:
    """The parabola's points, x² dotted and a network's curve (the line that varies),
    plus ``extra`` lines given as ``(xs, ys, colour, dash, legend)``: the top chart
    of chapters 4 and 6's explorers and the bottom one of chapter 8's."""
    lines = [(grid, fit_values, colour), (grid, [g * g for g in grid], PALETTE[6])]
    return svg_chart(
        _FIT_AXES,
        lines + [(xs, ys, ink) for xs, ys, ink, _, _ in extra],
        x_ticks=range(-4, 5, 2),
        y_ticks=[(v, f"{v:g}") for v in range(0, 31, 10)],
        x_label="x",
        y_label="y",
        title=title,
        scatter=list(zip(map(float, X), map(float, y), strict=True)),
        dashes=("", "2 3", *(dash for *_, dash, _ in extra)),
        legend=("network", "x²", *(name for *_, name in extra)),
        varying=1,
    )


def _parabola_charts(
    grid, fit_values, X, y, loss, line_loss: float, loss_axes: _Axes, titles
) -> tuple[str, str, list[float]]:
    """A parabola run's two charts, its curve and its loss per epoch (log scale,
    the best line dotted), and the losses drawn: each panel of the seed
    explorer (chapter 4) and of the settings explorer (chapter 6)."""
    last = len(loss) - 1
    epochs = [e for e in LOSS_EPOCHS if e < last] + [last]
    losses = [float(loss[e]) if math.isfinite(loss[e]) else 1e3 for e in epochs]
    end = int(loss_axes.x_range[1])
    fit = _fit_chart(grid, fit_values, X, y, titles[0], PALETTE[1])
    chart = svg_chart(
        loss_axes,
        [
            (epochs, losses, PALETTE[0]),
            ((0, end), (line_loss, line_loss), PALETTE[6]),
        ],
        x_ticks=range(0, end + 1, end // 4),
        y_ticks=[(10.0**k, f"{10**k:g}") for k in range(-1, 4)],
        x_label="epoch",
        y_label="mean loss (log scale)",
        title=titles[1],
        dashes=("", "2 3"),
        legend=("training loss", "best line"),
        varying=1,
    )
    return fit, chart, losses


def _seed_panel(run: SeedRun, X, y, line_loss: float, grid) -> Panel:
    titles = ("The network's curve", "Its mean loss per epoch")
    fit, loss, losses = _parabola_charts(
        grid, run.fit, X, y, run.loss, line_loss, _SEED_LOSS_AXES, titles
    )
    summary = describe_seed(run.seed, run.final_loss, line_loss)
    alt = f"{summary} {SEED_ALT}"
    lines = (_ys(_FIT_AXES, run.fit), _ys(_SEED_LOSS_AXES, losses))
    return Panel(_stack(fit, loss), alt, summary, {"outcome": run.outcome}, lines)


#: What chapter 4's explorer draws, the end of every panel's alt text.
SEED_ALT = (
    "Top: the network's curve over the eleven points of the parabola, with x² "
    "dotted. Bottom: its mean loss per epoch on a log scale, with the best "
    "line's loss dotted."
)


def seed_explorer(
    runs: EnsembleHistory, X, y, line_loss: float, default: int = 0
) -> Explorer:
    """Chapter 4's explorer: any seed of the ensemble ``runs``, with its curve, its
    outcome and its loss per epoch. Compact: one figure, redrawn for each seed."""
    X_arr, y_arr = _validate.data_pair(X, y)
    grid = FIT_GRID
    panels = {
        (r.seed,): _seed_panel(r, X_arr, y_arr, line_loss, grid)
        for r in seed_runs(runs, line_loss, grid)
    }
    seeds = tuple(s for (s,) in panels)
    control = Control("seed", "Seed", seeds, int(default))
    note = (
        f"This figure shows seed {default}; on the book's website a slider lets you "
        f"choose any of the {len(seeds)} seeds."
    )
    return Explorer(
        "Seed of the 1-2-1 network", (control,), panels, note, True, SEED_ALT
    )


# ---------------------------------------------------------------------------------
# Chapter 7: the width and depth of the network

#: The widths (units per hidden layer) and depths (hidden layers) of chapter 7.
WIDTHS = (1, 2, 3, 5, 10)
DEPTHS = (1, 2)
_OUTCOME_COLOURS = {
    "fits": PALETTE[2],
    "in between": PALETTE[4],
    "straight line": PALETTE[1],
    "diverged": PALETTE[6],
}


def architecture(width: int, depth: int) -> tuple[int, ...]:
    """The layer sizes of a network on one input with ``depth`` hidden layers of
    ``width`` units: ``architecture(10, 2) == (1, 10, 10, 1)``."""
    width = _validate.positive_int("width", width)
    depth = _validate.positive_int("depth", depth)
    return (1,) + (width,) * depth + (1,)


def architecture_runs(
    X,
    y,
    width: int,
    depth: int,
    seeds: Sequence[int] = range(20),
    activation: str = "relu",
    lr: float = 0.001,
    momentum: float = 0.1,
    num_epochs: int = 2000,
):
    """The network of ``width`` and ``depth`` trained from each seed, as chapter 7
    trains its 1-10-10-1 network (an :class:`examples.ensemble.EnsembleHistory`)."""
    return train_ensemble(
        X,
        y,
        sizes=architecture(width, depth),
        activations=activation,
        seeds=seeds,
        lr=lr,
        momentum=momentum,
        num_epochs=num_epochs,
    )


def first_seeds(runs, n: int):
    """The first ``n`` copies of an ensemble, as if only they had been trained (each
    copy trains independently of the others)."""
    n = _validate.positive_int("n", n)
    if n > len(runs.seeds):
        raise ValueError(f"n must be at most {len(runs.seeds)} (the copies), got {n}")
    return EnsembleHistory(
        runs.seeds[:n],
        runs.loss[:, :n],
        runs.diverged_at[:n],
        runs.sizes,
        runs.activations,
        tuple(w[:n] for w in runs.weights),
        tuple(b[:n] for b in runs.biases),
    )


def describe_outcomes(runs: EnsembleHistory, line_loss: float, setting: str) -> str:
    """One sentence: how many seeds of ``runs`` end in each outcome."""
    counts = count_outcomes(runs.final_loss, line_loss)
    finite = runs.final_loss[np.isfinite(runs.final_loss)]
    median = f"{float(np.median(finite)):.3g}" if len(finite) else "none"
    return (
        f"{setting}: of {counts.total} seeds, {counts.fits} fit, "
        f"{counts.in_between} end in between, {counts.straight_line} as a straight "
        f"line and {counts.diverged} diverge; median final loss {median}."
    )


def describe_architecture(runs: EnsembleHistory, line_loss: float) -> str:
    """One sentence: how many seeds of ``runs`` end in each outcome."""
    sizes = "-".join(map(str, runs.sizes))
    return describe_outcomes(runs, line_loss, f"{sizes} {runs.activations[0]}")


def _outcome_panel(
    runs: EnsembleHistory, X, y, line_loss: float, what: str, summary: str, data
) -> Panel:
    """Every seed's curve over the data, coloured by its outcome."""
    labels = classify_runs(runs.final_loss, line_loss)
    counts = count_outcomes(runs.final_loss, line_loss)
    fits = runs.predict(list(FIT_GRID))
    order = np.argsort([list(_OUTCOME_COLOURS).index(o) for o in labels])[::-1]
    series = [
        (FIT_GRID, fits[k], _OUTCOME_COLOURS[labels[k]])
        for k in order
        if labels[k] != "diverged"
    ]
    svg = svg_chart(
        _FIT_AXES,
        series + [(FIT_GRID, [g * g for g in FIT_GRID], PALETTE[6])],
        x_ticks=range(-4, 5, 2),
        y_ticks=[(v, f"{v:g}") for v in range(0, 31, 10)],
        x_label="x",
        y_label="y",
        title=f"{counts.fits} of {counts.total} seeds fit",
        scatter=list(zip(map(float, X), map(float, y), strict=True)),
        dashes=[""] * len(series) + ["2 3"],
    )
    alt = (
        f"The curves of the {what}, trained from {counts.total} seeds, over the "
        f"eleven points of the parabola: {counts.fits} fit (green), "
        f"{counts.in_between} end in between (yellow), {counts.straight_line} end "
        f"as a straight line (orange)"
        + (f" and {counts.diverged} diverge (not drawn)." if counts.diverged else ".")
    )
    data = dict(data) | {
        "fits": str(counts.fits),
        "in-between": str(counts.in_between),
        "straight-line": str(counts.straight_line),
        "diverged": str(counts.diverged),
    }
    return Panel(svg, alt, summary, data)


def _architecture_panel(width, depth, runs, X, y, line_loss) -> Panel:
    sizes = "-".join(map(str, runs.sizes))
    what = f"{sizes} ReLU network, width {width} and depth {depth}"
    summary = describe_architecture(runs, line_loss)
    data = {"width": str(width), "depth": str(depth)}
    return _outcome_panel(runs, X, y, line_loss, what, summary, data)


def architecture_explorer(
    X,
    y,
    line_loss: float,
    widths: Sequence[int] = WIDTHS,
    depths: Sequence[int] = DEPTHS,
    seeds: Sequence[int] = range(20),
    default: tuple[int, int] = (10, 2),
    known: Mapping[tuple[int, int], EnsembleHistory] | None = None,
    num_epochs: int = 2000,
) -> Explorer:
    """Chapter 7's explorer: for each width and depth, the curves of the ReLU
    network from every seed, coloured by outcome. ``known`` maps ``(width,
    depth)`` to runs already trained (the chapter's own) so they are not repeated."""
    X_arr, y_arr = _validate.data_pair(X, y)
    known = dict(known or {})
    w_control = Control("width", "Units per layer", tuple(map(int, widths)), default[0])
    d_control = Control("depth", "Hidden layers", tuple(map(int, depths)), default[1])
    panels = {}
    for width, depth in product(w_control.values, d_control.values):
        runs = known.get((width, depth))
        if runs is None:
            runs = architecture_runs(
                X_arr, y_arr, width, depth, seeds, num_epochs=num_epochs
            )
        panels[(width, depth)] = _architecture_panel(
            width, depth, runs, X_arr, y_arr, line_loss
        )
    note = (
        f"This figure shows {default[1]} hidden layers of {default[0]} units; on the "
        f"book's website two sliders let you choose any of {len(panels)} networks."
    )
    return Explorer("Network shape", (w_control, d_control), panels, note)


# ---------------------------------------------------------------------------------
# Chapter 9: the activation function and the learning rate

#: The learning rates of chapter 9's explorer, from the book's 0.001 up.
ACTIVATION_LRS = (0.001, 0.003, 0.01)


def activation_runs(
    X,
    y,
    name: str,
    lr: float,
    seeds: Sequence[int] = range(20),
    sizes: Sequence[int] = (1, 10, 10, 1),
    momentum: float = 0.1,
    num_epochs: int = 300,
) -> EnsembleHistory:
    """Chapter 9's comparison (the 1-10-10-1 network, per-sample SGD with momentum
    0.1, 300 epochs) for one activation ``name`` and learning rate ``lr``."""
    return train_ensemble(
        X,
        y,
        sizes=sizes,
        activations=name,
        seeds=seeds,
        lr=lr,
        momentum=momentum,
        num_epochs=num_epochs,
    )


def describe_activation(runs: EnsembleHistory, line_loss: float, lr: float) -> str:
    """One sentence: the outcomes of ``runs`` with its activation and ``lr``."""
    return describe_outcomes(
        runs, line_loss, f"{runs.activations[0]}, learning rate {lr:g}"
    )


def activation_explorer(
    X,
    y,
    line_loss: float,
    names: Sequence[str],
    lrs: Sequence[float] = ACTIVATION_LRS,
    seeds: Sequence[int] = range(20),
    default: tuple[str, float] = ("relu", 0.001),
    known: Mapping[tuple[str, float], EnsembleHistory] | None = None,
    num_epochs: int = 300,
) -> Explorer:
    """Chapter 9's explorer: for each activation and learning rate, the curves of
    the 1-10-10-1 network from every seed, coloured by outcome. ``known`` maps
    ``(name, lr)`` to runs already trained (the chapter's own)."""
    X_arr, y_arr = _validate.data_pair(X, y)
    known = dict(known or {})
    a_control = Control("activation", "Activation", tuple(names), default[0])
    lr_control = Control("lr", "Learning rate", tuple(map(float, lrs)), default[1])
    panels = {}
    for name, lr in product(a_control.values, lr_control.values):
        runs = known.get((name, lr))
        if runs is None:
            runs = activation_runs(X_arr, y_arr, name, lr, seeds, num_epochs=num_epochs)
        sizes = "-".join(map(str, runs.sizes))
        what = f"{sizes} {name} network with a learning rate of {lr:g}"
        summary = describe_activation(runs, line_loss, lr)
        data = {"activation": name, "lr": f"{lr:g}"}
        panels[(name, lr)] = _outcome_panel(
            runs, X_arr, y_arr, line_loss, what, summary, data
        )
    note = (
        f"This figure shows {default[0]} with a learning rate of {default[1]:g}; on "
        f"the book's website two sliders let you choose any of {len(panels)} "
        "combinations."
    )
    return Explorer(
        "Activation and learning rate", (a_control, lr_control), panels, note
    )


# ---------------------------------------------------------------------------------
# Chapter 10: the hidden width and the seed of the classifier

#: The hidden widths and seeds of chapter 10's explorer.
CLASSIFIER_WIDTHS = (2, 3, 4)
CLASSIFIER_SEEDS = tuple(range(20))
_MOON_AXES = _Axes((-1.6, 2.6), (-1.1, 1.6))


def decision_boundary(model, n: int = 61) -> list[np.ndarray]:
    """Where ``model`` (two inputs, one logit) is undecided, logit 0, over the
    explorer's square: a list of ``(m, 2)`` arrays of points, one per curve."""
    import contourpy  # matplotlib's contouring; a dependency of matplotlib
    import torch

    n = _validate.positive_int("n", n)
    xs = np.linspace(*_MOON_AXES.x_range, n)
    ys = np.linspace(*_MOON_AXES.y_range, n)
    gx, gy = np.meshgrid(xs, ys)
    grid = torch.tensor(np.column_stack([gx.ravel(), gy.ravel()]), dtype=torch.float32)
    with torch.no_grad():
        logit = model(grid).squeeze(1).double().numpy().reshape(gx.shape)
    return list(contourpy.contour_generator(gx, gy, logit).lines(0.0))


def describe_classifier(width: int, seed: int, test_accuracy: float) -> str:
    """One sentence: the test accuracy of the 2-``width``-1 network from ``seed``."""
    return f"2-{width}-1 tanh network, seed {seed}: test accuracy {test_accuracy:.0%}."


def _boundary_path(lines: Sequence[np.ndarray]) -> str:
    return "".join(
        "M" + "L".join(_MOON_AXES.point(float(a), float(b)) for a, b in line)
        for line in lines
        if len(line) > 1
    )


def _classifier_panel(model, width, seed, test_accuracy, X, y) -> Panel:
    title = f"2-{width}-1, seed {seed}: test accuracy {test_accuracy:.0%}"
    chart = svg_chart(
        _MOON_AXES,
        [],
        x_ticks=(-1, 0, 1, 2),
        y_ticks=[(v, f"{v:g}") for v in (-1, 0, 1)],
        x_label="x₁",
        y_label="x₂",
        title=title,
    )
    points = []
    for (a, b), label in zip(X.tolist(), y.tolist(), strict=True):
        px, py = _num(_MOON_AXES._x(a)), _num(_MOON_AXES._y(b))
        if label:
            points.append(
                f'<rect x="{px}" y="{py}" width="7" height="7" '
                f'transform="translate(-3.5 -3.5)" fill="{PALETTE[1]}"/>'
            )
        else:
            points.append(f'<circle cx="{px}" cy="{py}" r="3.5" fill="{PALETTE[0]}"/>')
    path = _boundary_path(decision_boundary(model))
    boundary = (
        f'<path class="bml-explore__path" d="{path}" fill="none" stroke="{_INK}" '
        'stroke-width="2.5"/>'
    )
    svg = chart[: -len("</svg>")] + "".join(points) + boundary + "</svg>"
    data = {"test-accuracy": repr(float(test_accuracy))}
    summary = describe_classifier(width, seed, test_accuracy)
    alt = f"{summary} {CLASSIFIER_ALT}"
    return Panel(svg, alt, summary, data, titles=(title,), paths=(path,))


#: What chapter 10's explorer draws, the end of every panel's alt text.
CLASSIFIER_ALT = (
    "The test points of the two half-moons, blue circles and orange squares, and "
    "the network's decision boundary, a black curve."
)


def classifier_explorer(
    runs: Mapping[int, object],
    X_test,
    y_test,
    seeds: Sequence[int] = CLASSIFIER_SEEDS,
    default: tuple[int, int] = (2, 0),
) -> Explorer:
    """Chapter 10's explorer: the decision boundary and test accuracy of the
    2-``width``-1 network from each seed. ``runs`` maps each width to the
    chapter's :class:`examples.classification.ManyRuns`, whose copy ``k`` is seed
    ``k``. Compact: one figure, whose boundary the script redraws."""
    X_arr = np.asarray(X_test, dtype=float)
    y_arr = np.asarray(y_test)
    w_control = Control("width", "Hidden units", tuple(map(int, runs)), default[0])
    s_control = Control("seed", "Seed", tuple(map(int, seeds)), default[1])
    panels = {}
    for width, seed in product(w_control.values, s_control.values):
        run = runs[width]
        k = int(np.flatnonzero(run.seeds == seed)[0])
        panels[(width, seed)] = _classifier_panel(
            run.model(k), width, seed, float(run.acc["test"][k]), X_arr, y_arr
        )
    note = (
        f"This figure shows {default[0]} hidden units and seed {default[1]}; on the "
        f"book's website two sliders let you choose any of {len(panels)} networks."
    )
    return Explorer(
        "Classifier width and seed",
        (w_control, s_control),
        panels,
        note,
        True,
        CLASSIFIER_ALT,
    )


# ---------------------------------------------------------------------------------
# Chapter 6: the setting (batch size, optimiser) and the seed of the 1-2-1 network

#: The seeds of chapter 6's explorer: the first twenty of its thousand.
SETTING_SEEDS = tuple(range(20))
_SETTING_LOSS_AXES = _Axes((0, 1000), (0.1, 1000.0), log_y=True)


def describe_setting_run(result, seed: int) -> str:
    """One sentence: what seed ``seed`` did with ``result``'s setting (a
    :class:`examples.mini_batches.SettingResult`), from its own trained runs."""
    k = _setting_index(result, seed)
    final = float(result.runs.final_loss[k])
    outcome = str(result.labels[k])
    first = int(result.epochs_to_fit[k])
    reached = (
        f"first below the fit threshold in epoch {first}"
        if first > 0
        else "never below the fit threshold"
    )
    return (
        f"{result.setting.name}, seed {seed} {_OUTCOME_VERBS[outcome]}: final "
        f"mean loss {final:.3g} (the best line's is {result.line_loss:.3g}); "
        f"{reached}."
    )


def _setting_index(result, seed: int) -> int:
    """The copy of ``result.runs`` trained from ``seed``."""
    if getattr(result, "runs", None) is None:
        raise ValueError("result must hold its runs (compare_settings keeps them)")
    seed = _validate.non_negative_int("seed", seed)
    found = np.flatnonzero(result.runs.seeds == seed)
    if not found.size:
        raise ValueError(f"seed must be one of the seeds trained, got {seed}")
    return int(found[0])


def _setting_panel(result, seed: int, X, y, fits: np.ndarray) -> Panel:
    """Seed ``seed`` of ``result``; ``fits`` is ``result.runs.predict(FIT_GRID)``."""
    k = _setting_index(result, seed)
    loss = result.runs.loss[:, k]
    titles = (f"{result.setting.name}, seed {seed}", "Its mean loss per epoch")
    fit, chart, losses = _parabola_charts(
        FIT_GRID, fits[k], X, y, loss, result.line_loss, _SETTING_LOSS_AXES, titles
    )
    summary = describe_setting_run(result, seed)
    data = {
        "outcome": str(result.labels[k]),
        "final-loss": repr(float(loss[-1])),
        "epochs-to-fit": str(int(result.epochs_to_fit[k])),
    }
    lines = (_ys(_FIT_AXES, fits[k]), _ys(_SETTING_LOSS_AXES, losses))
    return Panel(
        _stack(fit, chart), f"{summary} {SETTING_ALT}", summary, data, lines, titles
    )


#: What chapter 6's explorer draws: the same two charts as chapter 4's.
SETTING_ALT = SEED_ALT


def settings_explorer(
    results: Sequence,
    X,
    y,
    seeds: Sequence[int] = SETTING_SEEDS,
    default: tuple[str, int] = ("full batch, m 0.9", 0),
) -> Explorer:
    """Chapter 6's explorer: for each setting of ``results`` (what
    :func:`examples.mini_batches.compare_settings` returns, with its runs) and
    each seed, that run's curve, its outcome and its loss per epoch. Nothing is
    trained again. Compact: one figure, redrawn for each choice."""
    X_arr, y_arr = _validate.data_pair(X, y)
    if not results:
        raise ValueError("results must hold at least one setting's results")
    by_name = {r.setting.name: r for r in results}
    s_control = Control("setting", "Setting", tuple(by_name), default[0])
    seed_control = Control("seed", "Seed", tuple(map(int, seeds)), int(default[1]))
    if any(getattr(r, "runs", None) is None for r in results):
        raise ValueError("results must hold their runs (compare_settings keeps them)")
    fits = {name: r.runs.predict(list(FIT_GRID)) for name, r in by_name.items()}
    panels = {
        (name, seed): _setting_panel(by_name[name], seed, X_arr, y_arr, fits[name])
        for name, seed in product(s_control.values, seed_control.values)
    }
    note = (
        f"This figure shows {default[0]}, seed {default[1]}; on the book's website "
        f"two sliders let you choose any of the {len(by_name)} settings and "
        f"{len(seed_control.values)} seeds."
    )
    return Explorer(
        "Training setting and seed",
        (s_control, seed_control),
        panels,
        note,
        True,
        SETTING_ALT,
    )


# ---------------------------------------------------------------------------------
# Chapter 5: the nudge eps of finite differences, in float64 and in float32

#: The nudges of chapter 5's explorer: 1e-12, 3e-12, 1e-11, ..., 0.03, 0.1.
EPSILONS = tuple(float(f"{m}e-{k}") for k in range(12, 1, -1) for m in (1, 3))
EPSILONS += (0.1,)
_EPS_AXES = _Axes((-12.4, -0.6), (1e-9, 1e2), log_y=True)
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _power_of_ten(k: int) -> str:
    """``10⁻¹²`` for ``k = -12``."""
    return "10" + str(k).translate(_SUPERSCRIPT)


@dataclass(frozen=True)
class NudgeCurves:
    """Chapter 5's errors of central differences: one per nudge and precision."""

    eps: tuple[float, ...]
    float64: tuple[float, ...]
    float32: tuple[float, ...]

    def best(self, dtype: str) -> float:
        """The nudge with the smallest error in ``dtype``."""
        errors = getattr(self, dtype)
        return self.eps[errors.index(min(errors))]

    def dominant(self, eps: float, dtype: str) -> str:
        """Which error dominates at ``eps``: "truncation" above the best nudge,
        where the error shrinks with eps (the chord's error), "rounding" below it,
        where the error grows as eps shrinks, "neither" at the best nudge."""
        best = self.best(dtype)
        return "truncation" if eps > best else "rounding" if eps < best else "neither"


def nudge_curves(params, x: float, y: float, eps_values=EPSILONS) -> NudgeCurves:
    """The largest error of the central-difference gradient of one sample, against
    the chain rule's, for each nudge, in float64 and in float32
    (:func:`examples.backprop.finite_difference_errors`)."""
    from examples.backprop import finite_difference_errors

    eps = tuple(float(e) for e in eps_values)
    if list(eps) != sorted(set(eps)):
        raise ValueError(f"eps_values must be increasing, got {eps_values!r}")
    e64, e32 = (
        tuple(map(float, finite_difference_errors(params, x, y, eps, dtype)))
        for dtype in ("float64", "float32")
    )
    return NudgeCurves(eps, e64, e32)


_DOMINANT = {
    "truncation": "truncation error dominates",
    "rounding": "rounding error dominates",
    "neither": "the smallest error of the grid, the two in balance",
}


def describe_nudge(errors: NudgeCurves, eps: float) -> str:
    """One sentence: the error at ``eps`` in each precision, and which dominates."""
    if eps not in errors.eps:
        raise ValueError(f"eps must be one of the nudges computed, got {eps!r}")
    k = errors.eps.index(eps)
    e64, e32 = errors.float64[k], errors.float32[k]
    why64, why32 = (_DOMINANT[errors.dominant(eps, d)] for d in ("float64", "float32"))
    return (
        f"ε = {eps:g}: the finite-difference gradient is off by up to {e64:.2g} "
        f"in float64 ({why64}) and {e32:.2g} in float32 ({why32})."
    )


#: What chapter 5's explorer draws, the end of every panel's alt text.
NUDGE_ALT = (
    "Line chart, both axes on log scales, of the largest error of the "
    "finite-difference gradient against the nudge ε from 10⁻¹² to 0.1, in float64 "
    "(solid) and float32 (dashed). Each curve is a V: it falls as ε shrinks, then "
    "rises again; float32's V sits higher and further right. A vertical line marks "
    "the chosen ε."
)


def _nudge_marker(errors: NudgeCurves, k: int) -> tuple[str, str, str]:
    """The ``d`` of the chosen nudge's vertical line and of its two dots."""
    x = _num(_EPS_AXES._x(math.log10(errors.eps[k])))
    top, bottom = _TOP, _H - _BOTTOM
    dots = tuple(
        f"M{x},{_num(_EPS_AXES._y(max(e[k], 1e-9)))}h0"
        for e in (errors.float64, errors.float32)
    )
    return (f"M{x},{top}V{bottom}", *dots)


def _nudge_chart(errors: NudgeCurves, k: int) -> str:
    """The V curves of both precisions with the nudge ``errors.eps[k]`` marked."""
    xs = [math.log10(e) for e in errors.eps]
    chart = svg_chart(
        _EPS_AXES,
        [
            (xs, [max(e, 1e-9) for e in errors.float64], PALETTE[0]),
            (xs, [max(e, 1e-9) for e in errors.float32], PALETTE[1]),
        ],
        x_ticks=(),
        y_ticks=[(10.0**k, _power_of_ten(k)) for k in range(-8, 3, 2)],
        x_label="nudge ε (log scale)",
        y_label="largest error (log scale)",
        title=f"Finite differences with ε = {errors.eps[k]:g}",
        dashes=("", "7 4"),
    )
    y0, y1 = _TOP, _H - _BOTTOM
    extra = []
    for exponent in range(-12, 0, 2):  # the x ticks, as powers of ten
        x = _num(_EPS_AXES._x(exponent))
        extra.append(
            f'<line x1="{x}" x2="{x}" y1="{y0}" y2="{y1}" stroke="{_GRID}"/>'
            f'<text x="{x}" y="{y1 + 17}" text-anchor="middle" '
            f'fill="{_INK}">{_power_of_ten(exponent)}</text>'
        )
    for i, (name, colour, dash) in enumerate(
        (("float64", PALETTE[0], ""), ("float32", PALETTE[1], "7 4"))
    ):  # the legend, bottom left, where both curves are high
        y = y1 - 34 + 18 * i
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        extra.append(
            f'<line x1="{_LEFT + 10}" x2="{_LEFT + 38}" y1="{y}" y2="{y}" '
            f'stroke="{colour}" stroke-width="2"{dash_attr}/>'
            f'<text x="{_LEFT + 44}" y="{y}" dy="4" fill="{_INK}">{name}</text>'
        )
    line, dot64, dot32 = _nudge_marker(errors, k)
    extra.append(
        f'<path class="bml-explore__path" d="{line}" stroke="{_INK}" '
        'stroke-dasharray="2 3" fill="none"/>'
    )
    for d, colour in ((dot64, PALETTE[0]), (dot32, PALETTE[1])):
        extra.append(
            f'<path class="bml-explore__path" d="{d}" stroke="{colour}" '
            'stroke-width="10" stroke-linecap="round" fill="none"/>'
        )
    # the grid lines go under the curves: insert them after the title
    head, tail = chart.split("</text>", 1)
    return (
        head
        + "</text>"
        + "".join(extra[:6])
        + tail[: -len("</svg>")]
        + ("".join(extra[6:]) + "</svg>")
    )


def nudge_explorer(
    params, x: float, y: float, eps_values=EPSILONS, default: float = 1e-6
) -> Explorer:
    """Chapter 5's explorer: for each nudge ε, how far the central-difference
    gradient of one sample falls from the chain rule's, in float64 and in float32.
    Compact: one figure, its marker moved for each ε."""
    errors = nudge_curves(params, x, y, eps_values)
    panels = {}
    for k, eps in enumerate(errors.eps):
        summary = describe_nudge(errors, eps)
        data = {
            "eps": f"{eps:g}",
            "error64": repr(errors.float64[k]),
            "error32": repr(errors.float32[k]),
            "dominant64": errors.dominant(eps, "float64"),
            "dominant32": errors.dominant(eps, "float32"),
        }
        title = f"Finite differences with ε = {eps:g}"
        panels[(eps,)] = Panel(
            _nudge_chart(errors, k),
            f"{summary} {NUDGE_ALT}",
            summary,
            data,
            paths=_nudge_marker(errors, k),
            titles=(title,),
        )
    control = Control("eps", "Nudge ε", errors.eps, float(default))
    note = (
        f"This figure marks ε = {default:g}; on the book's website a slider lets you "
        f"choose any of {len(errors.eps)} nudges from {errors.eps[0]:g} to "
        f"{errors.eps[-1]:g}."
    )
    return Explorer(
        "Nudge of the finite differences", (control,), panels, note, True, NUDGE_ALT
    )


# Chapter 8: the same network with each activation, or with none

#: The settings of chapter 8's explorer: no activation, then the chapter's five.
SHAPE_NAMES = ("identity", "sigmoid", "tanh", "relu", "leaky_relu", "gelu")
#: Where it draws the activation (x from -3 to 3, and just right of the kink at
#: 0, so that ReLU's slope jumps there) and the network (-5 to 5).
SHAPE_GRID = tuple(sorted({x / 4 for x in range(-12, 13)} | {0.001}))
NETWORK_GRID = tuple(x / 4 for x in range(-20, 21))
_SHAPE_AXES = _Axes((-3.0, 3.0), (-3.0, 3.0))
#: A curve that strays less than this fraction of its size from its own
#: least-squares line is a straight line, up to float32 rounding.
STRAIGHT = 1e-4

_SHAPE_WORDS = {
    "identity": "f(x) = x, a straight line whose slope is 1 everywhere",
    "sigmoid": "an S from 0 to 1 whose slope is a bell peaking at {peak:.3g}",
    "tanh": "an S from -1 to 1 whose slope is a bell peaking at {peak:.3g}",
    "relu": "0 for negative x and x for positive x; its slope steps from 0 to 1",
    "leaky_relu": "0.01 x for negative x and x for positive x; its slope steps "
    "from 0.01 to 1",
    "gelu": "a smooth ReLU that dips just below 0; its slope overshoots to {peak:.2f}",
}


def activation_shape_run(
    X, y, name: str, seed: int = 0, num_epochs: int = 300
) -> EnsembleHistory:
    """Chapter 8's 1-10-10-1 network with the activation ``name`` (``identity``:
    none), trained from ``seed`` with the optimiser of chapter 4."""
    if name not in SHAPE_NAMES:
        raise ValueError(f"name must be one of {', '.join(SHAPE_NAMES)}; got {name!r}")
    return train_ensemble(
        X, y, sizes=(1, 10, 10, 1), activations=name, seeds=[int(seed)], lr=0.001,
        momentum=0.1, num_epochs=num_epochs,
    )  # fmt: skip


def is_straight(grid: Sequence[float], values: Sequence[float]) -> bool:
    """Whether a curve, ``values`` at ``grid``, is a straight line up to float32
    rounding: it strays from its least-squares line by less than :data:`STRAIGHT`
    of its size."""
    from examples.collapse import distance_from_line

    scale = max(1.0, float(np.max(np.abs(values))))
    return distance_from_line(grid, values) <= STRAIGHT * scale


def describe_activation_shape(
    runs: EnsembleHistory, line_loss: float, grid: Sequence[float] = NETWORK_GRID
) -> str:
    """Two sentences: the shape of the activation of ``runs`` (one copy) and of
    the curve its trained network computes, a straight line or a bent one."""
    from examples.activations import FACTS, derivative_extremes
    from examples.collapse import collapse_to_line, distance_from_line

    if len(runs.seeds) != 1:
        raise ValueError(f"runs must hold one copy, got {len(runs.seeds)}")
    name, seed = runs.activations[0], int(runs.seeds[0])
    peak = derivative_extremes(name, -3.0, 3.0, 6001).max_value
    shape = _SHAPE_WORDS[name].format(peak=peak)
    values = runs.predict(list(grid))[0]
    if is_straight(grid, values):
        weight, bias = collapse_to_line(runs.model(0))
        sign = "+" if bias >= 0 else "−"
        curve = f"is one straight line, ŷ = {weight:.4f} x {sign} {abs(bias):.2f}"
    else:
        distance = distance_from_line(grid, values)
        curve = f"bends: it strays up to {distance:.1f} from its least-squares line"
    final = float(runs.final_loss[0])
    outcome = _OUTCOME_VERBS[str(classify_runs([final], line_loss)[0])]
    label = FACTS[name].label
    head = label[:1].upper() + label[1:]
    if name == "identity":
        head = "No activation (identity)"
    return (
        f"{head}: {shape}. Trained from seed {seed}, the "
        f"{'-'.join(map(str, runs.sizes))} network {curve}; it {outcome}, with a "
        f"final mean loss of {final:.3g} (the best line's is {line_loss:.3g})."
    )


def _shape_panel(runs: EnsembleHistory, X, y, line_loss: float) -> Panel:
    from examples.activations import FACTS, apply, derivative
    from examples.collapse import distance_from_line

    name = runs.activations[0]
    label = FACTS[name].label
    values = apply(name, SHAPE_GRID).tolist()
    slopes = derivative(name, SHAPE_GRID).tolist()
    shape_titles = (f"{label} and its slope", f"The network with {label}, trained")
    top = svg_chart(
        _SHAPE_AXES,
        [(SHAPE_GRID, values, PALETTE[0]), (SHAPE_GRID, slopes, PALETTE[1])],
        x_ticks=range(-3, 4),
        y_ticks=[(v, f"{v:g}") for v in range(-3, 4)],
        x_label="x",
        y_label="f(x), f′(x)",
        title=shape_titles[0],
        zero_line=True,
        dashes=("", "6 3"),
        legend=("function f", "slope f′"),
        varying=2,
    )
    fit_values = runs.predict(list(NETWORK_GRID))[0]
    grid = NETWORK_GRID
    weight, bias = least_squares_line(X, y)
    ends = (-5.0, 5.0)
    best_line = (ends, [weight * e + bias for e in ends], _INK, "7 4", "best line")
    bottom = _fit_chart(
        grid, fit_values, X, y, shape_titles[1], PALETTE[2], extra=(best_line,)
    )
    summary = describe_activation_shape(runs, line_loss)
    lines = (
        _ys(_SHAPE_AXES, values),
        _ys(_SHAPE_AXES, slopes),
        _ys(_FIT_AXES, fit_values),
    )
    final = float(runs.final_loss[0])
    distance = distance_from_line(NETWORK_GRID, fit_values)
    data = {
        "activation": name,
        "final-loss": repr(final),
        "outcome": str(classify_runs([final], line_loss)[0]),
        "distance": repr(distance),
        "straight": str(is_straight(NETWORK_GRID, fit_values)).lower(),
    }
    return Panel(
        _stack(top, bottom), f"{summary} {SHAPE_ALT}", summary, data, lines,
        shape_titles,
    )  # fmt: skip


#: What chapter 8's explorer draws, the end of every panel's alt text.
SHAPE_ALT = (
    "Top: the activation function, solid, and its slope, dashed, for x from -3 to "
    "3. Bottom: the curve of the trained 1-10-10-1 network over the eleven points "
    "of the parabola, with x² dotted and the best straight line dashed."
)


def activation_shape_explorer(
    X,
    y,
    line_loss: float,
    names: Sequence[str] = SHAPE_NAMES,
    seed: int = 0,
    default: str = "relu",
    num_epochs: int = 300,
) -> Explorer:
    """Chapter 8's explorer: for each activation (or none), the function and its
    slope, and the curve of the 1-10-10-1 network trained from ``seed`` with it.
    Compact: one figure, whose lines the page moves for each setting."""
    X_arr, y_arr = _validate.data_pair(X, y)
    control = Control("activation", "Activation", tuple(names), default)
    panels = {}
    for name in control.values:
        runs = activation_shape_run(X_arr, y_arr, name, seed, num_epochs)
        panels[(name,)] = _shape_panel(runs, X_arr, y_arr, line_loss)
    note = (
        f"This figure shows {default}; on the book's website a slider lets you "
        f"choose any of the {len(panels)} settings, none (identity) among them."
    )
    return Explorer(
        "Activation of the 1-10-10-1 network", (control,), panels, note, True,
        SHAPE_ALT,
    )  # fmt: skip
