"""Measure the build in a temporary copy of the repository (``make bench``).

Prints one ``name: value`` line per figure:

raw_exec_s
    every chapter executed one after another with nbclient (same kernel settings as
    the build), no Sphinx: the floor a serial build cannot beat;
cold_build_s, noop_rebuild_s, prose_edit_rebuild_s, module_edit_rebuild_s
    ``scripts/build.py`` from an empty ``_build``, again with nothing changed, after a
    sentence is added to a chapter's prose, after a comment is added to a module of
    ``src/examples`` (``--module``, default ``examples/tables.py``);
chapters_executed_on_prose_edit, chapters_executed_on_module_edit
    how many chapters each of those two builds executed (``chapters_using_module`` is
    how many import the module, directly or through other modules);
ratio_cold_over_raw, ratio_noop_over_cold
    targets: at most 1.0 (parallel execution pays for Sphinx) and at most 0.05;
identical_rebuild
    whether a second clean build of the whole site gives identical executed outputs
    and figure files.

Progress goes to stderr: each step as it starts, with the load average, and the
build's line for each chapter it executes.

The cold build runs before the serial execution, so the serial run profits from warm
disk caches, not the build. Timings depend on the machine's load, printed too.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import book_deps  # noqa: E402
import book_exec  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def copy_repository(dest: Path) -> None:
    """The repository without tool state, outputs and virtual environments;
    node_modules (MathJax for the site) is linked."""

    def ignore(folder: str, names: list[str]) -> set[str]:
        return {
            n
            for n in names
            if n in book_deps.SKIP_DIRS or (Path(folder, n) / "pyvenv.cfg").exists()
        }

    shutil.copytree(ROOT, dest, ignore=ignore)
    if (ROOT / "node_modules").is_dir():
        (dest / "node_modules").symlink_to(ROOT / "node_modules")


PROSE_EDIT = "\n\nA sentence added by the build benchmark.\n"
MODULE_EDIT = "\n# A comment added by the build benchmark.\n"


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


#: The environment the builds run in: the bench's own, before any change.
BUILD_ENV = dict(os.environ)


#: Steps of the bench, for its progress lines.
STEPS = 6


def progress(step: int, what: str) -> None:
    """A progress line on stderr (stdout keeps only the ``name: value`` lines)."""
    sys.stderr.write(f"[bench] {step}/{STEPS} {what} (load {load()})\n")
    sys.stderr.flush()


def build(book: Path) -> tuple[float, dict]:
    """Run the book's build script; its wall time and its report of what it did.
    Its lines about each chapter (executing, done, failed) are shown as they come."""
    start = time.perf_counter()
    output = []
    with subprocess.Popen(
        [sys.executable, str(book / "scripts" / "build.py")],
        cwd=book,
        env=BUILD_ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    ) as proc:
        for line in proc.stdout:
            output.append(line)
            if line.startswith(("[book]   ", "[book] executing", "[book] built")):
                sys.stderr.write(f"[bench]   {line[len('[book] ') :].strip()}\n")
                sys.stderr.flush()
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.stderr.write("".join(output)[-8000:])
        raise SystemExit(f"the build failed in {book}")
    report = json.loads(
        (book / "_build" / ".book-exec" / "last-build.json").read_text()
    )
    return seconds, report


def raw_execution(book: Path) -> float:
    """Every chapter executed one after another with nbclient, nothing cached."""
    book_exec.configure_environment(book / "src")
    md_config = book_deps.md_parser_config(book_deps.load_config(book))
    timeout = (book_deps.load_config(book).get("execute") or {}).get("timeout", 600)
    jobs = [
        book_exec.Job(name, path, book_deps.read_notebook(path, md_config), timeout)
        for name, path in book_deps.notebook_pages(book)
    ]
    start = time.perf_counter()
    outcomes = book_exec.execute_all(jobs, workers=1)
    seconds = time.perf_counter() - start
    os.environ.clear()
    os.environ.update(BUILD_ENV)
    failed = [o.job.docname for o in outcomes if not o.ok]
    if failed:
        raise SystemExit(f"chapters failed to execute: {failed}")
    return seconds


def snapshot(book: Path) -> dict[str, str]:
    """Hashes of every executed notebook the cache serves and of every figure file."""
    out = {}
    for path in sorted((book / "_build" / ".jupyter_cache" / "executed").rglob("*")):
        if path.is_file():  # executed/<MyST-NB's hash of the cells>/base.ipynb
            out[path.parent.name] = hashlib.sha256(path.read_bytes()).hexdigest()
    images = book / "_build" / "html" / "_images"
    for path in sorted(images.iterdir()) if images.is_dir() else []:
        out[f"_images/{path.name}"] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description="Measure the book's build.")
    parser.add_argument(
        "--module",
        default="examples/tables.py",
        help="module of src/ to edit (default: examples/tables.py)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary copy")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="book-bench-"))
    book = tmp / "book"
    copy_repository(book)
    pages = book_deps.notebook_pages(book)
    print(f"chapters: {len(pages)}")
    print(f"load_average_start: {load()}")
    sys.stdout.flush()
    try:
        progress(1, "cold build")
        cold, report = build(book)
        first = snapshot(book)
        progress(2, "every chapter executed one after another, no cache")
        raw = raw_execution(book)
        progress(3, "build with nothing changed")
        noop, _ = build(book)

        prose_file = pages[0][1]
        prose_original = prose_file.read_text(encoding="utf-8")
        prose_file.write_text(prose_original + PROSE_EDIT, encoding="utf-8")
        progress(4, "build after a prose edit")
        prose, prose_report = build(book)

        module_file = book / "src" / args.module
        module_name = args.module.removesuffix(".py").replace("/", ".")
        users = [d for d, mods in report["modules"].items() if module_name in mods]
        module_original = module_file.read_text(encoding="utf-8")
        module_file.write_text(module_original + MODULE_EDIT, encoding="utf-8")
        progress(5, f"build after an edit of {module_name}")
        module, module_report = build(book)

        # a second clean build from the same inputs
        prose_file.write_text(prose_original, encoding="utf-8")
        module_file.write_text(module_original, encoding="utf-8")
        shutil.rmtree(book / "_build")
        progress(6, "second cold build (same outputs?)")
        second_cold, _ = build(book)
        second = snapshot(book)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)

    differing = sorted(
        k for k in first.keys() | second.keys() if first.get(k) != second.get(k)
    )
    figures = {
        "raw_exec_s": f"{raw:.2f}",
        "cold_build_s": f"{cold:.2f}",
        "noop_rebuild_s": f"{noop:.2f}",
        "prose_edit_rebuild_s": f"{prose:.2f}",
        "module_edit_rebuild_s": f"{module:.2f}",
        "second_cold_build_s": f"{second_cold:.2f}",
        "edited_module": module_name,
        "chapters_using_module": len(users),
        "chapters_executed_on_prose_edit": len(prose_report["executed"]),
        "chapters_executed_on_module_edit": len(module_report["executed"]),
        "ratio_cold_over_raw": f"{cold / raw:.3f}",
        "ratio_noop_over_cold": f"{noop / cold:.4f}",
        "identical_rebuild": str(not differing and bool(first)).lower(),
        "load_average_end": load(),
    }
    for name, value in figures.items():
        print(f"{name}: {value}")
    if differing:
        print("differing_files: " + ", ".join(differing))
    return 0


if __name__ == "__main__":
    sys.exit(main())
