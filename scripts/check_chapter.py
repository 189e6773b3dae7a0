"""Check one chapter before a pull request (``make check CHAPTER=NN``).

In order, stopping at the first failure:

1. as ``make html``: the house rules (``scripts/check_chapters.py``, in seconds),
   the strict build of the whole book (``scripts/build.py``, which executes only
   the stale chapters), then ``notebooks/`` in sync;
2. the unit tests of the modules the chapter uses (``tests/test_<module>.py`` for each
   ``examples.<module>`` it imports or shows with ``literalinclude``), its solutions'
   tests (``tests/test_solutions_chNN.py``) and its chapter test
   (``tests/chapters/test_chNN_*.py``);
3. its browser tests: ``tests/site`` narrowed with ``-k`` to the chapter's page.

``make test`` (every test) remains the last step before a pull request.
Exit status: 0 passed, 2 no such chapter, otherwise the failing step's status.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: ``from examples.x import ...``, ``import examples.x``, ``../src/examples/x.py``
MODULE = re.compile(
    r"(?:from|import)\s+examples\.([\w.]+)|src/examples/([\w/]+)\.py", re.MULTILINE
)


def find_chapter(number: str, root: Path = ROOT) -> Path:
    """``book/NN-*.md`` for ``number`` (``7`` or ``07``); SystemExit(2) naming what
    was expected if there is none."""
    if not number.isdigit():
        raise SystemExit(
            f"make check: CHAPTER must be a chapter number such as 07, not {number!r}"
        )
    found = sorted((root / "book").glob(f"{int(number):02d}-*.md"))
    if not found:
        names = ", ".join(p.name for p in sorted((root / "book").glob("[0-9]*.md")))
        raise SystemExit(
            f"make check: no chapter book/{int(number):02d}-*.md ({names})"
        )
    return found[0]


def test_files(chapter: Path, root: Path = ROOT) -> list[Path]:
    """The module, solutions and chapter tests of ``chapter`` that exist."""
    number = chapter.name[:2]
    modules = set()
    for match in MODULE.finditer(chapter.read_text(encoding="utf-8")):
        name = (match.group(1) or match.group(2).replace("/", ".")).split(".")[0]
        modules.add(name)
    files = [root / "tests" / f"test_{m.lstrip('_')}.py" for m in sorted(modules)]
    files.append(root / "tests" / f"test_solutions_ch{number}.py")
    files += sorted((root / "tests" / "chapters").glob(f"test_ch{number}_*.py"))
    return [f for f in dict.fromkeys(files) if f.is_file()]


def run(step: str, cmd: list[str]) -> None:
    print(f"[check] {step}: {' '.join(cmd)}", flush=True)
    started = time.perf_counter()
    code = subprocess.run(cmd, cwd=ROOT).returncode
    print(f"[check] {step}: {'passed' if code == 0 else 'FAILED'}", end=" ")
    print(f"in {time.perf_counter() - started:.1f} s", flush=True)
    if code != 0:
        raise SystemExit(code)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapter", help="the chapter's number, e.g. 07")
    args = parser.parse_args(argv)
    chapter = find_chapter(args.chapter)
    started = time.perf_counter()
    python = sys.executable
    run("rules", [python, "scripts/check_chapters.py"])
    run("build", [python, "scripts/build.py"])
    run("notebooks", [python, "scripts/check_chapters.py", "--notebooks"])
    tests = [str(p.relative_to(ROOT)) for p in test_files(chapter)]
    run("tests", [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests])
    run("browser", [python, "-m", "pytest", "-q", "tests/site", "-k", chapter.stem])
    print(
        f"[check] {chapter.stem}: all passed in {time.perf_counter() - started:.0f} s;"
        " run `make test` last, before the pull request"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
