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

**Faults.** One build runs at a time in a folder (a lock on ``_build/.build-lock``,
Sphinx dies with the build): a second one waits. A build may be killed at any moment: a
chapter is stored so that its cache record never points at a missing notebook
(``book_exec.store``), a broken record left by anything else is removed and its
chapter executed again, and a page is re-read whenever its outputs may have changed.
Exit codes (README, "The build is strict"): 0 built; 1 a cell or Sphinx failed;
2 bad arguments; 73 an output could not be written; 130 and 143 interrupted
(SIGINT, SIGTERM).
"""

from __future__ import annotations

import argparse
import errno
import fcntl
import json
import os
import re
import signal
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
LOCK = BUILD / ".build-lock"
SPHINX_LOG = STATE / "sphinx.log"
SPHINX_GROUP = STATE / "sphinx.pgid"  # while Sphinx runs: its process group
EXCEPTION_LINE = re.compile(r"[A-Za-z_][\w.]*(: .*)?$")
ANSI = re.compile(r"\x1b\[[0-9;]*m")
#: Sphinx's warnings and errors (``path:line: WARNING: ...``), repeated at the end.
PROBLEM = re.compile(r"\b(WARNING|ERROR|CRITICAL|SEVERE):")
#: Lines of Sphinx's output that say nothing to an author: the parsers' whole
#: configuration (MyST and MyST-NB print it at every start; it stays in SPHINX_LOG).
NOISE = re.compile(r"^(myst|myst-nb) v[\d.]+: \w+ParserConfig\(")
#: Exit codes (also in the README).
FAILED_CODE, CANNOT_WRITE, INTERRUPTED_BASE = 1, 73, 128


#: Seconds spent in each step of this build, for the summary and the report.
PHASES: dict[str, float] = {}


def say(message: str = "") -> None:
    print(message, flush=True)


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM: the build stops, keeping every chapter it stored."""

    signum: int | None = None


def _interrupt(signum, frame) -> None:
    Interrupted.signum = signum
    raise Interrupted


def interrupted() -> bool:
    return Interrupted.signum is not None


def lock(path: Path) -> int:
    """Hold the folder's build lock (returned: a file descriptor, released when it
    is closed or this process ends); wait while another build has it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
        say(f"[book] another build (pid {holder}) is running here: waiting for it")
        fcntl.flock(fd, fcntl.LOCK_EX)
    os.ftruncate(fd, 0)
    os.pwrite(fd, str(os.getpid()).encode(), 0)
    return fd


def unwritable(folder: Path) -> Path | None:
    """The first file or folder under ``folder`` that this build cannot replace."""
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in [".", *dirnames, *filenames]:
            path = os.path.join(dirpath, name)
            if not os.path.islink(path) and not os.access(path, os.W_OK):
                return Path(os.path.normpath(path))
    return None


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
    previous = _previous_environment()
    env_key, environment = book_deps.environment_key(ROOT)
    _report_environment_change(previous, environment)
    ENVIRONMENT.parent.mkdir(parents=True, exist_ok=True)
    ENVIRONMENT.write_text(json.dumps({"description": environment}), encoding="utf-8")
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
    if before is not None and before != environment:
        changed = [
            part for part in environment if before.get(part) != environment[part]
        ]
        say(f"[book] the environment changed ({', '.join(changed)}): all is stale")


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
        if interrupted():  # the kernel was stopped by the interruption, not a cell
            return
        chapter = by_name[outcome.job.docname]
        chapter.seconds = outcome.seconds
        state = "done" if outcome.ok else "FAILED"
        say(f"[book]   {chapter.docname}: {state} in {outcome.seconds:.1f} s")
        if not outcome.ok:
            chapter.status = "FAILED"
            chapter.error = outcome.error
            if chapter.record is not None:  # never serve the outputs of old inputs
                book_exec.remove(cache, chapter.record)
            return
        book_exec.normalise(chapter.nb, chapter.merge_streams)
        before = None
        if chapter.record is not None:  # same cells, executed with older inputs
            before = _outputs(cache.get_cache_bundle(chapter.record.pk).nb)
        chapter.outputs_changed = before != _outputs(chapter.nb)
        if chapter.outputs_changed:
            # make Sphinx re-read the page (its doctree holds the old outputs), and
            # before storing: a build killed in between re-reads it too
            (DOCTREES / f"{chapter.docname}.doctree").unlink(missing_ok=True)
        data = {
            "execution_seconds": outcome.seconds,
            "dependency_key": chapter.key,
            "modules": chapter.deps.modules,
        }
        book_exec.store(cache, chapter.nb, str(chapter.path.absolute()), data)
        chapter.status = "executed"

    outcomes = book_exec.execute_all(jobs, workers=workers, on_done=store)
    return all(o.ok for o in outcomes)


def _outputs(nb) -> list:
    return [
        (cell.get("execution_count"), cell.get("outputs"))
        for cell in nb.cells
        if cell.get("cell_type") == "code"
    ]


# --- step 3: Sphinx ------------------------------------------------------------------


def _die_with_parent() -> None:
    """In the Sphinx process: end when the build ends, even killed with SIGKILL (on
    Linux), rather than go on writing ``_build`` under the next build."""
    if sys.platform == "linux":
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def run_sphinx(full: bool) -> tuple[int, list[str], list[str]]:
    """Run the strict Jupyter Book build; returns its exit code, the pages MyST-NB
    executed itself (none, unless a page is outside this script's execution) and its
    warnings and errors (``path:line: WARNING: ...``), which the build repeats at the
    end. The parsers' configuration dump is left out (it is in ``SPHINX_LOG``).

    Sphinx and what it forks end with the build (``end_leftover_sphinx``). A traceback
    in its output (an extension that failed) is printed as its first exception line
    only; the whole output is in ``SPHINX_LOG``."""
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    cmd = [str(jupyter_book), "build", str(ROOT), "--path-output", str(ROOT)]
    cmd += ["-W", "-n", "--keep-going"]
    if full:
        cmd.append("--all")
    executed_by_sphinx, problems = [], []
    in_traceback = shown = False
    with (
        open(SPHINX_LOG, "w", encoding="utf-8") as log,
        subprocess.Popen(
            cmd,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
            preexec_fn=_die_with_parent,
            start_new_session=True,  # a group: Sphinx and the processes it forks
        ) as proc,
    ):
        SPHINX_GROUP.write_text(str(proc.pid))
        try:
            for line in proc.stdout:
                log.write(line)
                for step in ("reading sources", "writing output"):
                    if step in line:
                        book_exec.checkpoint(f"sphinx {step}")
                if line.startswith("Traceback (most recent call last)"):
                    shown = shown if in_traceback else False
                    in_traceback = True
                    continue
                if in_traceback:
                    text = line.rstrip("\n")
                    if not text or text.startswith((" ", "\t", "The above", "During")):
                        continue
                    if EXCEPTION_LINE.match(text):  # the first is the cause
                        where = SPHINX_LOG.relative_to(ROOT)
                        if not shown:
                            sys.stdout.write(f"{text} (traceback: {where})\n")
                            problems.append(f"ERROR: {text} (traceback: {where})")
                        shown = True
                        continue
                    in_traceback = False
                plain = ANSI.sub("", line)
                if NOISE.match(plain):
                    continue
                if PROBLEM.search(plain):
                    problems.append(plain.rstrip("\n").replace(f"{ROOT}/", ""))
                sys.stdout.write(line)
                if "Executing notebook" in line:
                    executed_by_sphinx.append(line.split(":")[0].strip())
        except BaseException:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
            raise
        sys.stdout.flush()
    SPHINX_GROUP.unlink()
    return proc.returncode, executed_by_sphinx, problems


def end_leftover_sphinx() -> None:
    """End what a build killed with SIGKILL left running: Sphinx itself ends with
    the build (``_die_with_parent``), but not the processes it forked (a
    multiprocessing manager of sphinx-sitemap, for one)."""
    try:
        group = int(SPHINX_GROUP.read_text())
    except (OSError, ValueError):
        return
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(") ", 1)[1]
            cmdline = (stat.parent / "cmdline").read_bytes()
        except (OSError, ValueError):
            continue
        if int(fields.split()[2]) == group and str(ROOT).encode() in cmdline:
            os.kill(int(stat.parent.name), signal.SIGKILL)
    SPHINX_GROUP.unlink()


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


def check_downloads(chapters: list[Chapter], cache) -> list[str]:
    """The chapters whose downloadable notebook lacks the outputs the cache holds
    (the chapters are the pages named ``NN-...``, as in book/_ext/bml_notebooks)."""
    missing = []
    for c in chapters:
        download = HTML / "_sources" / f"{c.docname}.ipynb"
        chapter = re.match(r"\d{2}-", Path(c.docname).name)
        if not chapter or c.options is None or not download.is_file():
            continue
        record = cache.match_cache_notebook(c.nb)
        if any(out for _, out in _outputs(cache.get_cache_bundle(record.pk).nb)):
            nb = json.loads(download.read_text(encoding="utf-8"))
            if not any(cell.get("outputs") for cell in nb["cells"]):
                missing.append(str(download.relative_to(ROOT)))
    return missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--workers", type=int, default=2, help="chapters executed at once (2)"
    )
    args = parser.parse_args(argv)
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    lock_fd = None
    try:
        lock_fd = lock(LOCK)
        return build(args)
    except Interrupted:
        say(
            "\n[book] build interrupted: what it finished is kept; "
            "run `make html` to complete it"
        )
        return INTERRUPTED_BASE + (Interrupted.signum or signal.SIGINT)
    except OSError as exc:
        if exc.filename is None or exc.errno not in WRITE_ERRORS:
            raise
        say(f"[book] BUILD FAILED: cannot write {exc.filename}: {exc.strerror}")
        return CANNOT_WRITE
    finally:
        if lock_fd is not None:
            os.close(lock_fd)  # releases the lock


WRITE_ERRORS = {errno.EACCES, errno.EPERM, errno.EROFS, errno.EISDIR, errno.ENOSPC}


def build(args) -> int:
    started = time.perf_counter()
    end_leftover_sphinx()
    book_exec.configure_environment(ROOT / "src")

    stamp = book_deps.tree_stamp(ROOT)
    os.environ["BML_TREE_STAMP"] = stamp  # book/_ext/bml_pdf.py: PDFs current?
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
    blocked = unwritable(BUILD)
    if blocked is not None:
        say(f"[book] BUILD FAILED: cannot write {blocked}: permission denied")
        return CANNOT_WRITE

    config = book_deps.load_config(ROOT)
    chapters: list[Chapter] = []
    execute = config.get("execute") or {}
    if execute.get("execute_notebooks", "auto") == "cache":
        from jupyter_cache import get_cache

        cache_path = ROOT / (execute.get("cache") or "_build/.jupyter_cache")
        cache = get_cache(str(cache_path))
        for uri in book_exec.repair(cache):
            say(f"[book] {uri}: its cache record was incomplete, executing it again")
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
    code, by_sphinx, problems = run_sphinx(full)
    PHASES["sphinx"] = time.perf_counter() - sphinx_started
    summary(chapters)
    if problems:
        say(f"[book] {len(problems)} warning(s) and error(s), each fails the build:")
        for problem in problems:
            say(f"[book]   {problem}")
    if by_sphinx:
        say(
            "[book] note: MyST-NB executed these pages itself (not from the cache): "
            + ", ".join(by_sphinx)
        )
    write_report(chapters, sphinx_ran=True, sphinx_executed=by_sphinx, ok=code == 0)
    if code != 0:
        say("[book] BUILD FAILED (see the warnings and errors above)")
        return FAILED_CODE
    missing = check_downloads(chapters, cache) if chapters else []
    if missing:
        say(f"[book] BUILD FAILED: no outputs in {', '.join(missing)}; run `make html`")
        return FAILED_CODE
    FAILED.unlink()
    STAMP.write_text(stamp)
    phases = ", ".join(f"{name} {s:.1f} s" for name, s in PHASES.items())
    say(
        f"[book] built in {time.perf_counter() - started:.1f} s ({phases}): _build/html"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
