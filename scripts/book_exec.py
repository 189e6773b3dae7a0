"""Execute chapters the way MyST-NB does, several at a time, and store them safely.

One asyncio loop drives up to ``workers`` nbclient clients at once (the work happens
in the kernels, so two use both cores), each chapter from its own folder with
MyST-NB's options. The kernels get a fixed environment so that two builds give the
same bytes: a hash seed, a date for file metadata (``SOURCE_DATE_EPOCH``) and one
thread per numerical library.

jupyter-cache's own executor is not used: it stores a notebook by deleting the old
one, writing the record, then the notebook, so a kill in between leaves a record
that points at nothing (``store`` publishes the notebook first).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

#: Set in the environment of every kernel (and of the build, which starts them).
KERNEL_ENV = {
    "PYTHONHASHSEED": "0",
    # 2026-01-01T00:00:00Z, the book's copyright year: Sphinx also honours this
    # variable and writes its year into the footer (0 gave "Copyright 1970").
    "SOURCE_DATE_EPOCH": "1767225600",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
}


def configure_environment(src: Path) -> None:
    """Environment of the kernels: :data:`KERNEL_ENV`, this tree's ``src`` first."""
    os.environ.update(KERNEL_ENV)
    path = os.environ.get("PYTHONPATH", "")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(src), path) if p)
    # jupyter_client's notice about its config paths concerns Jupyter, not the book
    warnings.filterwarnings("ignore", message="Jupyter is migrating its paths")


@dataclass
class Job:
    """One chapter to execute: ``nb`` is executed in place."""

    docname: str
    path: Path
    nb: object  # nbformat.NotebookNode
    timeout: int | None = 600
    allow_errors: bool = False


@dataclass
class Outcome:
    job: Job
    seconds: float
    error: str | None = None  # the error report (cell, traceback) if it failed

    @property
    def ok(self) -> bool:
        return self.error is None


def _options(job: Job) -> tuple[int | None, bool]:
    """Timeout and allow_errors, as the notebook's ``execution`` metadata sets them."""
    meta = job.nb.metadata.get("execution", {})
    return meta.get("timeout", job.timeout), meta.get("allow_errors", job.allow_errors)


async def _execute(job: Job) -> Outcome:
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    timeout, allow_errors = _options(job)
    sockets = tempfile.mkdtemp(prefix="bml-kernel-")
    client = NotebookClient(
        job.nb,
        config=kernel_config(sockets),
        timeout=timeout,
        allow_errors=allow_errors,
        record_timing=False,
        shutdown_kernel="immediate",  # a graceful one prints a zmq traceback
        resources={"metadata": {"path": str(job.path.parent)}},
    )
    start = time.perf_counter()
    error = None
    try:
        await client.async_execute()
    except CellExecutionError as exc:
        error = _where(job) + str(exc)
    except Exception as exc:  # kernel died, timeout, no such kernel, ...
        error = _where(job) + f"{type(exc).__name__}: {exc}"
    finally:
        shutil.rmtree(sockets, ignore_errors=True)
    return Outcome(job, time.perf_counter() - start, error)


def kernel_config(folder: str):
    """Unix sockets in ``folder`` rather than TCP (ipykernel warns that TCP is not
    encrypted), unless their paths would be too long (107 bytes at most)."""
    from traitlets.config import Config

    config = Config()
    if len(os.fsencode(folder)) <= 80:  # the sockets are folder/kernel-<port>
        config.KernelManager.transport = "ipc"
        # absolute: the kernel runs in the chapter's folder, the build elsewhere
        config.KernelManager.ip = os.path.join(folder, "kernel")
    return config


def _where(job: Job) -> str:
    """``path:line: `` of the cell that failed (the last one that ran), if known."""
    source_map = job.nb.metadata.get("source_map")
    last = None
    for i, cell in enumerate(job.nb.cells):
        if cell.get("cell_type") == "code" and cell.get("execution_count"):
            last = i
    if last is None or not source_map or last >= len(source_map):
        return ""
    return f"{job.path}:{source_map[last] + 1}: the cell starting here failed.\n"


def _keep_signals(*args) -> None:
    raise RuntimeError("the build handles the signals")  # nbclient ignores this


def execute_all(
    jobs: list[Job], workers: int = 2, on_done: Callable[[Outcome], None] | None = None
) -> list[Outcome]:
    """Execute ``jobs`` in order, up to ``workers`` at once; a failing chapter does
    not stop the others. Returns the outcomes in job order."""
    outcomes: dict[int, Outcome] = {}
    queue = list(enumerate(jobs))

    async def worker() -> None:
        while queue:
            i, job = queue.pop(0)
            outcome = await _execute(job)
            outcomes[i] = outcome
            if on_done:
                on_done(outcome)

    async def run() -> None:
        # nbclient's own SIGINT and SIGTERM handlers would make an interruption look
        # like a failing cell: the build's own handlers stay in place instead.
        loop = asyncio.get_running_loop()
        loop.add_signal_handler = loop.remove_signal_handler = _keep_signals
        await asyncio.gather(
            *(worker() for _ in range(max(1, min(workers, len(jobs)))))
        )

    if jobs:
        asyncio.run(run())
    return [outcomes[i] for i in range(len(jobs))]


def normalise(nb, merge_streams: bool) -> None:
    """Remove what differs between two executions of the same code: timing
    metadata, the cells' random ids (MyST-NB puts the page's own back) and, with
    MyST-NB's ``nb_merge_streams``, how the kernel split a cell's printed text into
    chunks (merged by MyST-NB's own function, as the page shows them)."""
    from myst_nb.core.utils import coalesce_streams

    for i, cell in enumerate(nb.cells):
        cell.get("metadata", {}).pop("execution", None)
        if "id" in cell:
            cell.id = f"cell-{i}"
        if merge_streams and cell.get("cell_type") == "code" and cell.get("outputs"):
            cell.outputs = coalesce_streams(cell.outputs)


# --- storing in the jupyter-cache, safe against interruption ----------------------


def checkpoint(name: str) -> None:
    """Where the fault tests stop the build: ``BOOK_BUILD_FAULT=name:SIGNAL`` makes
    the build send itself SIGNAL (TERM, INT or KILL) when it gets to ``name``."""
    point, _, sig = os.environ.get("BOOK_BUILD_FAULT", "").partition(":")
    if point == name:
        os.kill(os.getpid(), getattr(signal, f"SIG{sig}"))
        time.sleep(5)  # the signal arrives (a handler runs at the next instruction)


def store(cache, nb, uri: str, data: dict):
    """Cache executed ``nb`` under MyST-NB's hash so that no record ever points at a
    missing or half-written notebook: the notebook is written to a private folder,
    the old record deleted, the folder renamed into place, and only then is the
    record written; earlier versions of the page are removed last, record first."""
    import nbformat
    from jupyter_cache.cache.db import NbCacheRecord

    hashed, hashkey = cache.create_hashed_notebook(nb)
    final = cache._get_notebook_path_cache(hashkey).parent
    tmp = final.with_name(f".tmp-{hashkey}-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    with open(tmp / "base.ipynb", "w", encoding="utf-8") as file:
        file.write(nbformat.writes(hashed, nbformat.NO_CONVERT))
        file.flush()
        os.fsync(file.fileno())
    checkpoint("written")
    try:
        NbCacheRecord.remove_record(
            NbCacheRecord.record_from_hashkey(hashkey, cache.db).pk, cache.db
        )
    except KeyError:
        pass
    checkpoint("unrecorded")
    old = final.with_name(f".old-{hashkey}-{os.getpid()}")
    if final.exists():
        final.rename(old)
    tmp.rename(final)
    shutil.rmtree(old, ignore_errors=True)
    checkpoint("published")
    record = NbCacheRecord.create_record(
        uri=uri, hashkey=hashkey, db=cache.db, data=data, description=""
    )
    checkpoint("recorded")
    for other in cache.list_cache_records():  # earlier versions of the page
        if other.uri == uri and other.pk != record.pk:
            remove(cache, other)
    return record


def remove(cache, record) -> None:
    """Remove a cache record, then its notebook (never the other way round)."""
    from jupyter_cache.cache.db import NbCacheRecord

    NbCacheRecord.remove_records([record.pk], cache.db)
    shutil.rmtree(cache._get_notebook_path_cache(record.hashkey).parent, True)


def repair(cache) -> list[str]:
    """Remove the records whose notebook is missing or unreadable, and the folders
    of interrupted stores; the URIs of the removed records (executed again)."""

    broken = []
    for record in cache.list_cache_records():
        try:
            path = cache._get_notebook_path_cache(record.hashkey)
            json.loads(path.read_text(encoding="utf-8"))["cells"]
        except (OSError, ValueError, KeyError, TypeError):
            remove(cache, record)
            broken.append(record.uri)
    executed = Path(cache.path) / "executed"
    for folder in executed.glob(".*-*") if executed.is_dir() else []:
        shutil.rmtree(folder, ignore_errors=True)
    return broken
