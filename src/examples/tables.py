"""Small tables the chapters display, built as Markdown text, and results glued
into the prose of a page."""

from __future__ import annotations

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
