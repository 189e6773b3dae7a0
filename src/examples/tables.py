"""Small tables the chapters display, built as Markdown text, and results glued
into the prose of a page.

Glued values reach the chapter tests as text that ``tests/chapter_runner.py`` reads
back with :func:`ast.literal_eval`: a Python number, string, bool, ``None``, or a
list, tuple or dict of those comes back as itself; anything else (a numpy scalar, a
dataclass, ``inf``) would come back as a string. :func:`glue_values` and
:func:`glue_fields` glue what a test can read back, or refuse at once.

Shown in chapter 1 (``01-learning-by-nudging``); chapter 2 (``02-pytorch-linear``);
chapter 3 (``03-linear-regression``); chapter 4 (``04-parabola-network``); chapter 5
(``05-backpropagation``); chapter 6 (``06-mini-batches``); chapter 7
(``07-deeper-networks``); chapter 8 (``08-activation-functions``); chapter 9
(``09-training-with-activations``); chapter 10 (``10-classification``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import fields, is_dataclass

import numpy as np


def markdown_table(
    headers: Sequence[str], rows: Sequence[Sequence[object]], floatfmt: str = ".3g"
) -> str:
    """A Markdown table with one row per item of ``rows``; floats use ``floatfmt``.

    >>> print(markdown_table(["x", "f(x)"], [(1.0, 3.0), (3.0, 9.0)]))
    | x | f(x) |
    |---|---|
    | 1 | 3 |
    | 3 | 9 |
    """
    if not headers:
        raise ValueError("headers must name at least one column")
    for n, row in enumerate(rows):
        if len(row) != len(headers):
            raise ValueError(
                f"rows[{n}] has {len(row)} cells but headers names {len(headers)} columns"
            )
    cell = lambda v: format(v, floatfmt) if isinstance(v, float) else str(v)
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def glue_fields(prefix: str, result: object) -> dict[str, object]:
    """Glue each field of the dataclass ``result`` as ``{prefix}_{field}`` (for
    ``{glue:text}`` in the prose), in one call; return the names and values glued.

    numpy scalars are glued as Python numbers, so the page prints ``4.2``, never
    ``np.float64(4.2)``.
    """
    if not is_dataclass(result) or isinstance(result, type):
        raise ValueError(f"result must be a dataclass instance, got {result!r}")
    if not prefix.isidentifier():
        raise ValueError(f"prefix must be a Python name, got {prefix!r}")
    from myst_nb import glue

    values = {}
    for f in fields(result):
        value = getattr(result, f.name)
        values[f"{prefix}_{f.name}"] = (
            value.item() if isinstance(value, np.generic) else value
        )
    for name, value in values.items():
        glue(name, value, display=False)
    return values


def glue_values(**values: object) -> dict[str, object]:
    """Glue each keyword as a value the prose shows and the chapter test reads back.

    * numpy scalars and arrays become Python numbers and lists;
    * ``None`` reads back as ``None`` (the prose shows ``None``);
    * ``inf``, ``-inf`` and ``nan`` are glued as the strings ``"inf"``, ``"-inf"``,
      ``"nan"``: ``{glue:text}`` shows them as they are, and the test compares
      ``float(chapter.glued["name"])``;
    * a dataclass ``name=result`` is glued field by field as ``name_field``
      (:func:`glue_fields`);
    * anything else a test could not read back raises ``ValueError`` naming it.

    Returns the names and values glued.

    >>> glue_values(loss=np.float64(0.5), best=None, ratio=float("inf"))
    {'loss': 0.5, 'best': None, 'ratio': 'inf'}
    """
    from myst_nb import glue

    glued: dict[str, object] = {}
    for name, value in values.items():
        if is_dataclass(value) and not isinstance(value, type):
            glued.update(glue_fields(name, value))
            continue
        plain = _readable(name, value)
        glue(name, plain, display=False)
        glued[name] = plain
    return glued


def _readable(name: str, value: object) -> object:
    """``value`` as something ``ast.literal_eval(repr(...))`` gives back."""
    if isinstance(value, (np.generic, np.ndarray)):
        value = value.tolist()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # "inf", "-inf", "nan"
    if isinstance(value, (list, tuple)):
        return type(value)(_readable(name, v) for v in value)
    if isinstance(value, dict):
        return {k: _readable(name, v) for k, v in value.items()}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise ValueError(
        f"{name} must be a number, string, bool, None, a dataclass, or a list, "
        f"tuple or dict of those (a chapter test reads it back), "
        f"got {type(value).__name__}"
    )
