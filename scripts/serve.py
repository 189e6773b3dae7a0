"""Preview the book while writing it: ``make serve`` (README, "make serve").

Each build, at start and on every change under ``book/``, ``src/`` or the
configuration: the house rules (``scripts/check_chapters.py``), the strict build
(``scripts/build.py``), then ``notebooks/`` written again. Only a build that passed
is copied to ``_build/serve``, which livereload serves (open pages reload): a failed
build leaves the last good pages on show, and says so. ``PORT`` and ``HOST`` change
the address. Stopping ``make serve`` (Ctrl+C, SIGTERM, even SIGKILL) stops its build.
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
SERVED = ROOT / "_build" / "serve"
WATCHED = ("book", "src", "_config.yml", "_toc.yml", "pyproject.toml")
AGAIN = " Fix the cause and save to build again."
IGNORED_PARTS = {"__pycache__", ".ipynb_checkpoints", ".pytest_cache"}


def ignored(path: str) -> bool:
    """Files a build or an editor writes that are no reason to build again."""
    name = Path(path).name
    return (
        bool(IGNORED_PARTS & set(Path(path).parts))
        or name[:2] == ".#"
        or name[-1:] == "~"
    )


def say(message: str) -> None:
    print(f"serve: {message}", flush=True)


def build() -> None:
    rules = [sys.executable, ROOT / "scripts" / "check_chapters.py"]
    if subprocess.run(rules).returncode:
        return say(f"not built: a house rule is broken (see above).{AGAIN}")
    code = run_build()
    if code:
        shown = (
            "the last good pages stay on show"
            if SERVED.is_dir()
            else "there are no pages to show yet"
        )
        return say(f"BUILD FAILED (exit {code}, see above): {shown}.{AGAIN}")
    new, old = SERVED.with_name("serve.new"), SERVED.with_name("serve.old")
    for folder in (new, old):
        shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(ROOT / "_build" / "html", new)
    if SERVED.exists():
        SERVED.rename(old)
    new.rename(SERVED)  # the pages just built, replaced in two renames
    shutil.rmtree(old, ignore_errors=True)
    notebooks = [sys.executable, ROOT / "book" / "_ext" / "bml_notebooks.py"]
    written = subprocess.run(notebooks, capture_output=True, text=True)
    if written.returncode:
        say(f"notebooks/ not written:\n{written.stderr}")
    elif written.stdout.strip():
        n = len(written.stdout.splitlines())
        say(f"notebooks/ brought up to date ({n} file(s)): commit them")
    say(f"built; serving {SERVED} at {url()}")


def _end_with_parent() -> None:
    """In the build: get SIGTERM when ``make serve`` ends, even killed (Linux)."""
    if sys.platform == "linux":
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def run_build() -> int:
    """Run ``scripts/build.py``; stopping ``make serve`` stops it (it keeps what it
    finished)."""
    script = [sys.executable, ROOT / "scripts" / "build.py"]
    with subprocess.Popen(script, preexec_fn=_end_with_parent) as proc:
        try:
            return proc.wait()
        except BaseException:
            proc.terminate()
            proc.wait()
            raise


def address() -> tuple[str, int]:
    port = os.environ.get("PORT", "8000")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"PORT: expected a port number (1-65535), got {port!r}")
    return os.environ.get("HOST", "127.0.0.1"), int(port)


def url() -> str:
    return "http://{}:{}/".format(*address())


if __name__ == "__main__":
    address()  # a bad PORT fails before the first build, not after it
    signal.signal(signal.SIGTERM, lambda signum, _: sys.exit(128 + signum))
    build()
    server = Server()
    for name in WATCHED:
        if (ROOT / name).exists():
            server.watch(str(ROOT / name), build, ignore=ignored)
    say(f"watching {', '.join(WATCHED)}; open {url()}")
    host, port = address()
    server.serve(root=str(SERVED), host=host, port=port, restart_delay=0)
