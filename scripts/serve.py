"""Preview the book while writing it: ``make serve``.

Builds the book with ``scripts/build.py`` (the same strict build as ``make html``),
serves ``_build/html`` at http://127.0.0.1:8000/ and builds again whenever a file
under ``book/`` or ``src/``, or the configuration, changes. Open pages reload
themselves after each build: livereload adds a small script to every page it serves,
fetched from this same server (the files on disk are not changed).

``PORT=8001 make serve`` picks another port; ``HOST=0.0.0.0`` serves beyond this
machine. Each build checks the house rules first (``scripts/check_chapters.py``)
and, once built, writes ``notebooks/`` again (``make notebooks``). A failed build
keeps the last pages written on show, and says so; fix the cause and save to build
again. Stop with Ctrl+C.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from livereload import Server

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"
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
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "build.py")])
    if result.returncode != 0:
        print(
            f"serve: the build failed (exit {result.returncode}, see above); the pages "
            "on show may be out of date. Fix the cause and save to build again.",
            flush=True,
        )
        return
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
    print(f"serve: built; serving {HTML} at {url()}", flush=True)


def url() -> str:
    return f"http://{os.environ.get('HOST', '127.0.0.1')}:{port()}/"


def port() -> int:
    text = os.environ.get("PORT", "8000")
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ValueError(f"PORT: expected a port number (1-65535), got {text!r}")
    return int(text)


def main() -> int:
    port()  # a bad PORT fails before the first build, not after it
    build()
    server = Server()
    for name in WATCHED:
        if (ROOT / name).exists():
            server.watch(str(ROOT / name), build, ignore=ignored)
    print(f"serve: watching {', '.join(WATCHED)}; open {url()}", flush=True)
    server.serve(
        root=str(HTML),
        host=os.environ.get("HOST", "127.0.0.1"),
        port=port(),
        restart_delay=0,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
