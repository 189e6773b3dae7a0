"""The build survives faults: killed at any moment, run twice at once, or given a
broken listing or an unwritable output, it ends with a one-line message and the next
plain build gives a site whose pages and downloadable notebooks have every output.

One cold build of a tiny book (two one-cell pages) is shared by the module; each test
works on a copy of it at the same path. The build is stopped where it matters with
``BOOK_BUILD_FAULT=point:SIGNAL`` (``book_exec.checkpoint``: the build sends itself
the signal there) or, for an interruption while a kernel runs, by a signal from the
test while a cell waits for a file to disappear.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.book_builds import NOTEBOOK_HEADER, build, cache_records, make_book

FIRST, SECOND = "01-probe", "02-probe"


def page(name: str, text: str, extra: str = "") -> str:
    return (
        NOTEBOOK_HEADER
        + f"# Page {name}\n\n```{{code-cell}} ipython3\n{extra}print('{text}')\n```\n"
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    book = make_book(
        tmp_path_factory.mktemp("cold") / "book",
        [],
        pages={FIRST: page(FIRST, "first output"), SECOND: page(SECOND, "second")},
    )
    result = build(book)
    assert result.returncode == 0, result.output[-3000:]
    return book


@pytest.fixture
def book(built: Path, tmp_path: Path) -> Path:
    """A copy of the built book, moved to the path it was built at (and back)."""
    keep = tmp_path / "original"
    shutil.copytree(built, keep, symlinks=True)
    yield built
    shutil.rmtree(built)
    shutil.move(keep, built)


def edit(book: Path, text: str, extra: str = "") -> None:
    """Change the first page's cell: it is executed by the next build."""
    (book / "book" / f"{FIRST}.md").write_text(page(FIRST, text, extra), "utf-8")


def build_with_fault(book: Path, fault: str) -> subprocess.CompletedProcess:
    os.environ["BOOK_BUILD_FAULT"] = fault
    try:
        return build(book)
    finally:
        del os.environ["BOOK_BUILD_FAULT"]


def assert_complete(book: Path, first: str) -> None:
    """Every page and downloadable notebook shows its current output."""
    html = book / "_build" / "html"
    for name, text in ((FIRST, first), (SECOND, "second")):
        assert text in (html / "book" / f"{name}.html").read_text("utf-8"), name
        nb = json.loads((html / "_sources" / "book" / f"{name}.ipynb").read_text())
        outputs = json.dumps([c.get("outputs") for c in nb["cells"]])
        assert text in outputs, name
    assert len(cache_records(book)) == 2


def rebuild(book: Path, first: str) -> subprocess.CompletedProcess:
    result = build(book)
    assert result.returncode == 0, result.output[-3000:]
    assert_complete(book, first)
    return result


@pytest.mark.parametrize(
    "fault",
    # while a chapter is stored: notebook written, old record removed, notebook in
    # place, record written; then while Sphinx reads and writes
    [
        "written:KILL",
        "unrecorded:TERM",
        "published:KILL",
        "recorded:KILL",
        "sphinx reading sources:KILL",
        "sphinx writing output:TERM",
    ],
)
def test_a_killed_build_is_completed_by_the_next(book, fault):
    edit(book, "edited output")
    killed = build_with_fault(book, fault)
    if fault.endswith("KILL"):
        assert killed.returncode == -signal.SIGKILL
    else:
        assert killed.returncode == 128 + signal.SIGTERM, killed.output[-3000:]
        assert "build interrupted" in killed.output
        assert "Traceback" not in killed.output
    rebuild(book, "edited output")


def test_a_record_without_its_notebook_is_executed_again(book):
    """What an older build killed while storing left: a record pointing at nothing."""
    folder = book / "_build" / ".jupyter_cache" / "executed"
    for notebook in folder.glob("*/base.ipynb"):
        shutil.rmtree(notebook.parent)
        break
    second = book / "book" / f"{SECOND}.md"  # a prose edit: nothing is stale
    second.write_text(second.read_text("utf-8") + "\nMore prose.\n", "utf-8")
    result = rebuild(book, "first output")
    assert "its cache record was incomplete, executing it again" in result.output


def start(book: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(book / "scripts" / "build.py")],
        cwd=book,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, as a terminal gives it
    )


def start_after(first: subprocess.Popen, book: Path) -> subprocess.Popen:
    """A second build, started once the first has the lock and executes."""
    wait_for(first, "executing 1 of 2 chapters")
    return start(book)


def wait_for(proc: subprocess.Popen, text: str) -> str:
    seen = ""
    for line in proc.stdout:
        seen += line
        if text in line:
            return seen
    raise AssertionError(f"{text!r} never printed:\n{seen[-3000:]}")


def holding_cell(hold: Path) -> str:
    """Code that waits while ``hold`` exists (a chapter that is still executing)."""
    return (
        f"import os, time\nwhile os.path.exists({str(hold)!r}):\n    time.sleep(0.1)\n"
    )


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_execution_says_so_without_a_traceback(book, tmp_path, sig):
    hold = tmp_path / "hold"
    hold.touch()
    edit(book, "held output", holding_cell(hold))
    with start(book) as proc:
        wait_for(proc, "executing 1 of 2 chapters")
        time.sleep(3)  # the kernel is running the cell
        os.killpg(proc.pid, sig)  # Ctrl-C signals the whole process group
        rest = proc.stdout.read()
        assert proc.wait(timeout=60) == 128 + sig, rest
    assert "build interrupted" in rest
    assert "Traceback" not in rest and "raised an error" not in rest, rest
    hold.unlink()
    rebuild(book, "held output")


def test_a_second_build_waits_for_the_first(book, tmp_path):
    hold = tmp_path / "hold"
    hold.touch()
    edit(book, "waited output", holding_cell(hold))
    with start(book) as first, start_after(first, book) as second:
        said = wait_for(second, "is running here: waiting for it")
        assert said.count("\n") == 1  # one line, then it waits
        hold.unlink()
        assert first.wait(timeout=300) == 0, first.stdout.read()[-3000:]
        rest = second.stdout.read()
        assert second.wait(timeout=300) == 0, rest[-3000:]
    assert "nothing changed since the last successful build" in rest
    assert_complete(book, "waited output")


def test_a_missing_listing_names_the_page_line_and_object(book):
    listing = (
        "```{literalinclude} ../src/examples/data.py\n:pyobject: no_such_fn\n```\n"
    )
    text = (book / "book" / f"{SECOND}.md").read_text("utf-8")
    (book / "book" / f"{SECOND}.md").write_text(f"{text}\n{listing}", "utf-8")
    result = build(book)
    assert result.returncode == 1
    warning = [line for line in result.output.splitlines() if "no_such_fn" in line]
    assert warning and f"{SECOND}.md:" in warning[0], result.output[-3000:]
    assert "Traceback (most recent call last)" not in result.output
    assert "_build/.book-exec/sphinx.log" in result.output


def test_an_unwritable_output_is_named(book):
    report = book / "_build" / ".book-exec" / "last-build.json"
    report.unlink()
    report.mkdir()  # in the way of the file (root may write anything else)
    result = build(book)
    assert result.returncode == 73
    assert f"cannot write {report}" in result.output
    assert "Traceback" not in result.output
