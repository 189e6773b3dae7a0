"""Same bytes twice: two clean builds give identical executed outputs and figures.

One clean build of a copy of the book with chapters 1 and 2 executes them one after
the other; it is compared with the repository's own build (``make test`` builds
first, two chapters at a time) when that build's outputs of both chapters are
current, and otherwise with a second clean copy built two at a time. Either way the
test also shows that outputs do not depend on what runs alongside, and that the
build script stores the real chapters in the cache under the hash MyST-NB computes,
so Sphinx executes nothing itself.
"""

from __future__ import annotations

from pathlib import Path

from tests.book_builds import ROOT, build, executed_outputs, last_build, make_book
from tests.chapter_runner import BOOK, executed_by_build

CHAPTERS = ["01-learning-by-nudging.md", "02-pytorch-linear.md"]
CACHE = "_build/.jupyter_cache/executed"
IMAGES = "_build/html/_images"


def files(folder: Path, pattern: str) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.glob(pattern)
    }


def clean_build(book: Path, workers: str) -> Path:
    make_book(book, CHAPTERS)
    result = build(book, "--workers", workers)
    assert result.returncode == 0, result.output[-3000:]
    assert len(last_build(book)["executed"]) == len(CHAPTERS)
    # MyST-NB found each real chapter in the cache under its own hash
    assert last_build(book)["executed_by_sphinx"] == []
    assert result.output.count("Using cached notebook") == len(CHAPTERS)
    return book


def test_two_clean_builds_give_the_same_bytes(tmp_path):
    first = clean_build(tmp_path / "first", "1")
    outputs = executed_outputs(first)
    assert len(outputs) == len(CHAPTERS)
    assert all(any(out for _, out in cells) for cells in outputs.values())
    stored = files(first / CACHE, "*/base.ipynb")
    assert len(stored) == len(CHAPTERS)
    images = files(first / IMAGES, "*")
    assert any(name.endswith(".png") for name in images)

    if all(executed_by_build(BOOK / name) for name in CHAPTERS):
        other = ROOT  # the repository's build, already there: nothing re-executed
    else:
        other = clean_build(tmp_path / "second", "2")
    theirs = executed_outputs(other)
    assert {name: theirs[name] for name in outputs} == outputs
    # the same notebooks as the cache stores them, byte for byte
    assert {
        k: v for k, v in files(other / CACHE, "*/base.ipynb").items() if k in stored
    } == stored
    # figure files: names are hashes of the bytes, and the bytes are compared too
    theirs = {name: other / IMAGES / name for name in images}
    assert {n: p.read_bytes() for n, p in theirs.items() if p.is_file()} == images
