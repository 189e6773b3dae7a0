"""Check the chapters against the house rules in seconds, before anything executes.

``make html`` and ``make check`` run this first (and ``--notebooks`` after the
build). Each broken rule prints one line ``book/NN-name.md:LINE: [rule] message`` and
the exit status is 1. The rules (CONTRIBUTING.md), each enforced later by a test too:
front matter (``myst: html_meta: description:``); exercises (a last ``## Exercises``
with 2 to 4 ``{admonition} Solution`` of ``:class: dropdown``); figures (a code
cell's ``:mystnb: figure:`` has a ``name``, a ``caption`` and, unless it is an
animation, which labels itself, ``image: alt``); chapter test
(``tests/chapters/test_chNN_*.py``); notebooks (``--notebooks``, reads the build's
execution cache: ``notebooks/NN-name.ipynb`` is what ``make notebooks`` writes).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CODE_CELL = re.compile(r"^(`{3,})\{code-cell\}")
SOLUTION = re.compile(r"^(`{3,})\{admonition\} Solution\b")
MIN_EXERCISES, MAX_EXERCISES = 2, 4


def _notebooks_module(root: Path):
    sys.path.insert(0, str(root / "book" / "_ext"))
    import bml_notebooks

    return bml_notebooks


def _options(lines: list[str], start: int) -> list[str]:
    """The ``:option:`` lines right after the fence opening on line ``start``."""
    options = []
    for line in lines[start + 1 :]:
        if not line.startswith(":"):
            break
        options.append(line)
    return options


def check_chapter(path: Path, root: Path = ROOT) -> list[str]:
    """The house rules ``path`` breaks (all but the notebooks' sync)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    problems = []

    def broken(line: int, rule: str, message: str) -> None:
        problems.append(f"{path.relative_to(root)}:{line}: [{rule}] {message}")

    meta = {}
    if lines and lines[0].strip() == "---" and "---" in lines[1:]:
        try:
            meta = yaml.safe_load("\n".join(lines[1 : lines.index("---", 1)])) or {}
        except yaml.YAMLError:
            pass
    description = ((meta.get("myst") or {}).get("html_meta") or {}).get("description")
    if not isinstance(description, str) or not description.strip():
        broken(
            1,
            "front matter",
            "no `myst: html_meta: description:` in the front matter: one sentence "
            "saying what the chapter teaches (CONTRIBUTING, 2. Write the chapter)",
        )

    h2 = [(i, line[3:].strip()) for i, line in enumerate(lines) if line[:3] == "## "]
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
        options = "\n".join(_options(lines, i)) if CODE_CELL.match(line) else ""
        if not re.search(r"^:\s+figure:", options, re.MULTILINE):
            continue
        code = (lines[i + 1 + options.count("\n") + 1 :] or [""])[0]
        required = {"name": "a `name:` (fig-...) the prose refers to"}
        required["caption"] = "a `caption:`"
        if "animation" not in code:  # an animation is HTML that labels itself
            required["alt"] = "`image: alt:` text saying what the figure shows"
        for key, what in required.items():
            if not re.search(rf"^:\s+{key}:\s*\S", options, re.MULTILINE):
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--notebooks", action="store_true", help="check notebooks/ (after the build)"
    )
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    root = args.root.resolve()
    notebooks = _notebooks_module(root)
    if args.notebooks:
        problems = [
            f"{chapter if (root / chapter).exists() else rel}:1: [notebooks] {rel} is "
            "out of date: run `make notebooks` and commit notebooks/"
            for rel in notebooks.sync(root, check=True)
            for chapter in [f"book/{Path(rel).stem}.md"]
        ]
    else:
        chapters = [root / f"{d}.md" for d in notebooks.toc_chapters(root)]
        problems = [p for c in chapters for p in check_chapter(c, root)]
    if not problems:
        return 0
    rules = sorted({p.split("[", 1)[1].split("]")[0] for p in problems})
    print(*problems, sep="\n", file=sys.stderr)
    print(
        f"[rules] {len(problems)} house rule(s) broken ({', '.join(rules)}): "
        "see CONTRIBUTING.md",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
