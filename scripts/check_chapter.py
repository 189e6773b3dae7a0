"""Check one chapter before a pull request (``make check CHAPTER=NN``).

In order, stopping at the first failure: the house rules and the strict build of
``make html`` (which executes only the stale chapters); ``notebooks/`` written
again, as ``make notebooks`` does (``make html`` only checks them, so that CI
catches notebooks nobody committed); the unit tests of the modules the chapter
imports or shows (``tests/test_<module>.py``), its solutions' and its chapter tests;
its browser tests (``tests/site -k`` the chapter). ``make test`` remains the last
step. Exit status: 0 passed, 1 no such chapter, otherwise the failing step's.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: ``from examples.x import ...``, ``import examples.x``, ``../src/examples/x.py``
MODULE = re.compile(r"(?:from|import)\s+examples\.(\w+)|src/examples/(\w+)[./]")


def find_chapter(number: str, root: Path = ROOT) -> Path:
    """``book/NN-*.md`` for ``number`` (``7`` or ``07``); exit 2 naming what was
    expected if there is none."""
    if not number.isdigit():
        sys.exit(
            f"make check: CHAPTER must be a chapter number such as 07, not {number!r}"
        )
    found = sorted((root / "book").glob(f"{int(number):02d}-*.md"))
    if not found:
        names = ", ".join(p.name for p in sorted((root / "book").glob("[0-9]*.md")))
        sys.exit(f"make check: no chapter book/{int(number):02d}-*.md ({names})")
    return found[0]


def test_files(chapter: Path, root: Path = ROOT) -> list[Path]:
    """The module, solutions and chapter tests of ``chapter`` that exist."""
    tests, number = root / "tests", chapter.name[:2]
    found = MODULE.findall(chapter.read_text(encoding="utf-8"))
    modules = sorted({(a or b).lstrip("_") for a, b in found} - {"solutions"})
    files = [tests / f"test_{module}.py" for module in modules]
    files.append(tests / f"test_solutions_ch{number}.py")
    files += sorted((tests / "chapters").glob(f"test_ch{number}_*.py"))
    return [f for f in files if f.is_file()]


def run(step: str, *args: str) -> None:
    print(f"[check] {step}: {' '.join(args)}", flush=True)
    started = time.perf_counter()
    code = subprocess.run([sys.executable, *args], cwd=ROOT).returncode
    took = time.perf_counter() - started
    print(
        f"[check] {step}: {'FAILED' if code else 'passed'} in {took:.1f} s", flush=True
    )
    if code:
        sys.exit(code)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: make check CHAPTER=07")
    chapter, started = find_chapter(sys.argv[1]), time.perf_counter()
    run("rules", "scripts/check_chapters.py")
    run("build", "scripts/build.py")
    run("notebooks", "book/_ext/bml_notebooks.py")  # prints each file it wrote
    tests = [str(p.relative_to(ROOT)) for p in test_files(chapter)]
    run("tests", "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests)
    run("browser", "-m", "pytest", "-q", "tests/site", "-k", chapter.stem)
    print(
        f"[check] {chapter.stem}: all passed in {time.perf_counter() - started:.0f} s;"
        " run `make test` last, before the pull request"
    )
