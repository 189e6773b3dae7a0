"""Scaffold a new chapter that keeps every house rule (``make chapter``).

``make chapter NUMBER=11 NAME=convolutions TITLE="Convolutions"`` writes

* ``book/11-convolutions.md``: front matter with a description, the hidden first
  cell, a shown and tested function, a glued number, a figure with name, caption and
  alt text, and an Exercises section with two dropdown solutions;
* ``src/examples/convolutions.py`` and ``tests/test_convolutions.py``;
* ``src/examples/solutions/ch11.py`` and ``tests/test_solutions_ch11.py``;
* ``tests/chapters/test_ch11_convolutions.py``;
* the chapter's line in ``_toc.yml``.

It refuses to overwrite anything. Then: ``make check CHAPTER=11`` (it builds the
book, writes the chapter's notebook and runs its tests), and replace the
placeholders with the chapter.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHAPTER_LINE = re.compile(r"(\s*)- file: book/(\d{2})-")

CHAPTER = """\
---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
myst:
  html_meta:
    description: "{title}: one sentence saying what this chapter teaches."
---

# {title}

```{{code-cell}} ipython3
:tags: [remove-cell]
{imports}

use_book_style()
```

Replace this paragraph with the chapter. The code it shows lives in
`src/examples/{module}.py`:

```{{literalinclude}} ../src/examples/{module}.py
:pyobject: squares
:language: python
```

```{{code-cell}} ipython3
values = squares(5)
print(values)
```

```{{code-cell}} ipython3
:tags: [remove-cell]
glue_values(largest=values[-1])
```

The largest of the five squares is {{glue:text}}`largest`.

```{{code-cell}} ipython3
:tags: [hide-input]
:mystnb:
:  figure:
:    caption: The squares of 0 to 4.
:    name: fig-{name}-squares
:  image:
:    alt: A line chart of the squares of 0 to 4, rising from 0 to 16.
ax = get_axes()
ax.plot(values, marker="o")
ax.set_xlabel("n")
ax.set_ylabel("n squared");
```

{{numref}}`fig-{name}-squares` shows them.

## Exercises

1. **Cubes.** Compute the cubes of 0 to 4.

````{{admonition}} Solution
:class: dropdown
Multiply each number by itself twice.

```{{literalinclude}} ../src/examples/solutions/ch{number}.py
:pyobject: cubes
:language: python
```
````

2. **Sum.** Add up the squares of 0 to 4.

````{{admonition}} Solution
:class: dropdown
Add the squares: 0 + 1 + 4 + 9 + 16.

```{{literalinclude}} ../src/examples/solutions/ch{number}.py
:pyobject: sum_of_squares
:language: python
```
````
"""

MODULE = '''\
"""{title}: the code chapter {number} shows and runs."""

from __future__ import annotations


def squares(n: int) -> list[int]:
    """The squares of 0 to ``n - 1``.

    >>> squares(4)
    [0, 1, 4, 9]
    """
    if not isinstance(n, int) or n < 0:
        raise ValueError(f"n must be a non-negative int, got {{n!r}}")
    return [i * i for i in range(n)]
'''

MODULE_TEST = """\
import pytest

from examples.{module} import squares


def test_squares_are_each_number_times_itself():
    assert squares(5) == [i**2 for i in range(5)]


def test_squares_rejects_a_negative_count():
    with pytest.raises(ValueError, match="n must be a non-negative int"):
        squares(-1)
"""

SOLUTIONS = '''\
"""Solutions to the exercises of chapter {number}, {title}."""

from __future__ import annotations

from examples.{module} import squares


def cubes(n: int = 5) -> list[int]:
    """Exercise 1: the cubes of 0 to ``n - 1``."""
    return [s * i for i, s in enumerate(squares(n))]


def sum_of_squares(n: int = 5) -> int:
    """Exercise 2: the sum of the squares of 0 to ``n - 1``."""
    return sum(squares(n))
'''

SOLUTIONS_TEST = """\
from examples.solutions.ch{number} import cubes, sum_of_squares


def test_cubes_as_the_solution_says():
    assert cubes() == [0, 1, 8, 27, 64]


def test_sum_of_squares_as_the_solution_says():
    n = 5
    assert sum_of_squares(n) == (n - 1) * n * (2 * n - 1) // 6  # closed form
"""

CHAPTER_TEST = '''\
"""The claims chapter {number} makes, checked against its execution."""

CHAPTER = "{stem}.md"


def test_no_cell_fails(chapter):
    assert chapter.errors() == []


def test_the_largest_square_is_the_one_the_text_states(chapter):
    assert chapter.glued["largest"] == 16
    assert chapter.images() == 1
'''


def files(root: Path, number: str, name: str, title: str) -> dict[Path, str]:
    """The files ``make chapter`` writes, with their text."""
    module, stem = name.replace("-", "_"), f"{number}-{name}"
    imports = [
        "from examples.plotting import get_axes, use_book_style",
        "from examples.tables import glue_values",
        f"from examples.{module} import squares",
    ]
    imports = "\n".join(sorted(imports))  # in the order ruff's isort rule wants
    values = dict(number=number, name=name, title=title, module=module, stem=stem)
    values["imports"] = imports
    texts = {
        f"book/{stem}.md": CHAPTER,
        f"src/examples/{module}.py": MODULE,
        f"tests/test_{module}.py": MODULE_TEST,
        f"src/examples/solutions/ch{number}.py": SOLUTIONS,
        f"tests/test_solutions_ch{number}.py": SOLUTIONS_TEST,
        f"tests/chapters/test_ch{number}_{module}.py": CHAPTER_TEST,
    }
    return {root / path: text.format(**values) for path, text in texts.items()}


def scaffold(root: Path, number: str, name: str, title: str) -> list[Path]:
    """Write the chapter's files and its ``_toc.yml`` line; refuse bad arguments."""
    if not re.fullmatch(r"\d{1,2}", number or ""):
        sys.exit(f"make chapter: NUMBER must be a number such as 08, not {number!r}")
    number = f"{int(number):02d}"
    if not re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", name or ""):
        sys.exit(
            "make chapter: NAME must be lower-case words joined by '-', such as "
            f"mini-batches, not {name!r}"
        )
    if not (title or "").strip():
        sys.exit('make chapter: TITLE must be the chapter\'s title, "Mini-batches"')
    taken = sorted((root / "book").glob(f"{number}-*.md"))
    if taken:
        sys.exit(f"make chapter: NUMBER {number} is taken by {taken[0].name}")
    wanted = files(root, number, name, title.strip())
    existing = [str(p.relative_to(root)) for p in wanted if p.exists()]
    if existing:
        sys.exit(f"make chapter: would overwrite {', '.join(existing)}")
    for path, text in wanted.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    # The toc line goes after the chapters numbered lower, else before the first.
    toc = root / "_toc.yml"
    lines = toc.read_text(encoding="utf-8").splitlines(keepends=True)
    chapters = [
        (i, m) for i, line in enumerate(lines) if (m := CHAPTER_LINE.match(line))
    ]
    lower = [i for i, m in chapters if m[2] < number]
    at = lower[-1] + 1 if lower else chapters[0][0] if chapters else len(lines)
    indent = chapters[0][1][1] if chapters else "  "
    lines.insert(at, f"{indent}- file: book/{number}-{name}\n")
    toc.write_text("".join(lines), encoding="utf-8")
    return list(wanted)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit('usage: make chapter NUMBER=11 NAME=convolutions TITLE="Convolutions"')
    for path in scaffold(ROOT, *sys.argv[1:]):
        print(f"wrote {path.relative_to(ROOT)}")
    number = f"{int(sys.argv[1]):02d}"
    print(f"added book/{number}-{sys.argv[2]} to _toc.yml")
    print(f"next: make check CHAPTER={number} (build, notebook, tests)")
