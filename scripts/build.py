"""Build the book strictly and incrementally, without ever showing stale outputs.

``make html`` runs this script, in three steps:

1. **Nothing changed?** If a fingerprint of every input (``book_deps.tree_stamp``)
   matches the last successful build's, Sphinx is not started.
2. **Execute what is stale, two at a time.** A chapter whose cache record does not
   carry its current key (``book_deps``: its code cells, the ``src/`` modules it
   imports, the lock file and Python) is executed (``book_exec``) and stored in the
   jupyter-cache under MyST-NB's own hash; if its outputs changed, its doctree is
   dropped so that Sphinx re-reads the page. Prose edits execute nothing.
3. **Sphinx**, in this process, strict (``jupyter-book build -W -n --keep-going``):
   every notebook is a cache hit. After a failed or interrupted build every page is
   re-read.

A failing cell fails the build before Sphinx runs, with the cell and traceback, and
its stale outputs are removed from the cache. One build runs at a time in a folder (a
lock on ``_build/.build-lock``). A build may be killed at any moment
(``book_exec.store``, ``book_exec.repair``). Exit codes (README, "The build is
strict"): 0 built; 1 a cell or Sphinx failed; 2 bad arguments; 73 an output could not
be written; 130 and 143 interrupted (SIGINT, SIGTERM).
"""

from __future__ import annotations

import argparse
import errno
import fcntl
import gc
import json
import os
import re
import signal
import sys
import time
import traceback
from contextlib import redirect_stdout
from pathlib import Path

if __name__ == "__main__" and os.environ.get("PYTHONHASHSEED") != "0":
    # Sphinx runs in this process: a fixed hash seed, as for the kernels (book_exec)
    os.environ["PYTHONHASHSEED"] = "0"
    os.execv(sys.executable, [sys.executable, *sys.argv])

sys.path.insert(0, str(Path(__file__).resolve().parent))

import book_deps  # noqa: E402
import book_exec  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
STATE = BUILD / ".book-exec"
STAMP, FAILED = STATE / "stamp", STATE / "last-build-failed"
REPORT, ENVIRONMENT = STATE / "last-build.json", STATE / "environment.json"
PAGES = STATE / "pages.json"  # each notebook page's hash and imports
SPHINX_LOG = STATE / "sphinx.log"
DOCTREES, HTML = BUILD / ".doctrees", BUILD / "html"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
#: Sphinx's warnings and errors (``path:line: WARNING: ...``), repeated at the end.
PROBLEM = re.compile(r"\b(WARNING|ERROR|CRITICAL|SEVERE):")
#: The parsers' configuration, printed at every start, and sphinxext-opengraph's note
#: that it makes no social cards (book/_ext/bml_opengraph.py): both stay in SPHINX_LOG.
NOISE = re.compile(
    r"^(myst|myst-nb) v[\d.]+: \w+ParserConfig\("
    r"|^matplotlib is not installed, social cards will not be generated$"
)
CANNOT_WRITE = 73
WRITE_ERRORS = {errno.EACCES, errno.EPERM, errno.EROFS, errno.EISDIR, errno.ENOSPC}
PHASES: dict[str, float] = {}  # seconds spent in each step, for the report


def say(message: str = "") -> None:
    print(message, flush=True)


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM: the build stops, keeping every chapter it stored."""

    signum: int | None = None


def _interrupt(signum, frame) -> None:
    Interrupted.signum = signum
    raise Interrupted


def lock(path: Path) -> int:
    """Hold the folder's build lock (released when this process ends); wait while
    another build has it."""
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
    """A notebook page, with what decides whether its outputs are stale."""

    def __init__(self, docname, path, nb, modules, key, record, options):
        self.docname, self.path, self._nb = docname, path, nb
        self.modules, self.key, self.record = modules, key, record
        self.options = options  # (timeout, allow_errors), None: not ours to execute
        self.status = "cached"
        self.seconds = record.data.get("execution_seconds") if record else None
        self.error: str | None = None
        self.outputs_changed = False  # executed, and its outputs differ from before

    @property
    def nb(self):
        if self._nb is None:
            self._nb = book_deps.read_notebook(self.path, self.md_config)
        return self._nb

    @property
    def stale(self) -> bool:
        if self.options is None:
            return False
        return self.record is None or self.record.data.get("dependency_key") != self.key


def analyse(config: dict, cache) -> list[Chapter]:
    """Every notebook page, with its dependency key and cache record. A page whose
    file is unchanged since the last analysis, as are ``src/`` and the
    configuration, is not read again (``PAGES``: its hash and imports)."""
    from jupyter_cache.cache.db import NbCacheRecord

    Chapter.md_config = book_deps.md_parser_config(config)
    env_key, environment = book_deps.environment_key(ROOT)
    try:
        before = json.loads(ENVIRONMENT.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        before = environment
    if before != environment:
        changed = [p for p in environment if before.get(p) != environment[p]]
        say(f"[book] the environment changed ({', '.join(changed)}): all is stale")
    ENVIRONMENT.parent.mkdir(parents=True, exist_ok=True)
    ENVIRONMENT.write_text(json.dumps(environment), encoding="utf-8")
    sources = sorted((ROOT / "src").rglob("*.py")) + [ROOT / "_config.yml"]
    inputs = book_deps.sha(*(p.read_bytes() for p in sources))
    try:
        memo = json.loads(PAGES.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        memo = {}
    pages = memo.get("pages", {}) if memo.get("inputs") == inputs else {}
    execute = config.get("execute") or {}
    chapters = []
    for docname, path in book_deps.notebook_pages(ROOT):
        text = book_deps.sha(path.read_bytes())
        nb = None
        if pages.get(docname, {}).get("text") != text:
            nb = book_deps.read_notebook(path, Chapter.md_config)
            page, hashed = pages.get(docname, {}), cache.create_hashed_notebook(nb)[1]
            if page.get("hash") != hashed:  # the code cells changed (not the prose)
                modules = book_deps.imported_modules(nb, ROOT / "src")
                page = {
                    "modules": {n: str(p.relative_to(ROOT)) for n, p in modules.items()}
                }
            mode = (nb.metadata.get("mystnb") or {}).get("execution_mode", "cache")
            pages[docname] = {
                "text": text,
                "hash": hashed,
                "modules": page["modules"],
                "ours": mode == "cache",  # otherwise MyST-NB's to execute, or not
            }
        page = pages[docname]
        modules = {n: ROOT / p for n, p in page["modules"].items()}
        try:
            record = NbCacheRecord.record_from_hashkey(page["hash"], cache.db)
        except KeyError:
            record = None
        key = book_deps.chapter_key(ROOT, page["hash"], env_key, modules)
        options = (execute.get("timeout", 30), execute.get("allow_errors", False))
        chapters.append(
            Chapter(docname, path, nb, sorted(modules), key, record, options)
        )
        chapters[-1].options = options if page["ours"] else None
    tmp = PAGES.with_suffix(f".{os.getpid()}")
    tmp.write_text(json.dumps({"inputs": inputs, "pages": pages}), encoding="utf-8")
    tmp.replace(PAGES)  # at once: a test may read it while a build writes it
    return chapters


def execute_stale(chapters: list[Chapter], cache, workers: int) -> bool:
    """Execute the stale chapters and cache them; True if all succeeded. The longest
    (by their last execution) start first, so the workers finish together."""
    times = {
        r.uri: r.data.get("execution_seconds") or 0 for r in cache.list_cache_records()
    }
    stale = [c for c in chapters if c.stale]
    stale.sort(key=lambda c: _expected_cost(c, times), reverse=True)
    if not stale:
        say("[book] every chapter's outputs are up to date: nothing to execute")
        return True
    say(
        f"[book] executing {len(stale)} of {len(chapters)} chapters, "
        f"{min(workers, len(stale))} at a time: " + ", ".join(c.docname for c in stale)
    )
    sphinx = (book_deps.load_config(ROOT).get("sphinx") or {}).get("config") or {}
    merge = bool(sphinx.get("nb_merge_streams"))
    by_name = {c.docname: c for c in stale}

    def store(outcome: book_exec.Outcome) -> None:
        """Cache the chapter as soon as it is done (an interrupted build keeps it)."""
        if Interrupted.signum is not None:  # the kernel was stopped, not a cell
            return
        chapter = by_name[outcome.job.docname]
        chapter.seconds = outcome.seconds
        say(
            f"[book]   {chapter.docname}: {'done' if outcome.ok else 'FAILED'} "
            f"in {outcome.seconds:.1f} s"
        )
        if not outcome.ok:
            chapter.status, chapter.error = "FAILED", outcome.error
            if chapter.record is not None:  # never serve the outputs of old inputs
                book_exec.remove(cache, chapter.record)
            return
        book_exec.normalise(chapter.nb, merge)
        before = None
        if chapter.record is not None:  # same cells, executed with older inputs
            before = _outputs(cache.get_cache_bundle(chapter.record.pk).nb)
        chapter.outputs_changed = before != _outputs(chapter.nb)
        if chapter.outputs_changed:  # Sphinx re-reads the page (even if killed now)
            (DOCTREES / f"{chapter.docname}.doctree").unlink(missing_ok=True)
        data = {"execution_seconds": outcome.seconds, "dependency_key": chapter.key}
        chapter.record = book_exec.store(
            cache, chapter.nb, str(chapter.path.absolute()), data
        )
        chapter.status = "executed"

    jobs = [book_exec.Job(c.docname, c.path, c.nb, *c.options) for c in stale]
    outcomes = book_exec.execute_all(jobs, workers=workers, on_done=store)
    return all(o.ok for o in outcomes)


def _expected_cost(chapter: Chapter, times: dict) -> tuple:
    """Never executed here first (the most code first), then the slowest."""
    uri = str(chapter.path.absolute())
    code = sum(len(c.source) for c in chapter.nb.cells if c.cell_type == "code")
    return uri not in times, times.get(uri, 0), code


def _outputs(nb) -> list:
    return [
        (cell.get("execution_count"), cell.get("outputs"))
        for cell in nb.cells
        if cell.get("cell_type") == "code"
    ]


# --- step 3: Sphinx ------------------------------------------------------------------


class SphinxOutput:
    """Sphinx's output stream: all of it to ``SPHINX_LOG``; on screen, each line but
    the parsers' configuration; its warnings and errors kept for the summary."""

    def __init__(self, log):
        self.log, self.problems, self.by_sphinx, self.line = log, [], [], ""
        self.screen = sys.stdout  # stdout itself is this stream while Sphinx runs

    def write(self, text: str) -> None:
        self.log.write(text)
        for step in ("reading sources", "writing output"):
            if step in text:
                book_exec.checkpoint(f"sphinx {step}")
        *lines, self.line = (self.line + text).split("\n")
        for line in lines:
            plain = ANSI.sub("", line)
            if NOISE.match(plain):
                continue
            if PROBLEM.search(plain):
                self.problems.append(plain.replace(f"{ROOT}/", ""))
            if "Executing notebook" in line:
                self.by_sphinx.append(line.split(":")[0].strip())
            self.screen.write(f"{line}\n")
        self.screen.flush()

    def flush(self) -> None:
        self.log.flush()


def run_sphinx(full: bool) -> tuple[int, list[str], list[str]]:
    """The strict Jupyter Book build (``jupyter-book build -W -n --keep-going``), in
    this process; its exit code, the pages MyST-NB executed itself (none, unless a
    page is outside this script's execution) and its warnings and errors. An
    exception is shown as its last line only: its traceback is in ``SPHINX_LOG``."""
    from jupyter_book.config import get_final_config
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    toc = {"external_toc_path": str(ROOT / "_toc.yml"), "latex_individualpages": False}
    with open(SPHINX_LOG, "w", encoding="utf-8") as log:
        out = SphinxOutput(log)
        try:
            config, _ = get_final_config(
                user_yaml=ROOT / "_config.yml", cli_config=toc, sourcedir=ROOT
            )
            config["nitpicky"] = True  # -n
            args = (ROOT, None, HTML, DOCTREES, "html", config, out, out)
            # extensions print too (sphinxext-opengraph: NOISE)
            with patch_docutils(ROOT), docutils_namespace(), redirect_stdout(out):
                app = Sphinx(*args, warningiserror=True, keep_going=True)
                app.build(force_all=full)
            code = app.statuscode
        except Exception as exc:
            log.write(traceback.format_exc())
            where = SPHINX_LOG.relative_to(ROOT)
            message = f"{type(exc).__name__}: {exc}".splitlines()[-1]
            say(f"{message} (traceback: {where})")
            out.problems.append(f"ERROR: {message} (traceback: {where})")
            code = 1
    return code, out.by_sphinx, out.problems


# --- the whole build ------------------------------------------------------------------


def summary(chapters: list[Chapter]) -> None:
    width = max((len(c.docname) for c in chapters), default=0)
    if chapters:
        say(f"[book] {'chapter'.ljust(width)}  {'status':10} seconds")
    for c in chapters:
        seconds = f"{c.seconds:7.1f}" if c.seconds is not None else "      -"
        status = c.status if c.options is not None else "by Sphinx"
        note = ""
        if c.status == "executed" and not c.outputs_changed:
            note = "  (same outputs as before: page not re-read)"
        say(f"[book] {c.docname.ljust(width)}  {status:10} {seconds}{note}")


def write_report(chapters, sphinx_ran: bool, by_sphinx, ok: bool) -> None:
    STATE.mkdir(parents=True, exist_ok=True)
    report = {
        "succeeded": ok,
        "sphinx_ran": sphinx_ran,
        "executed_by_sphinx": by_sphinx,
    }
    for status in ("executed", "cached", "FAILED"):
        report[status.lower()] = [c.docname for c in chapters if c.status == status]
    report["reread"] = [c.docname for c in chapters if c.outputs_changed]
    report["seconds"] = {c.docname: c.seconds for c in chapters}
    report["modules"] = {c.docname: c.modules for c in chapters}
    report["phase_seconds"] = PHASES
    REPORT.write_text(json.dumps(report, indent=1), encoding="utf-8")


def check_downloads(chapters: list[Chapter], cache, since: float) -> list[str]:
    """The chapters (pages ``NN-...``) whose downloadable notebook, written by this
    build (time ``since``), lacks the outputs the cache holds."""
    missing = []
    for c in chapters:
        download = HTML / "_sources" / f"{c.docname}.ipynb"
        if not re.match(r"\d{2}-", c.path.name) or not download.is_file():
            continue
        if c.record is None or download.stat().st_mtime < since:
            continue
        if any(out for _, out in _outputs(cache.get_cache_bundle(c.record.pk).nb)):
            nb = json.loads(download.read_text(encoding="utf-8"))
            if not any(cell.get("outputs") for cell in nb["cells"]):
                missing.append(str(download.relative_to(ROOT)))
    return missing


def main(argv: list[str] | None = None) -> int:
    # The collector scanned the tens of thousands of objects Sphinx's imports make
    # about every 700 allocations: a fifth of a prose edit's build. Cycles are
    # still collected, every 100,000.
    gc.set_threshold(100_000, 50, 1000)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2, help="chapters at once (2)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    lock_fd = None
    try:
        lock_fd = lock(BUILD / ".build-lock")
        return build(args.workers)
    except Interrupted:
        say(
            "\n[book] build interrupted: what it finished is kept; "
            "run `make html` to complete it"
        )
        return 128 + (Interrupted.signum or signal.SIGINT)
    except OSError as exc:
        if exc.filename is None or exc.errno not in WRITE_ERRORS:
            raise
        say(f"[book] BUILD FAILED: cannot write {exc.filename}: {exc.strerror}")
        return CANNOT_WRITE
    finally:
        if lock_fd is not None:
            os.close(lock_fd)  # releases the lock


def build(workers: int) -> int:
    started = time.perf_counter()
    book_exec.configure_environment(ROOT / "src")
    stamp = book_deps.tree_stamp(ROOT)
    os.environ["BML_TREE_STAMP"] = stamp  # book/_ext/bml_pdf.py: PDFs current?
    if STAMP.is_file() and STAMP.read_text() == stamp and not FAILED.exists():
        if (HTML / "index.html").is_file():
            say("[book] nothing changed since the last successful build: _build/html")
            write_report([], sphinx_ran=False, by_sphinx=[], ok=True)
            return 0
    STAMP.unlink(missing_ok=True)
    STATE.mkdir(parents=True, exist_ok=True)
    blocked = unwritable(BUILD)
    if blocked is not None:
        say(f"[book] BUILD FAILED: cannot write {blocked}: permission denied")
        return CANNOT_WRITE

    config = book_deps.load_config(ROOT)
    execute = config.get("execute") or {}
    chapters: list[Chapter] = []
    if execute.get("execute_notebooks", "auto") == "cache":
        from jupyter_cache import get_cache

        cache = get_cache(str(ROOT / (execute.get("cache") or "_build/.jupyter_cache")))
        for uri in book_exec.repair(cache):
            say(f"[book] {uri}: its cache record was incomplete, executing it again")
        chapters = analyse(config, cache)
        PHASES["analysis"] = time.perf_counter() - started
        ok = execute_stale(chapters, cache, workers)
        PHASES["execution"] = time.perf_counter() - started - PHASES["analysis"]
        if not ok:
            FAILED.touch()
            for c in chapters:
                if c.error:
                    say(f"\n[book] {c.docname} ({c.path}) failed:\n{c.error}")
            summary(chapters)
            write_report(chapters, sphinx_ran=False, by_sphinx=[], ok=False)
            failed = ", ".join(c.docname for c in chapters if c.error)
            say(f"[book] BUILD FAILED: a cell raised an error in {failed}")
            return 1

    full = FAILED.exists()
    FAILED.touch()  # removed only if this build succeeds
    sphinx_started, since = time.perf_counter(), time.time() - 1
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
    write_report(chapters, sphinx_ran=True, by_sphinx=by_sphinx, ok=code == 0)
    if code != 0:
        say("[book] BUILD FAILED (see the warnings and errors above)")
        return 1
    missing = check_downloads(chapters, cache, since) if chapters else []
    if missing:
        say(f"[book] BUILD FAILED: no outputs in {', '.join(missing)}; run `make html`")
        return 1
    FAILED.unlink()
    STAMP.write_text(stamp)
    phases = ", ".join(f"{name} {s:.1f} s" for name, s in PHASES.items())
    say(
        f"[book] built in {time.perf_counter() - started:.1f} s ({phases}): _build/html"
    )
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    os._exit(code)  # every file is closed: no second of tearing down Sphinx's objects
