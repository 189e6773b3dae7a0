"""Preview the book while writing it: ``make serve``.

Builds the book with ``scripts/build.py`` (the same strict build as ``make html``),
serves ``_build/html`` at http://127.0.0.1:8000/ and builds again whenever a file
under ``book/`` or ``src/``, or the configuration, changes. Open pages reload
themselves after each build: livereload adds a small script to every page it serves,
fetched from this same server (the files on disk are not changed).

``PORT=8001 make serve`` picks another port; ``HOST=0.0.0.0`` serves beyond this
machine. Each build checks the house rules first (``scripts/check_chapters.py``)
and, once built, writes ``notebooks/`` again (``make notebooks``). What is served is
``_build/serve``, a copy of ``_build/html`` made after each build that passed: a
failed build leaves the last good pages on show, and says so; fix the cause and save
to build again. Stop with Ctrl+C: stopping ``make serve`` stops its running build.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from livereload import Server

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"
#: What is served: a copy of ``HTML`` made after each build that passed, so that a
#: failed build (which may have written broken pages into ``HTML``) leaves the last
#: good pages on show.
SERVED = ROOT / "_build" / "serve"
WATCHED = ("book", "src", "_config.yml", "_toc.yml", "pyproject.toml")
IGNORED_PARTS = {"__pycache__", ".ipynb_checkpoints", ".pytest_cache"}


def ignored(path: str) -> bool:
    """Files a build or an editor writes that are no reason to build again."""
    parts = Path(path).parts
    name = parts[-1] if parts else ""
    return (
        bool(IGNORED_PARTS.intersection(parts))
        or name.startswith(".#")
        or name.endswith("~")
    )


def build() -> None:
    """The house rules (in seconds), the strict build, then ``notebooks/`` written
    again from the chapters (``make notebooks``: commit them with the chapter)."""
    rules = [sys.executable, str(ROOT / "scripts" / "check_chapters.py")]
    if subprocess.run(rules).returncode != 0:
        print(
            "serve: not built: a house rule is broken (see above). Fix it and save "
            "to build again.",
            flush=True,
        )
        return
    code = run_build()
    if code != 0:
        shown = (
            "the last good pages stay on show"
            if SERVED.is_dir()
            else "there are no pages to show yet"
        )
        print(
            f"serve: BUILD FAILED (exit {code}, see above): {shown}. Fix the cause "
            "and save to build again.",
            flush=True,
        )
        return
    publish()
    notebooks = [sys.executable, str(ROOT / "book" / "_ext" / "bml_notebooks.py")]
    written = subprocess.run(notebooks, capture_output=True, text=True)
    if written.returncode != 0:
        print(f"serve: notebooks/ not written:\n{written.stderr}", flush=True)
    elif written.stdout.strip():
        print(
            f"serve: notebooks/ brought up to date ({len(written.stdout.splitlines())}"
            " file(s)): commit them with the chapter",
            flush=True,
        )
    print(f"serve: built; serving {SERVED} at {url()}", flush=True)


def _end_with_parent() -> None:
    """In the build: get SIGTERM when ``make serve`` ends, even killed (Linux)."""
    if sys.platform == "linux":
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def run_build() -> int:
    """Run ``scripts/build.py``; stopping ``make serve`` (Ctrl+C, SIGTERM, even
    SIGKILL) stops the build too, which keeps what it finished."""
    with subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "build.py")],
        preexec_fn=_end_with_parent,
    ) as proc:
        try:
            return proc.wait()
        except BaseException:
            proc.terminate()
            proc.wait()
            raise


def publish() -> None:
    """Replace the served copy with the pages just built (a copy, then renames)."""
    new, old = SERVED.with_name("serve.new"), SERVED.with_name("serve.old")
    for folder in (new, old):
        shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(HTML, new)
    if SERVED.exists():
        SERVED.rename(old)
    new.rename(SERVED)
    shutil.rmtree(old, ignore_errors=True)


def _stop(signum, frame) -> None:
    raise SystemExit(128 + signum)


def url() -> str:
    return f"http://{os.environ.get('HOST', '127.0.0.1')}:{port()}/"


def port() -> int:
    text = os.environ.get("PORT", "8000")
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ValueError(f"PORT: expected a port number (1-65535), got {text!r}")
    return int(text)


def main() -> int:
    port()  # a bad PORT fails before the first build, not after it
    signal.signal(signal.SIGTERM, _stop)  # ends the running build too (run_build)
    build()
    server = Server()
    for name in WATCHED:
        if (ROOT / name).exists():
            server.watch(str(ROOT / name), build, ignore=ignored)
    print(f"serve: watching {', '.join(WATCHED)}; open {url()}", flush=True)
    server.serve(
        root=str(SERVED),
        host=os.environ.get("HOST", "127.0.0.1"),
        port=port(),
        restart_delay=0,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
