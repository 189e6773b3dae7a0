"""The house rules are checked in seconds, before anything executes: each rule
broken in a temporary copy of the book fails ``scripts/check_chapters.py`` with a
line naming the chapter, the line, the rule and what to do."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHAPTER = "book/03-linear-regression.md"


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """The chapters, the table of contents and the chapter tests, copied."""
    shutil.copytree(ROOT / "book", tmp_path / "book", ignore=_no_images)
    shutil.copytree(ROOT / "tests" / "chapters", tmp_path / "tests" / "chapters")
    shutil.copy(ROOT / "_toc.yml", tmp_path)
    return tmp_path


def _no_images(folder: str, names: list[str]) -> set[str]:
    return {n for n in names if n.endswith((".png", ".svg", ".gif", "__pycache__"))}


def check(root: Path, *args: str) -> subprocess.CompletedProcess:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "check_chapters.py"), "--root", root]
        + list(args),
        capture_output=True,
        text=True,
    )
    assert time.perf_counter() - started < 30  # seconds, not a build's minutes
    return result


def edit(root: Path, old: str, new: str, count: int = 1) -> None:
    path = root / CHAPTER
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def test_the_repository_keeps_every_rule(copy):
    result = check(copy)
    assert result.returncode == 0, result.stderr


def broken(result: subprocess.CompletedProcess, rule: str) -> str:
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if f"[{rule}]" in line]
    assert lines, result.stderr
    assert all(line.startswith(f"{CHAPTER}:") for line in lines), lines
    assert f"house rule(s) broken ({rule})" in result.stderr
    return "\n".join(lines)


def test_a_chapter_without_a_description(copy):
    edit(copy, "    description:", "    keywords:")
    assert "myst: html_meta: description:" in broken(check(copy), "front matter")


def test_a_chapter_with_one_exercise_too_few(copy):
    text = (copy / CHAPTER).read_text(encoding="utf-8")
    exercises = text.index("\n## Exercises")
    tail = text[exercises:]
    assert tail.count("{admonition} Solution") >= 2
    while tail.count("{admonition} Solution") > 1:  # remove all but the first
        last = tail.rindex("{admonition} Solution")
        start = tail.rindex("\n", 0, last) + 1
        fence = tail[start:last]
        end = tail.index(f"\n{fence}\n", last) + len(fence) + 2
        tail = tail[:start] + tail[end:]
    (copy / CHAPTER).write_text(text[:exercises] + tail, encoding="utf-8")
    message = broken(check(copy), "exercises")
    assert "1 solutions under `## Exercises`: a chapter has 2 to 4" in message


def test_a_solution_that_is_not_a_dropdown(copy):
    text = (copy / CHAPTER).read_text(encoding="utf-8")
    at = text.index(":class: dropdown", text.index("\n## Exercises"))
    (copy / CHAPTER).write_text(text[:at] + ":class: tip" + text[at + 16 :])
    assert "without `:class: dropdown`" in broken(check(copy), "exercises")


def test_a_section_after_the_exercises(copy):
    path = copy / CHAPTER
    path.write_text(path.read_text(encoding="utf-8") + "\n## Further reading\n")
    assert "must be last" in broken(check(copy), "exercises")


@pytest.mark.parametrize(
    ("option", "what"),
    [("name", "a `name:`"), ("caption", "a `caption:`"), ("alt", "`image: alt:`")],
)
def test_a_figure_without_its_name_caption_or_alt_text(copy, option, what):
    edit(copy, f":    {option}:", f":    no_{option}:")
    assert f"a figure without {what}" in broken(check(copy), "figures")


def test_a_chapter_without_its_test_module(copy):
    for test in (copy / "tests" / "chapters").glob("test_ch03_*.py"):
        test.unlink()
    assert "no tests/chapters/test_ch03_*.py" in broken(check(copy), "chapter test")


def test_a_notebook_out_of_sync_names_the_chapter_and_the_command(copy):
    """notebooks/ is checked after the build (its notebooks show the cached
    outputs): here a table of contents without chapter 3 leaves its notebook stale,
    which ``make notebooks`` would remove."""
    (copy / "_toc.yml").write_text("format: jb-book\nroot: book/intro\n")
    (copy / "notebooks").mkdir()
    shutil.copy(ROOT / "notebooks" / "03-linear-regression.ipynb", copy / "notebooks")
    result = check(copy, "--notebooks")
    message = broken(result, "notebooks")
    assert "notebooks/03-linear-regression.ipynb is out of date" in message
    assert "run `make notebooks` and commit notebooks/" in message


def test_make_html_checks_the_rules_before_building_and_notebooks_after():
    result = subprocess.run(
        ["make", "-n", "-W", "pyproject.toml", "html"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    steps = [
        line.split("/python ", 1)[1]
        for line in result.stdout.splitlines()
        if "/python scripts/" in line
    ]
    assert steps[-3:] == [
        "scripts/check_chapters.py",
        "scripts/build.py",
        "scripts/check_chapters.py --notebooks",
    ]
