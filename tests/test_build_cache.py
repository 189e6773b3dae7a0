"""The build never shows stale outputs and executes only the chapters that changed.

One cold build of a small copy of the book (two probe chapters, a page with a label,
the glossary and the execution report) is shared by the module; each test starts
from a copy of that built tree, at the same path, so Sphinx and the cache see it as
the cold build left it. The probe chapters are made for the purpose (cheap, and
independent of edits to the real chapters); the real chapters' hashing, parallel
execution and reproducibility are tested in test_reproducible.py.

``probe`` prints and glues a value defined in ``examples._probe_leaf``, which it
imports only through ``examples._probe_top``: a change of the leaf must re-execute
``probe`` (transitive import analysis) and not ``probe-other``, which imports
``examples._probe_other`` and draws a figure.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import sys
from pathlib import Path

import nbformat
import pytest

from tests.book_builds import (
    NOTEBOOK_HEADER,
    ROOT,
    build,
    cache_records,
    last_build,
    make_book,
    page_html,
)

PROBE = "probe"
OTHER = "probe-other"
TARGET = "probe-target"
PAGES = {
    PROBE: NOTEBOOK_HEADER
    + """# A probe chapter

It links to {ref}`probe-target`, and the value is {glue:text}`probe_value`.

```{code-cell} ipython3
:tags: [remove-cell]
from myst_nb import glue

from examples._probe_top import message, value
```

```{code-cell} ipython3
print(message())
glue("probe_value", value(), display=False)
```
""",
    OTHER: NOTEBOOK_HEADER
    + """# Another probe chapter

{numref}`fig-probe-line` shows a line.

```{code-cell} ipython3
:tags: [hide-input]
:mystnb:
:  figure:
:    caption: A line through three points.
:    name: fig-probe-line
:  image:
:    alt: A straight line rising from left to right.
import matplotlib.pyplot as plt

from examples._probe_other import points

fig, ax = plt.subplots(figsize=(2, 2))
ax.plot(*points());
```
""",
    TARGET: "(probe-target)=\n# A page with a label\n\nNothing runs here.\n",
}
MODULES = {
    "_probe_top.py": '''"""Build-test probe."""

from examples import _probe_leaf


def message():
    return f"probe value {_probe_leaf.VALUE}"


def value():
    return _probe_leaf.VALUE
''',
    "_probe_leaf.py": '"""Build-test probe."""\n\nVALUE = 1\n',
    "_probe_other.py": '"""Build-test probe."""\n\n\ndef points():\n'
    "    return [0, 1, 2], [0, 1, 2]\n",
}
NOTEBOOKS = {f"book/{PROBE}", f"book/{OTHER}"}


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    """A built small book (path, snapshot of its built tree, cold build result)."""
    base = tmp_path_factory.mktemp("build-cache")
    work = make_book(base / "book", [], PAGES, MODULES)
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
    assert 'alt="A straight line rising from left to right."' in page_html(work, OTHER)


def test_execution_report_lists_every_chapter_with_its_time(pristine):
    work, _, _ = pristine
    html = page_html(work, "execution-report")
    rows = [
        " ".join(re.sub(r"<[^>]+>", " ", row).split())
        for row in re.findall(r"<tr.*?</tr>", html, flags=re.S)
    ]
    for docname in NOTEBOOKS:
        # named by its title, its status in words (book/_ext/bml_site.py)
        title = re.search(r"^# (.+)$", PAGES[docname.split("/")[-1]], re.M)[1]
        (row,) = [r for r in rows if r.startswith(f"{title} ")]
        seconds = re.search(r"cache ([0-9.]+) passed", row)
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
    before, pages = cache_records(book), written(book)
    edit(book / "src" / "examples" / "_probe_leaf.py", "VALUE = 1", "VALUE = 2")
    result = build(book)
    assert result.returncode == 0, result.output[-3000:]
    html = page_html(book, PROBE)
    assert "probe value 2" in html and "probe value 1" not in html
    assert 'the value is <span class="pasted-text">2</span>' in html  # glued
    assert last_build(book)["executed"] == [f"book/{PROBE}"]
    after = cache_records(book)
    assert after[f"{OTHER}.md"] == before[f"{OTHER}.md"]  # served from cache
    assert after[f"{PROBE}.md"] != before[f"{PROBE}.md"]
    assert written(book)["execution-report"] != pages["execution-report"]  # its time


def written(book: Path) -> dict[str, int]:
    """When each page's HTML was last written."""
    html = book / "_build" / "html" / "book"
    return {p.stem: p.stat().st_mtime_ns for p in html.glob("*.html")}


def test_prose_edit_executes_nothing(book):
    before = cache_records(book)
    pages = written(book)
    chapter = book / "book" / f"{OTHER}.md"
    chapter.write_text(chapter.read_text() + "\nA sentence added by a test.\n")
    result = build(book)
    assert result.returncode == 0, result.output[-3000:]
    assert "A sentence added by a test." in page_html(book, OTHER)
    assert last_build(book)["executed"] == []
    assert cache_records(book) == before
    # only the page and the page whose table of contents lists it are written again
    # (not the execution report: no chapter was executed); the sitemap still lists
    # every page
    now = written(book)
    assert {n for n in now if now[n] != pages[n]} <= {OTHER, "intro"}
    assert now[PROBE] == pages[PROBE] and now[TARGET] == pages[TARGET]
    sitemap = (book / "_build" / "html" / "sitemap.xml").read_text(encoding="utf-8")
    for name in (PROBE, OTHER, TARGET, "glossary", "intro"):
        assert f"book/{name}.html</loc>" in sitemap, name


def search_index(book: Path) -> dict:
    text = (book / "_build" / "html" / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1 : text.rindex(")")])


def test_search_index_after_a_prose_edit_equals_a_clean_builds(book):
    """Sphinx 7.4 alone drops the glossary's index entries from an incremental
    build's search index, and keeps words no page has any more."""
    chapter = book / "book" / f"{OTHER}.md"
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(text + "\nThe word zyxwvutsrq, added by a test.\n")
    assert build(book).returncode == 0
    pages = written(book)
    chapter.write_text(text + "\nA sentence added by a test.\n")
    result = build(book)
    assert result.returncode == 0, result.output[-3000:]
    assert written(book)["glossary"] == pages["glossary"]  # its entries were kept
    incremental = search_index(book)
    assert incremental["indexentries"]  # the glossary's terms
    assert "zyxwvutsrq" not in incremental["terms"]
    for folder in ("html", ".doctrees"):  # a clean Sphinx build, same cache
        shutil.rmtree(book / "_build" / folder)
    result = build(book)
    assert result.returncode == 0, result.output[-3000:]
    assert search_index(book) == incremental


def test_a_title_edit_rewrites_every_page(book):
    """Every page's table of contents and links show the new title."""
    old, new = "# Another probe chapter", "# A renamed probe chapter"
    assert old[2:] in page_html(book, TARGET)
    edit(book / "book" / f"{OTHER}.md", old, new)
    result = build(book)
    assert result.returncode == 0, result.output[-3000:]
    for name in (PROBE, TARGET, "glossary"):
        assert new[2:] in page_html(book, name) and old[2:] not in page_html(book, name)


def test_code_cell_edit_reexecutes_that_chapter_only(book):
    before = cache_records(book)
    edit(book / "book" / f"{PROBE}.md", "print(message())", "print(message() * 2)")
    result = build(book)
    assert result.returncode == 0, result.output[-3000:]
    assert "probe value 1probe value 1" in page_html(book, PROBE)
    assert last_build(book)["executed"] == [f"book/{PROBE}"]
    assert cache_records(book)[f"{OTHER}.md"] == before[f"{OTHER}.md"]


def test_a_lock_file_change_reexecutes_every_chapter(book):
    """The lock pins every installed package: its hash (and the Python version) is
    the environment's key."""
    before = cache_records(book)
    lock = book / "requirements" / "lock.txt"
    lock.write_text(lock.read_text() + "torch==0.0.1 \\\n    --hash=sha256:00\n")
    result = build(book)
    assert result.returncode == 0, result.output[-3000:]
    assert "the environment changed (lock)" in result.output
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


def load_book_deps():
    spec = importlib.util.spec_from_file_location(
        "book_deps", ROOT / "scripts" / "book_deps.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("book_deps", module)
    spec.loader.exec_module(module)
    return module


def test_import_analysis_follows_the_package_transitively(tmp_path):
    book_deps = load_book_deps()
    pkg = tmp_path / "src" / "pkg"
    (pkg / "sub").mkdir(parents=True)
    files = {
        "__init__.py": "",
        "a.py": "from . import b\n",
        "b.py": "from .sub.c import VALUE\nimport json\n",
        "sub/__init__.py": "",
        "sub/c.py": "def f():\n    import pkg.e\nVALUE = 1\n",
        "d.py": "import pkg.a\n",  # imports the others but nothing imports it
        "e.py": "",
    }
    for name, text in files.items():
        (pkg / name).write_text(text)
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("%matplotlib inline\nimport numpy as np"),
        nbformat.v4.new_code_cell("from pkg import a\n!ls"),
    ]
    modules = book_deps.imported_modules(nb, tmp_path / "src")
    assert list(modules) == ["pkg", "pkg.a", "pkg.b", "pkg.e", "pkg.sub", "pkg.sub.c"]
    assert modules["pkg.sub.c"] == pkg / "sub" / "c.py"
    # the key changes with a module the chapter imports, not with another one
    key = book_deps.chapter_key(tmp_path, "cells", "env", modules)
    (pkg / "d.py").write_text("")
    assert book_deps.chapter_key(tmp_path, "cells", "env", modules) == key
    (pkg / "e.py").write_text("# edited\n")
    assert book_deps.chapter_key(tmp_path, "cells", "env", modules) != key


def test_import_analysis_sees_every_examples_import_of_the_real_chapters():
    """Against an independent reading: every ``examples.<module>`` a chapter's
    import lines name (found with a regular expression) is among its dependencies."""
    book_deps = load_book_deps()
    pattern = re.compile(r"^\s*(?:from|import)\s+(examples(?:\.\w+)*)", re.M)
    pages = book_deps.notebook_pages(ROOT)
    assert len(pages) >= 8
    for docname, path in pages:
        nb = book_deps.read_notebook(path)
        modules = book_deps.imported_modules(nb, ROOT / "src")
        named = {
            m
            for cell in nb.cells
            if cell.cell_type == "code"
            for m in pattern.findall(cell.source)
        }
        assert named <= set(modules), docname
        assert "examples" in modules or not named
