"""`make chapter` scaffolds a chapter that keeps every house rule, builds, and
passes its own tests at once."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.book_builds import build, make_book

ROOT = Path(__file__).resolve().parent.parent
#: The number the next chapter would take, and the last chapter's.
LAST = max(int(md.name[:2]) for md in (ROOT / "book").glob("[0-9][0-9]-*.md"))
NN = f"{LAST + 1:02d}"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


new_chapter = _load("new_chapter")
check_chapters = _load("check_chapters")


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    for folder in ("book", "src", "tests/chapters"):
        shutil.copytree(
            ROOT / folder,
            tmp_path / folder,
            ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"),
        )
    shutil.copy(ROOT / "_toc.yml", tmp_path)
    return tmp_path


def test_the_scaffold_keeps_the_rules_and_passes_its_tests(copy):
    written = new_chapter.scaffold(copy, str(LAST + 1), "convolutions", "Convolutions")
    assert copy / "book" / f"{NN}-convolutions.md" in written
    toc = (copy / "_toc.yml").read_text()
    assert (
        toc.index(f"book/{LAST:02d}-")
        < toc.index(f"book/{NN}-convolutions")
        < toc.index("book/glossary")
    )
    problems = check_chapters.check_chapter(
        copy / "book" / f"{NN}-convolutions.md", copy
    )
    assert problems == []
    env = dict(os.environ, PYTHONPATH=str(copy / "src"))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-c",
            os.devnull,
            "--rootdir",
            str(copy),
            "--doctest-modules",
            "tests/test_convolutions.py",
            f"tests/test_solutions_ch{NN}.py",
            "src/examples/convolutions.py",
        ],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "5 passed" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("x8", "a", "A"), "NUMBER must be a number"),
        (("07", "a", "A"), "NUMBER 07 is taken by 07-"),
        ((NN, "Mini Batches", "A"), "NAME must be lower-case words"),
        ((NN, "a", " "), "TITLE must be the chapter's title"),
    ],
)
def test_bad_arguments_are_refused_naming_them(copy, args, message):
    with pytest.raises(SystemExit, match=message):
        new_chapter.scaffold(copy, *args)
    assert not list((copy / "book").glob(f"{NN}-*"))


def test_the_scaffolded_chapter_builds_and_its_chapter_test_reads_it(tmp_path):
    copy = tmp_path / "scaffold"
    (copy / "book").mkdir(parents=True)
    (copy / "_toc.yml").write_text("format: jb-book\nroot: book/intro\nchapters:\n")
    texts = new_chapter.files(copy, NN, "convolutions", "Convolutions")
    chapter = texts[copy / "book" / f"{NN}-convolutions.md"]
    modules = {
        "convolutions.py": texts[copy / "src" / "examples" / "convolutions.py"],
        f"solutions/ch{NN}.py": texts[
            copy / "src" / "examples" / "solutions" / f"ch{NN}.py"
        ],
    }
    book = make_book(
        tmp_path / "book", [], pages={f"{NN}-convolutions": chapter}, modules=modules
    )
    result = build(book)
    assert result.returncode == 0, result.output[-3000:]
    page = (book / "_build" / "html" / "book" / f"{NN}-convolutions.html").read_text()
    text = re.sub(r"<[^>]+>", "", page)
    assert "The largest of the five squares is 16." in " ".join(text.split())
    assert 'id="fig-convolutions-squares"' in page
    assert "[0, 1, 4, 9, 16]" in page


def test_make_check_passes_on_a_scaffolded_chapter(tmp_path):
    """`make chapter`, then at once `make check` for the chapter, as CONTRIBUTING
    says, in a small copy of the book (the scaffolded chapter, the glossary, the
    execution report): every step `make check` runs passes on what `make chapter`
    made (house rules, strict build, the notebook written, the module, solutions and
    chapter tests, the chapter's browser tests), and a second build finds notebooks/
    in sync."""
    book = make_book(tmp_path / "book", [])
    shutil.copytree(
        ROOT / "tests",
        book / "tests",
        ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"),
    )
    (book / "notebooks").mkdir()
    new_chapter.scaffold(book, NN, "convolutions", "Convolutions")
    # the copy's src/ first: the installed `examples` is the repository's
    env = dict(os.environ, PYTHONPATH=str(book / "src"), CI="true")
    env.pop("SITE_DIR", None)

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, *args],
            cwd=book,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=900,
        )

    check = run("scripts/check_chapter.py", NN)
    assert check.returncode == 0, check.stdout[-5000:]
    assert f"wrote: notebooks/{NN}-convolutions.ipynb" in check.stdout
    in_sync = run("scripts/check_chapters.py", "--notebooks")
    assert in_sync.returncode == 0, in_sync.stdout[-3000:]
    for step in ("rules", "build", "notebooks", "tests", "browser"):
        assert f"[check] {step}: passed" in check.stdout, check.stdout[-5000:]
    tests = re.search(r"\[check\] tests: (.*)", check.stdout).group(1)
    for name in ("test_convolutions.py", f"test_solutions_ch{NN}.py", "chapters/"):
        assert name in tests
    # each pytest step ran tests, and none was skipped (no browser, say)
    for step in ("tests", "browser"):
        output = check.stdout.split(f"[check] {step}: ")[1].split("[check]")[0]
        assert re.search(r"\b[1-9]\d* passed", output), output[-2000:]
        assert "skipped" not in output, output[-2000:]
