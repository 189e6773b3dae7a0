"""Check the chapters against the house rules in seconds, before anything executes.

``make html`` and ``make check`` run this first (and ``--notebooks`` after the
build). Each broken rule prints one line ``book/NN-name.md:LINE: [rule] message`` and
the exit status is 1. The rules (CONTRIBUTING.md), each enforced later by a test too:

front matter
    ``myst: html_meta: description:`` is set (the page's description and card);
exercises
    a last ``## Exercises`` section with 2 to 4 solutions, each an
    ``{admonition} Solution`` with ``:class: dropdown``;
figures
    every code cell drawing a figure (``:mystnb: figure:``) gives it a ``name``, a
    ``caption`` and ``image: alt`` text (an animation, a call of a function whose
    name says ``animation``, is HTML that labels itself: no ``alt``);
chapter test
    ``tests/chapters/test_chNN_*.py`` exists;
notebooks (``--notebooks``, needs the build's execution cache)
    ``notebooks/NN-name.ipynb`` is what ``make notebooks`` writes.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CODE_CELL = re.compile(r"^(`{3,})\{code-cell\}")
SOLUTION = re.compile(r"^(`{3,})\{admonition\} Solution\b")
MIN_EXERCISES, MAX_EXERCISES = 2, 4


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: [{self.rule}] {self.message}"


def _notebooks_module(root: Path):
    path = root / "book" / "_ext" / "bml_notebooks.py"
    spec = importlib.util.spec_from_file_location("bml_notebooks_checked", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def chapters(root: Path = ROOT) -> list[Path]:
    """The chapters of ``_toc.yml`` (``book/NN-...``), in reading order."""
    return [root / f"{d}.md" for d in _notebooks_module(root).toc_chapters(root)]


def _front_matter(lines: list[str]) -> dict:
    if not lines or lines[0].strip() != "---":
        return {}
    end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == "---"), 0)
    try:
        return yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError:
        return {}


def _options(lines: list[str], start: int) -> list[str]:
    """The ``:option:`` lines right after the fence opening on line ``start``."""
    options = []
    for line in lines[start + 1 :]:
        if not line.startswith(":"):
            break
        options.append(line)
    return options


def check_chapter(path: Path, root: Path = ROOT) -> list[Problem]:
    """The house rules ``path`` breaks (all but the notebooks' sync)."""
    rel = str(path.relative_to(root))
    lines = path.read_text(encoding="utf-8").splitlines()
    problems = []

    def broken(line: int, rule: str, message: str) -> None:
        problems.append(Problem(rel, line, rule, message))

    meta = _front_matter(lines)
    description = ((meta.get("myst") or {}).get("html_meta") or {}).get("description")
    if not isinstance(description, str) or not description.strip():
        broken(
            1,
            "front matter",
            "no `myst: html_meta: description:` in the front matter: one sentence "
            "saying what the chapter teaches (CONTRIBUTING, 2. Write the chapter)",
        )

    h2 = [
        (i, line[3:].strip()) for i, line in enumerate(lines) if line.startswith("## ")
    ]
    exercises = [i for i, title in h2 if title.startswith("Exercises")]
    if not exercises:
        broken(len(lines), "exercises", "no `## Exercises` section at the end")
    else:
        start = exercises[-1]
        if h2[-1][0] != start:
            broken(
                h2[-1][0] + 1,
                "exercises",
                f"`## {h2[-1][1]}` comes after `## Exercises`, which must be last",
            )
        solutions = [i for i in range(start, len(lines)) if SOLUTION.match(lines[i])]
        if not MIN_EXERCISES <= len(solutions) <= MAX_EXERCISES:
            broken(
                start + 1,
                "exercises",
                f"{len(solutions)} solutions under `## Exercises`: a chapter has "
                f"{MIN_EXERCISES} to {MAX_EXERCISES} exercises, each with an "
                "`{admonition} Solution` of `:class: dropdown`",
            )
        for i in solutions:
            if ":class: dropdown" not in [o.strip() for o in _options(lines, i)]:
                broken(
                    i + 1,
                    "exercises",
                    "a solution without `:class: dropdown` (it must start hidden)",
                )

    for i, line in enumerate(lines):
        if not CODE_CELL.match(line):
            continue
        options = _options(lines, i)
        text = "\n".join(options)
        if not re.search(r"^:\s+figure:", text, re.MULTILINE):
            continue
        code = lines[i + 1 + len(options)] if i + 1 + len(options) < len(lines) else ""
        required = [
            ("name", "a `name:` (fig-...) the prose refers to"),
            ("caption", "a `caption:`"),
        ]
        if "animation" not in code:  # an animation is HTML that labels itself
            required.append(("alt", "`image: alt:` text saying what the figure shows"))
        for key, what in required:
            if not re.search(rf"^:\s+{key}:\s*\S", text, re.MULTILINE):
                broken(i + 1, "figures", f"a figure without {what}")

    number = path.name[:2]
    if not list((root / "tests" / "chapters").glob(f"test_ch{number}_*.py")):
        broken(
            1,
            "chapter test",
            f"no tests/chapters/test_ch{number}_*.py testing the claims of the prose "
            "(CONTRIBUTING, 4. Test what the prose claims)",
        )
    return problems


def check_notebooks(root: Path = ROOT) -> list[Problem]:
    """The chapters whose ``notebooks/`` copy is not what ``make notebooks`` writes
    (reads the build's execution cache: run after the build)."""
    module = _notebooks_module(root)
    problems = []
    for rel in module.sync(root, check=True):
        chapter = f"book/{Path(rel).stem}.md"
        problems.append(
            Problem(
                chapter if (root / chapter).exists() else rel,
                1,
                "notebooks",
                f"{rel} is out of date: run `make notebooks` and commit notebooks/",
            )
        )
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--notebooks",
        action="store_true",
        help="check only that notebooks/ is in sync (after the build)",
    )
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    root = args.root.resolve()
    if args.notebooks:
        problems = check_notebooks(root)
    else:
        problems = [p for c in chapters(root) for p in check_chapter(c, root)]
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        rules = sorted({p.rule for p in problems})
        print(
            f"[rules] {len(problems)} house rule(s) broken ({', '.join(rules)}): "
            "see CONTRIBUTING.md",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
