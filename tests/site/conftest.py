"""Fixtures of the browser tests: the built site, a local server, headless Chromium.

The tests read the site that ``make html`` wrote (``_build/html``, or the folder
named by the environment variable ``SITE_DIR``) and the table of contents of the
repository it was built from (two folders up), so they cover whatever chapters the
table of contents holds. The site is served by ``http.server`` on 127.0.0.1 and every
request to any other host is recorded and aborted: a page that needs the network
fails, and nothing leaves the machine.

Chromium is Debian's (``apt-get install -y chromium``), driven by Playwright for
Python. Without it the browser tests are skipped with a message saying how to
install it, except under CI (``CI=true``), where a missing browser is a failure.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

REPO = Path(__file__).resolve().parents[2]
SITE_DIR = Path(os.environ.get("SITE_DIR", REPO / "_build" / "html")).resolve()
#: The repository the site was built from: its _toc.yml and notebooks/.
SITE_ROOT = SITE_DIR.parents[1]
sys.path.insert(0, str(REPO / "book" / "_ext"))
import bml_notebooks  # noqa: E402

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
#: Where the page-weight test writes what each page transfers (see
#: pytest_terminal_summary).
WEIGHTS = SITE_DIR.parent / "page-weight"


def toc_pages(root: Path = SITE_ROOT) -> list[str]:
    """Every page of the table of contents, in reading order (docnames), read by the
    build's own reader (``book/_ext/bml_notebooks.py``, Jupyter Book's parser)."""
    return bml_notebooks.toc_files(root) if (root / "_toc.yml").exists() else []


def toc_chapters(root: Path = SITE_ROOT) -> list[str]:
    """The chapters: pages of the table of contents named ``NN-...``."""
    return bml_notebooks.toc_chapters(root) if (root / "_toc.yml").exists() else []


PAGES = toc_pages()
CHAPTERS = toc_chapters()


def require_site() -> None:
    if not (SITE_DIR / "index.html").exists():
        pytest.fail(
            f"no built site at {SITE_DIR}: run `make html` first (`make test` does), "
            "or point SITE_DIR at a built _build/html",
            pytrace=False,
        )
    if not PAGES:
        pytest.fail(f"no _toc.yml next to the site, in {SITE_ROOT}", pytrace=False)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".woff": "font/woff",
        ".woff2": "font/woff2",
        ".ipynb": "application/x-ipynb+json",
        ".md": "text/markdown; charset=utf-8",
    }

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="session")
def server() -> str:
    """The site's base URL on a local server, for the whole session."""
    require_site()
    handler = functools.partial(_QuietHandler, directory=str(SITE_DIR))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium, or a skip (a failure under CI) if it is missing."""
    chromium = shutil.which("chromium")
    how = (
        "install it with `apt-get update && apt-get install -y chromium` and "
        "`pip install playwright` (pyproject.toml's dev extra has it)"
    )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        chromium = None
    if chromium is None:
        message = f"the browser tests need Chromium and Playwright for Python: {how}"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@dataclass
class Visit:
    """What loading one page showed: requests, errors, and a page still open."""

    url: str
    page: object
    status: int | None = None
    console_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    sizes: dict[str, int] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)


def page_url(server: str, docname: str) -> str:
    return f"{server}{docname}.html"


def open_page(
    browser, server: str, docname: str, mode: str = "light", width: int = 1280
) -> Visit:
    """Load a page in a fresh context in light or dark mode, ``width`` CSS px wide
    (a desktop's 1280 or a phone's 390), and wait for its math."""
    context = browser.new_context(
        viewport={"width": width, "height": 900}, service_workers="block"
    )
    context.set_default_timeout(60_000)  # the tests share two cores with the others
    # The theme keeps the reader's choice in localStorage; set it before any script.
    context.add_init_script(
        f"localStorage.setItem('mode', '{mode}');"
        f"localStorage.setItem('theme', '{mode}');"
    )
    page = context.new_page()
    visit = Visit(page_url(server, docname), page)
    local = urlsplit(server).netloc

    def route(route) -> None:
        parts = urlsplit(route.request.url)
        if parts.scheme in ("http", "https") and parts.netloc != local:
            visit.foreign.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", route)
    page.on(
        "console",
        lambda m: visit.console_errors.append(m.text) if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: visit.console_errors.append(f"uncaught: {e}"))
    page.on(
        "requestfailed",
        lambda r: visit.failed.append(f"{r.url} ({r.failure})"),
    )

    def response(r) -> None:
        if r.status >= 400:
            visit.failed.append(f"{r.url} (HTTP {r.status})")
        length = r.headers.get("content-length")
        if length is not None:
            visit.sizes[r.url] = int(length)
            visit.kinds[r.url] = r.request.resource_type

    page.on("response", response)
    first = page.goto(visit.url, wait_until="load")
    visit.status = first.status if first else None
    page.wait_for_function(
        "() => !window.MathJax || !MathJax.startup || !MathJax.startup.promise"
        " ? true : MathJax.startup.promise.then(() => true)"
    )
    page.wait_for_load_state("networkidle")
    return visit


@pytest.fixture(scope="session")
def visits(browser, server):
    """Pages loaded once per session, mode and width, shared by the tests that read
    them (which must leave the page as they found it)."""
    cache: dict[tuple[str, str, int], Visit] = {}

    def get(docname: str, mode: str = "light", width: int = 1280) -> Visit:
        key = (docname, mode, width)
        if key not in cache:
            cache[key] = open_page(browser, server, docname, mode, width)
        return cache[key]

    yield get
    for visit in cache.values():
        visit.page.context.close()


def pytest_sessionstart(session) -> None:
    session.config._bml_started = time.time()


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    """The page weights the browser tests measured in this run, one line a page."""
    started = getattr(config, "_bml_started", 0)
    if not hasattr(config, "workerinput") and WEIGHTS.is_dir():
        rows = []
        for path in sorted(WEIGHTS.glob("*.json")):
            if path.stat().st_mtime >= started:
                rows.append(json.loads(path.read_text()))
        if rows:
            terminalreporter.section("page weight (bytes transferred)")
            for row in sorted(rows, key=lambda r: -r["raw"]):
                terminalreporter.write_line(
                    f"{row['page']:40s} raw {row['raw']:>9,}  gzip {row['gzip']:>9,}"
                )
