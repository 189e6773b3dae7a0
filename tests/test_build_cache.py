"""The build never shows stale outputs and executes only the chapters that changed.

One cold build of a small copy of the book (chapter 1, two probe pages, the glossary
and the execution report) is shared by the module; each test starts from a copy of
that built tree, at the same path, so Sphinx and the cache see it as it was.

The probe chapter prints a value defined in ``examples._probe_leaf``, which it
imports only through ``examples._probe_top``: a change of the leaf must re-execute
the probe chapter (transitive import analysis) and nothing else.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.book_builds import (
    NOTEBOOK_HEADER,
    build,
    cache_records,
    last_build,
    make_book,
    page_html,
)

PROBE = "probe"
TARGET = "probe-target"
CHAPTER1 = "01-learning-by-nudging"
PAGES = {
    PROBE: NOTEBOOK_HEADER
    + "# A probe chapter\n\nIt links to {ref}`probe-target`.\n\n"
    + "```{code-cell} ipython3\nfrom examples._probe_top import message\n\n"
    + "print(message())\n```\n",
    TARGET: "(probe-target)=\n# A page with a label\n\nNothing runs here.\n",
}
MODULES = {
    "_probe_top.py": '"""Build-test probe."""\n\nfrom examples import _probe_leaf\n\n\n'
    'def message():\n    return f"probe value {_probe_leaf.VALUE}"\n',
    "_probe_leaf.py": '"""Build-test probe."""\n\nVALUE = 1\n',
}
NOTEBOOKS = {f"book/{CHAPTER1}", f"book/{PROBE}"}


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    """A built small book (path, snapshot of its built tree, cold build result)."""
    base = tmp_path_factory.mktemp("build-cache")
    work = make_book(base / "book", [f"{CHAPTER1}.md"], PAGES, MODULES)
    cold = build(work)
    assert cold.returncode == 0, cold.output[-3000:]
    snapshot = base / "snapshot"
    shutil.copytree(work, snapshot, symlinks=True)
    return work, snapshot, cold


@pytest.fixture
def book(pristine) -> Path:
    """The small book as the cold build left it (restored before every test)."""
    work, snapshot, _ = pristine
    shutil.rmtree(work)
    shutil.copytree(snapshot, work, symlinks=True)
    return work


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_cold_build_executes_each_chapter_once_outside_sphinx(pristine):
    work, _, cold = pristine
    report = last_build(work)
    assert set(report["executed"]) == NOTEBOOKS
    assert report["executed_by_sphinx"] == []
    # Sphinx found every executed notebook in the cache under MyST-NB's own hash
    assert "Executing notebook" not in cold.output
    assert cold.output.count("Using cached notebook") == len(NOTEBOOKS)
    assert "probe value 1" in page_html(work, PROBE)


def test_execution_report_lists_every_chapter_with_its_time(pristine):
    work, _, _ = pristine
    html = page_html(work, "execution-report")
    rows = [
        " ".join(re.sub(r"<[^>]+>", " ", row).split())
        for row in re.findall(r"<tr.*?</tr>", html, flags=re.S)
    ]
    for docname in NOTEBOOKS:
        (row,) = [r for r in rows if docname in r]
        seconds = re.search(r"cache ([0-9.]+) ✅", row)
        assert seconds is not None, row
        assert float(seconds.group(1)) > 0
    assert len(rows) == 1 + len(NOTEBOOKS)  # a header, then one row per notebook


def test_noop_build_does_not_start_sphinx(book):
    result = build(book)
    assert result.returncode == 0, result.output[-3000:]
    assert "Running Sphinx" not in result.output
    report = last_build(book)
    assert report["executed"] == [] and report["sphinx_ran"] is False


def test_module_edit_reexecutes_only_the_chapters_importing_it(book):
    before = cache_records(book)
    edit(book / "src" / "examples" / "_probe_leaf.py", "VALUE = 1", "VALUE = 2")
    result = build(book)
    assert result.returncode == 0, result.output[-3000:]
    html = page_html(book, PROBE)
    assert "probe value 2" in html and "probe value 1" not in html
    assert last_build(book)["executed"] == [f"book/{PROBE}"]
    after = cache_records(book)
    assert after[f"{CHAPTER1}.md"] == before[f"{CHAPTER1}.md"]  # served from cache
    assert after[f"{PROBE}.md"] != before[f"{PROBE}.md"]


def test_prose_edit_executes_nothing(book):
    before = cache_records(book)
    chapter = book / "book" / f"{CHAPTER1}.md"
    chapter.write_text(chapter.read_text() + "\nA sentence added by a test.\n")
    result = build(book)
    assert result.returncode == 0, result.output[-3000:]
    assert "A sentence added by a test." in page_html(book, CHAPTER1)
    assert last_build(book)["executed"] == []
    assert cache_records(book) == before


def test_code_cell_edit_reexecutes_that_chapter_only(book):
    before = cache_records(book)
    edit(book / "book" / f"{PROBE}.md", "print(message())", "print(message() * 2)")
    result = build(book)
    assert result.returncode == 0, result.output[-3000:]
    assert "probe value 1probe value 1" in page_html(book, PROBE)
    assert last_build(book)["executed"] == [f"book/{PROBE}"]
    assert cache_records(book)[f"{CHAPTER1}.md"] == before[f"{CHAPTER1}.md"]


def test_lock_file_pins_reexecute_everything_only_if_they_matter(book):
    before = cache_records(book)
    lock = book / "requirements" / "lock.txt"
    lock.parent.mkdir(exist_ok=True)
    original = lock.read_text() if lock.exists() else ""
    # a pin of a tool no chapter imports (nor anything they import) changes nothing
    lock.write_text(original + "some-linter-xyz==1.0 \\\n    --hash=sha256:00\n")
    result = build(book)
    assert result.returncode == 0, result.output[-3000:]
    assert last_build(book)["executed"] == []
    # a new torch pin re-executes every chapter
    without_torch = re.sub(r"(?m)^torch==.*\n(?:[ \t]+.*\n)*", "", original)
    lock.write_text(without_torch + "torch==0.0.1 \\\n    --hash=sha256:00\n")
    result = build(book)
    assert result.returncode == 0, result.output[-3000:]
    assert set(last_build(book)["executed"]) == NOTEBOOKS
    after = cache_records(book)
    assert all(after[name] != before[name] for name in before)


def test_failing_module_fails_every_build_until_fixed(book):
    leaf = book / "src" / "examples" / "_probe_leaf.py"
    edit(leaf, "VALUE = 1", "VALUE = 1 / 0")
    for _ in range(2):  # the next build must not pass on the old outputs
        result = build(book)
        assert result.returncode != 0
        assert "ZeroDivisionError" in result.output
        assert f"{PROBE}.md" not in cache_records(book)
    edit(leaf, "VALUE = 1 / 0", "VALUE = 3")
    result = build(book)
    assert result.returncode == 0, result.output[-3000:]
    assert "probe value 3" in page_html(book, PROBE)


def test_reference_broken_by_another_page_fails_every_build(book):
    target = book / "book" / f"{TARGET}.md"
    edit(target, "(probe-target)=\n", "")
    for _ in range(2):
        result = build(book)
        assert result.returncode != 0
        assert "probe-target" in result.output
    edit(target, "# A page", "(probe-target)=\n# A page")
    result = build(book)
    assert result.returncode == 0, result.output[-3000:]
    assert last_build(book)["executed"] == []
