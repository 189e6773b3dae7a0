"""Same bytes twice: two clean builds give identical executed outputs and figures.

The first build executes chapters 1 and 2 two at a time, the second one after the
other, so the test also shows that outputs do not depend on what runs alongside. Both
builds also show that the build script stores the real chapters in the cache under
the hash MyST-NB computes, so Sphinx executes nothing itself.
"""

from __future__ import annotations

from pathlib import Path

from tests.book_builds import build, executed_outputs, last_build, make_book

CHAPTERS = ["01-learning-by-nudging.md", "02-pytorch-linear.md"]


def files(folder: Path, pattern: str) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.glob(pattern)
    }


def test_two_clean_builds_give_the_same_bytes(tmp_path):
    builds = []
    for name, workers in (("first", "2"), ("second", "1")):
        book = make_book(tmp_path / name, CHAPTERS)
        result = build(book, "--workers", workers)
        assert result.returncode == 0, result.output[-3000:]
        assert len(last_build(book)["executed"]) == len(CHAPTERS)
        # MyST-NB found each real chapter in the cache under its own hash
        assert last_build(book)["executed_by_sphinx"] == []
        assert result.output.count("Using cached notebook") == len(CHAPTERS)
        builds.append(book)
    first, second = builds

    outputs = executed_outputs(first)
    assert len(outputs) == len(CHAPTERS)
    assert all(any(out for _, out in cells) for cells in outputs.values())
    assert executed_outputs(second) == outputs

    # the same notebooks as the cache stores them, byte for byte
    cache = "_build/.jupyter_cache/executed"
    stored = files(first / cache, "*/base.ipynb")
    assert len(stored) == len(CHAPTERS)
    assert files(second / cache, "*/base.ipynb") == stored

    # figure files: names are hashes of the bytes, and the bytes are compared too
    images = files(first / "_build" / "html" / "_images", "*")
    assert any(name.endswith(".png") for name in images)
    assert files(second / "_build" / "html" / "_images", "*") == images
