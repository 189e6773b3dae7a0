"""The build is strict: a chapter whose cell fails makes `make html`'s build fail."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FAILING_CHAPTER = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# A broken chapter

```{code-cell} ipython3
1 / 0
```
"""


def make_small_book(tmp_path: Path, chapter_text: str) -> Path:
    """A copy of the repo's build set-up with the intro and one extra chapter."""
    for name in ("_config.yml", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    for name in ("scripts", "src"):
        shutil.copytree(ROOT / name, tmp_path / name)
    (tmp_path / "book").mkdir()
    shutil.copy(ROOT / "book" / "intro.md", tmp_path / "book" / "intro.md")
    (tmp_path / "book" / "99-extra.md").write_text(chapter_text)
    (tmp_path / "_toc.yml").write_text(
        "format: jb-book\nroot: book/intro\nchapters:\n  - file: book/99-extra\n"
    )
    # the intro links to chapters this small book does not have
    intro = tmp_path / "book" / "intro.md"
    intro.write_text(intro.read_text().replace("{doc}", ""))
    return tmp_path


def build(book: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(book / "scripts" / "build.py")],
        cwd=book,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_failing_cell_fails_the_build_every_time(tmp_path):
    book = make_small_book(tmp_path, FAILING_CHAPTER)
    first = build(book)
    assert first.returncode != 0, first.stdout[-2000:]
    assert "ZeroDivisionError" in first.stdout + first.stderr
    # an incremental build must not pass the page it did not re-read
    second = build(book)
    assert second.returncode != 0, second.stdout[-2000:]


def test_missing_module_fails_the_build(tmp_path):
    book = make_small_book(
        tmp_path, FAILING_CHAPTER.replace("1 / 0", "import no_such_module_xyz")
    )
    result = build(book)
    assert result.returncode != 0
    assert "ModuleNotFoundError" in result.stdout + result.stderr


def test_broken_cross_reference_fails_the_build(tmp_path):
    text = (
        FAILING_CHAPTER.replace("1 / 0", "1 + 1")
        + "\nSee {numref}`fig-does-not-exist`.\n"
    )
    result = build(make_small_book(tmp_path, text))
    assert result.returncode != 0
    assert "fig-does-not-exist" in result.stdout + result.stderr
