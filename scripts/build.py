"""Build the book strictly: any warning, failing cell or missing module fails it.

Two traps of an incremental Jupyter Book build are closed here:

* jupyter-cache keys on the text of code cells only, so an edit to ``src/examples``
  would leave old outputs on the page. When the package or the pinned dependencies
  change, the execution cache is dropped and every page is re-read.
* ``-W`` only sees warnings of pages Sphinx re-reads, so after a failed build the next
  one re-reads every page instead of passing the pages that did not change.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
FINGERPRINT = BUILD / ".inputs-fingerprint"
FAILED = BUILD / ".last-build-failed"


def inputs_fingerprint() -> str:
    """A hash of everything the executed outputs depend on besides the cells."""
    digest = hashlib.sha256()
    files = sorted((ROOT / "src" / "examples").rglob("*.py"))
    files += [ROOT / "pyproject.toml"]
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def main() -> int:
    fingerprint = inputs_fingerprint()
    full = (
        FAILED.exists()
        or not FINGERPRINT.exists()
        or (FINGERPRINT.read_text() != fingerprint)
    )
    if full:
        shutil.rmtree(BUILD / ".jupyter_cache", ignore_errors=True)
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    cmd = [
        str(jupyter_book),
        "build",
        str(ROOT),
        "--path-output",
        str(ROOT),
        "-W",
        "-n",
        "--keep-going",
    ]
    if full:
        cmd.append("--all")
    BUILD.mkdir(exist_ok=True)
    FAILED.touch()  # removed only if this build succeeds
    # The kernel imports the examples package of *this* tree, even from a copy of the
    # repository whose editable install points elsewhere (an absolute path: the kernel
    # runs in book/).
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT / "src"), env.get("PYTHONPATH", "")) if p
    )
    result = subprocess.run(cmd, cwd=ROOT, env=env)
    if result.returncode == 0:
        FAILED.unlink()
        FINGERPRINT.write_text(fingerprint)
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
