"""Build the book strictly and incrementally, without ever showing stale outputs.

``make html`` runs this script. It works in three steps:

1. **Nothing changed?** A fingerprint of every input (each file of the repository,
   the installed distributions, the interpreter) is compared with the one of the last
   successful build; if they match, the site is up to date and Sphinx is not started.
2. **Execute what is stale, in parallel.** jupyter-cache keys a chapter on the text of
   its code cells only, so an edit to ``src/examples`` would leave old outputs on the
   page. Here each chapter gets a dependency key (``book_deps``): its code cells, the
   source of every module of the examples package it imports, transitively (static
   ``ast`` analysis), and the environment (pins, lock file, installed versions). A
   chapter whose cache record does not carry its current key is executed, two at a
   time (``book_exec``), read and run exactly as MyST-NB would, and stored in the
   jupyter-cache under MyST-NB's own hash, with the key and its execution time (the
   execution report page shows it). If its outputs changed, its doctree is dropped so
   that Sphinx re-reads the page. Prose edits execute nothing. Stored outputs are
   normalised (stream chunks merged as MyST-NB renders them, cell ids, no timings)
   and kernels run with a fixed environment, so the same inputs give the same bytes.
3. **Sphinx**, strict (``-W -n --keep-going``): every notebook is a cache hit. Every
   page is re-written (cheap), so a cross-reference broken by an edit of another page
   still fails the build; after a failed build every page is also re-read, so the
   next build cannot pass by skipping the pages that failed.

A failing cell or a missing module fails the build before Sphinx runs, with the
cell and traceback; its stale outputs are removed from the cache, so every later
build executes it again until it passes. The last lines printed summarise each
chapter: executed or served from the cache, and its execution time.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import book_deps  # noqa: E402
import book_exec  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
STATE = BUILD / ".book-exec"
STAMP = STATE / "stamp"
FAILED = STATE / "last-build-failed"
REPORT = STATE / "last-build.json"
ENVIRONMENT = STATE / "environment.json"
DOCTREES = BUILD / ".doctrees"
HTML = BUILD / "html"


#: Seconds spent in each step of this build, for the summary and the report.
PHASES: dict[str, float] = {}


def say(message: str = "") -> None:
    print(message, flush=True)


# --- step 2: execute the stale chapters ---------------------------------------------


class Chapter:
    """A notebook page of the book, with what decides whether its outputs are stale."""

    def __init__(
        self, docname, path, nb, deps, cache_hash, key, record, options, merge_streams
    ):
        self.docname = docname
        self.path = path
        self.nb = nb
        self.deps = deps
        self.cache_hash = cache_hash
        self.key = key
        self.record = record  # the cache record for the current cells, if any
        self.options = options  # (timeout, allow_errors) or None: not ours to execute
        self.merge_streams = merge_streams  # MyST-NB merges the stream outputs
        self.status = "cached"
        self.seconds = record.data.get("execution_seconds") if record else None
        self.error: str | None = None
        self.outputs_changed = False  # executed, and its outputs differ from before

    @property
    def stale(self) -> bool:
        if self.options is None:
            return False
        return self.record is None or self.record.data.get("dependency_key") != self.key


def _exec_options(config: dict, nb, path: Path):
    """``(timeout, allow_errors)`` MyST-NB would use for ``nb``, or None when MyST-NB
    would not execute it with the cache (excluded, or another mode set per file)."""
    execute = config.get("execute") or {}
    overrides = nb.metadata.get("mystnb", {}) or {}
    mode = overrides.get("execution_mode", execute.get("execute_notebooks", "auto"))
    if mode != "cache":
        return None
    patterns = overrides.get(
        "execution_excludepatterns", execute.get("exclude_patterns") or []
    )
    if any(Path(path.as_posix()).match(p) for p in patterns):
        return None
    timeout = overrides.get("execution_timeout", execute.get("timeout", 30))
    allow = overrides.get("execution_allow_errors", execute.get("allow_errors", False))
    return timeout, allow


def analyse(config: dict, cache) -> list[Chapter]:
    """Every notebook page, with its dependency key and cache record."""
    md_config = book_deps.md_parser_config(config)
    index = book_deps.PackageIndex(ROOT / "src")
    found = []
    for docname, path in book_deps.notebook_pages(ROOT):
        nb = book_deps.read_notebook(path, md_config)
        deps = book_deps.analyse_chapter(ROOT, docname, path, nb, index)
        found.append((docname, path, nb, deps))
    external = set().union(*(deps.external for *_, deps in found))
    previous = _previous_environment()
    env_key, environment = book_deps.environment_key(ROOT, external, ENVIRONMENT)
    _report_environment_change(previous, environment)
    sphinx_config = (config.get("sphinx") or {}).get("config") or {}
    merge_streams = bool(sphinx_config.get("nb_merge_streams", False))
    chapters = []
    for docname, path, nb, deps in found:
        _, cache_hash = cache.create_hashed_notebook(nb)
        try:
            record = cache.match_cache_notebook(nb)
        except KeyError:
            record = None
        key = deps.key(ROOT, cache_hash, env_key)
        options = _exec_options(config, nb, path)
        merge = (nb.metadata.get("mystnb", {}) or {}).get(
            "merge_streams", merge_streams
        )
        chapters.append(
            Chapter(docname, path, nb, deps, cache_hash, key, record, options, merge)
        )
    return chapters


def _previous_environment() -> dict | None:
    try:
        return json.loads(ENVIRONMENT.read_text(encoding="utf-8"))["description"]
    except (OSError, ValueError, KeyError):
        return None


def _report_environment_change(before: dict | None, environment: dict) -> None:
    """Say what changed in the environment since the last build (every chapter is
    executed again)."""
    if before is None:
        return
    changes = []
    for part in ("python", "pins", "locks", "versions"):
        old, new = before.get(part), environment.get(part)
        if isinstance(old, dict) and isinstance(new, dict):
            changes += [
                f"{name}: {old.get(name)} -> {new.get(name)}"
                for name in sorted(old.keys() | new.keys())
                if old.get(name) != new.get(name)
            ]
        elif old != new:
            changes.append(f"{part} changed")
    if changes:
        say("[book] the environment changed, every chapter is stale:")
        for change in changes[:20]:
            say(f"[book]   {change[:120]}")


def _expected_cost(cache, chapter: Chapter) -> tuple[int, float]:
    """A sort key, largest first, to start the longest chapters first (so that the
    two workers finish together): the chapter's last execution time (any version of
    it); a chapter never executed here comes first, the most code first."""
    uri = str(chapter.path.absolute())
    times = [
        r.data.get("execution_seconds") or 0.0
        for r in cache.list_cache_records()
        if r.uri == uri
    ]
    if times:
        return 0, max(times)
    code = [c.source for c in chapter.nb.cells if c.get("cell_type") == "code"]
    return 1, float(sum(len(source) for source in code))


def execute_stale(chapters: list[Chapter], cache, workers: int) -> bool:
    """Execute the stale chapters and cache them; True if all succeeded."""
    from jupyter_cache.base import CacheBundleIn

    stale = [c for c in chapters if c.stale]
    stale.sort(key=lambda c: _expected_cost(cache, c), reverse=True)
    if not stale:
        say("[book] every chapter's outputs are up to date: nothing to execute")
        return True
    say(
        f"[book] executing {len(stale)} of {len(chapters)} chapters, "
        f"{min(workers, len(stale))} at a time: " + ", ".join(c.docname for c in stale)
    )
    by_name = {c.docname: c for c in stale}
    jobs = [
        book_exec.Job(c.docname, c.path, c.nb, c.options[0], c.options[1])
        for c in stale
    ]

    def store(outcome: book_exec.Outcome) -> None:
        """Cache the chapter as soon as it is done (an interrupted build keeps it)."""
        chapter = by_name[outcome.job.docname]
        chapter.seconds = outcome.seconds
        state = "done" if outcome.ok else "FAILED"
        say(f"[book]   {chapter.docname}: {state} in {outcome.seconds:.1f} s")
        if not outcome.ok:
            chapter.status = "FAILED"
            chapter.error = outcome.error
            if chapter.record is not None:  # never serve the outputs of old inputs
                cache.remove_cache(chapter.record.pk)
            return
        book_exec.normalise(chapter.nb, chapter.merge_streams)
        before = None
        if chapter.record is not None:  # same cells, executed with older inputs
            before = _outputs(cache.get_cache_bundle(chapter.record.pk).nb)
        uri = str(chapter.path.absolute())
        record = cache.cache_notebook_bundle(
            CacheBundleIn(
                chapter.nb,
                uri,
                data={
                    "execution_seconds": outcome.seconds,
                    "dependency_key": chapter.key,
                    "modules": chapter.deps.modules,
                },
            ),
            check_validity=False,
            overwrite=True,
        )
        for old in cache.list_cache_records():  # earlier versions of the page
            if old.uri == uri and old.pk != record.pk:
                cache.remove_cache(old.pk)
        chapter.status = "executed"
        chapter.outputs_changed = before != _outputs(chapter.nb)
        if chapter.outputs_changed:
            # make Sphinx re-read the page: its doctree holds the old outputs
            (DOCTREES / f"{chapter.docname}.doctree").unlink(missing_ok=True)

    outcomes = book_exec.execute_all(jobs, workers=workers, on_done=store)
    return all(o.ok for o in outcomes)


def _outputs(nb) -> list:
    return [
        (cell.get("execution_count"), cell.get("outputs"))
        for cell in nb.cells
        if cell.get("cell_type") == "code"
    ]


# --- step 3: Sphinx ------------------------------------------------------------------


def run_sphinx(full: bool) -> tuple[int, list[str]]:
    """Run the strict Jupyter Book build; returns its exit code and the pages MyST-NB
    executed itself (none, unless a page is outside this script's execution)."""
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    cmd = [str(jupyter_book), "build", str(ROOT), "--path-output", str(ROOT)]
    cmd += ["-W", "-n", "--keep-going"]
    if full:
        cmd.append("--all")
    executed_by_sphinx = []
    with subprocess.Popen(
        cmd,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    ) as proc:
        for line in proc.stdout:
            sys.stdout.write(line)
            if "Executing notebook" in line:
                executed_by_sphinx.append(line.split(":")[0].strip())
        sys.stdout.flush()
    return proc.returncode, executed_by_sphinx


def force_rewrite_of_every_page() -> None:
    """Sphinx writes only the pages it re-read; removing the others' HTML makes it
    write them too (no re-read, no execution), re-resolving their references."""
    for docname in book_deps.toc_docnames(ROOT):
        (HTML / f"{docname}.html").unlink(missing_ok=True)


# --- the whole build ------------------------------------------------------------------


def summary(chapters: list[Chapter]) -> None:
    if not chapters:
        return
    width = max(len(c.docname) for c in chapters)
    say(f"[book] {'chapter'.ljust(width)}  {'status':10} seconds")
    for c in chapters:
        seconds = f"{c.seconds:7.1f}" if c.seconds is not None else "      -"
        status = c.status if c.options is not None else "by Sphinx"
        note = ""
        if c.status == "executed" and not c.outputs_changed:
            note = "  (same outputs as before: page not re-read)"
        say(f"[book] {c.docname.ljust(width)}  {status:10} {seconds}{note}")


def write_report(chapters, sphinx_ran: bool, sphinx_executed, ok: bool) -> None:
    STATE.mkdir(parents=True, exist_ok=True)
    report = {
        "succeeded": ok,
        "sphinx_ran": sphinx_ran,
        "executed": [c.docname for c in chapters if c.status == "executed"],
        "reread": [c.docname for c in chapters if c.outputs_changed],
        "cached": [c.docname for c in chapters if c.status == "cached"],
        "failed": [c.docname for c in chapters if c.status == "FAILED"],
        "executed_by_sphinx": sphinx_executed,
        "seconds": {c.docname: c.seconds for c in chapters},
        "modules": {c.docname: c.deps.modules for c in chapters},
        "phase_seconds": PHASES,
    }
    REPORT.write_text(json.dumps(report, indent=1), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--workers", type=int, default=2, help="chapters executed at once (2)"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    book_exec.configure_environment(ROOT / "src")

    stamp = book_deps.tree_stamp(ROOT)
    if (
        STAMP.is_file()
        and STAMP.read_text() == stamp
        and not FAILED.exists()
        and (HTML / "index.html").is_file()
    ):
        say("[book] nothing changed since the last successful build: _build/html")
        write_report([], sphinx_ran=False, sphinx_executed=[], ok=True)
        return 0
    STAMP.unlink(missing_ok=True)
    STATE.mkdir(parents=True, exist_ok=True)

    config = book_deps.load_config(ROOT)
    chapters: list[Chapter] = []
    execute = config.get("execute") or {}
    if execute.get("execute_notebooks", "auto") == "cache":
        from jupyter_cache import get_cache

        cache_path = ROOT / (execute.get("cache") or "_build/.jupyter_cache")
        cache = get_cache(str(cache_path))
        chapters = analyse(config, cache)
        PHASES["analysis"] = time.perf_counter() - started
        ok = execute_stale(chapters, cache, args.workers)
        PHASES["execution"] = time.perf_counter() - started - PHASES["analysis"]
        if not ok:
            FAILED.touch()
            for c in chapters:
                if c.error:
                    say(f"\n[book] {c.docname} ({c.path}) failed:\n{c.error}")
            summary(chapters)
            write_report(chapters, sphinx_ran=False, sphinx_executed=[], ok=False)
            failed = ", ".join(c.docname for c in chapters if c.error)
            say(f"[book] BUILD FAILED: a cell raised an error in {failed}")
            return 1

    full = FAILED.exists()
    if not full:
        force_rewrite_of_every_page()
    FAILED.touch()  # removed only if this build succeeds
    sphinx_started = time.perf_counter()
    code, by_sphinx = run_sphinx(full)
    PHASES["sphinx"] = time.perf_counter() - sphinx_started
    summary(chapters)
    if by_sphinx:
        say(
            "[book] note: MyST-NB executed these pages itself (not from the cache): "
            + ", ".join(by_sphinx)
        )
    write_report(chapters, sphinx_ran=True, sphinx_executed=by_sphinx, ok=code == 0)
    if code != 0:
        say("[book] BUILD FAILED (see the warnings and errors above)")
        return code
    FAILED.unlink()
    STAMP.write_text(stamp)
    phases = ", ".join(f"{name} {s:.1f} s" for name, s in PHASES.items())
    say(
        f"[book] built in {time.perf_counter() - started:.1f} s ({phases}): _build/html"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
