"""Small tables the chapters display, built as Markdown text."""

from __future__ import annotations

from collections.abc import Sequence


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
