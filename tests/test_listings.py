"""Shown code is short: every listing of a chapter is at most 25 lines of 76 columns.

A chapter shows package code with ``literalinclude`` (usually ``:pyobject:``, one
function or class with its decorators and docstring). The house style allows 25
lines per shown function or class and 76 characters per line, which fits the content
column at 1280 px without sideways scrolling. This test reads every
``literalinclude`` of ``book/*.md``, extracts what Sphinx would show (``:pyobject:``,
``:lines:``, ``:start-after:``/``:start-at:``, ``:end-before:``/``:end-at:``,
``:dedent:``) and fails naming the chapter, the file and the function.
"""

from __future__ import annotations

import ast
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
MAX_LINES = 25
MAX_WIDTH = 76

DIRECTIVE = re.compile(
    r"^(?P<fence>`{3,}|:{3,})\{literalinclude\}[ \t]+(?P<path>\S+)[ \t]*\n"
    r"(?P<options>(?:[ \t]*:[\w-]+:[^\n]*\n)*)",
    re.MULTILINE,
)
OPTION = re.compile(r"^[ \t]*:(?P<key>[\w-]+):[ \t]*(?P<value>[^\n]*)$", re.MULTILINE)


@dataclass(frozen=True)
class Listing:
    chapter: str
    source: Path
    options: dict[str, str]

    @property
    def name(self) -> str:
        what = self.options.get("pyobject") or self.options.get("lines") or "all"
        path = self.source
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
        return f"{self.chapter}: {shown}:{what}"


def listings() -> list[Listing]:
    found = []
    for md in sorted(BOOK.glob("*.md")):
        for match in DIRECTIVE.finditer(md.read_text(encoding="utf-8")):
            options = {
                m["key"]: m["value"].strip() for m in OPTION.finditer(match["options"])
            }
            source = (md.parent / match["path"]).resolve()
            found.append(Listing(md.name, source, options))
    return found


def _object_lines(lines: list[str], dotted: str) -> list[str]:
    """The lines of the function or class ``dotted`` (``A`` or ``A.method``) with
    its decorators, as Sphinx's ``:pyobject:`` shows them."""
    scope: list[ast.stmt] = ast.parse("\n".join(lines)).body
    node = None
    for part in dotted.split("."):
        node = next(
            (
                n
                for n in scope
                if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                and n.name == part
            ),
            None,
        )
        if node is None:
            raise LookupError(f"no function or class {dotted!r}")
        scope = node.body
    start = min([d.lineno for d in node.decorator_list] + [node.lineno])
    return lines[start - 1 : node.end_lineno]


def _select_lines(lines: list[str], spec: str) -> list[str]:
    """Sphinx's ``:lines:`` option: ``1-3,7,10-`` (1-based, inclusive)."""
    chosen: list[str] = []
    for part in spec.split(","):
        part = part.strip()
        if "-" in part:
            first, _, last = part.partition("-")
            start = int(first) if first else 1
            stop = int(last) if last else len(lines)
            chosen.extend(lines[start - 1 : stop])
        else:
            chosen.append(lines[int(part) - 1])
    return chosen


def shown_lines(listing: Listing) -> list[str]:
    """The lines of ``listing`` a reader sees, after every option is applied."""
    lines = listing.source.read_text(encoding="utf-8").splitlines()
    opts = listing.options
    if "pyobject" in opts:
        lines = _object_lines(lines, opts["pyobject"])
    if "lines" in opts:
        lines = _select_lines(lines, opts["lines"])
    for key, after in (("start-after", True), ("start-at", False)):
        if key in opts:
            index = next(i for i, line in enumerate(lines) if opts[key] in line)
            lines = lines[index + after :]
    for key, keep in (("end-before", False), ("end-at", True)):
        if key in opts:
            index = next(i for i, line in enumerate(lines) if opts[key] in line)
            lines = lines[: index + keep]
    if "dedent" in opts:
        amount = opts["dedent"]
        if amount:
            lines = [line[int(amount) :] for line in lines]
        else:
            lines = textwrap.dedent("\n".join(lines)).splitlines()
    return lines


ALL_LISTINGS = listings()


def test_the_book_shows_listings() -> None:
    """The parser finds the chapters' listings (so the checks below are not empty)."""
    assert len(ALL_LISTINGS) >= 30
    assert any(x.options.get("pyobject") == "train_per_sample" for x in ALL_LISTINGS)


@pytest.mark.parametrize("listing", ALL_LISTINGS, ids=lambda x: x.name)
def test_listing_is_at_most_25_lines_of_76_characters(listing: Listing) -> None:
    assert listing.source.is_file(), f"{listing.name}: no such file"
    lines = shown_lines(listing)
    assert lines, f"{listing.name}: the listing is empty"
    assert len(lines) <= MAX_LINES, (
        f"{listing.name} shows {len(lines)} lines; the most is {MAX_LINES}"
    )
    wide = [
        f"line {i}: {len(line)} characters"
        for i, line in enumerate(lines, start=1)
        if len(line) > MAX_WIDTH
    ]
    assert not wide, f"{listing.name} has lines over {MAX_WIDTH}: {wide}"


def test_the_extraction_follows_sphinx(tmp_path: Path) -> None:
    """Decorators count, a method is found inside its class, options apply in order."""
    source = tmp_path / "m.py"
    source.write_text(
        "import functools\n\n\n@functools.cache\ndef f(x):\n    return x\n\n\n"
        "class A:\n    def g(self):\n        # start\n        return 1\n",
        encoding="utf-8",
    )
    shown = shown_lines(Listing("ch.md", source, {"pyobject": "f"}))
    assert shown == ["@functools.cache", "def f(x):", "    return x"]
    method = Listing(
        "ch.md", source, {"pyobject": "A.g", "start-after": "# start", "dedent": ""}
    )
    assert shown_lines(method) == ["return 1"]
    assert shown_lines(Listing("ch.md", source, {"lines": "1,4-5"})) == [
        "import functools",
        "@functools.cache",
        "def f(x):",
    ]
    too_wide = Listing("ch.md", source, {"pyobject": "f"})
    source.write_text("def f():\n    return '" + "x" * 80 + "'\n", encoding="utf-8")
    with pytest.raises(AssertionError, match=r"f has lines over 76"):
        test_listing_is_at_most_25_lines_of_76_characters(too_wide)


CELL = re.compile(r"^(`{3,})\{code-cell\}[^\n]*\n(.*?)^\1[ \t]*$", re.M | re.S)


def test_code_cells_are_at_most_76_characters_wide() -> None:
    wide = []
    for md in sorted(BOOK.glob("*.md")):
        text = md.read_text(encoding="utf-8")
        for m in CELL.finditer(text):
            lines = m[2].splitlines()
            if lines and lines[0].strip() == "---":  # YAML options
                end = lines.index("---", 1)
                opts, lines = lines[1:end], lines[end + 1 :]
            else:
                opts = [ln for ln in lines if ln.startswith(":")]
                lines = lines[len(opts) :]
            if any(t in " ".join(opts) for t in ("remove-input", "remove-cell")):
                continue
            first = text.count("\n", 0, m.start()) + 2
            wide += [
                f"{md.name} line {first + i}: {len(ln)} characters"
                for i, ln in enumerate(lines)
                if len(ln) > MAX_WIDTH
            ]
    assert not wide, f"code cell lines over {MAX_WIDTH}: {wide}"
