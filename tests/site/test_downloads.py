"""Download links resolve; each chapter's notebook runs top to bottom on its own."""

from __future__ import annotations

import urllib.request

import nbformat
import pytest
from nbclient import NotebookClient

from tests.site.conftest import CHAPTERS, PAGES

SETUP_TAG = "bml-setup"


def _download_links(visit) -> list[str]:
    return visit.page.eval_on_selector_all(
        ".dropdown-download-buttons a[href]", "links => links.map(a => a.href)"
    )


@pytest.mark.parametrize("docname", PAGES)
def test_every_download_link_resolves(visits, docname):
    visit = visits(docname)
    for href in _download_links(visit):
        response = visit.page.request.get(href)
        assert response.ok, f"{href}: HTTP {response.status}"
        assert response.body(), f"{href} is empty"
        if href.endswith(".pdf"):  # a PDF of `make pdf` (tests/test_pdf.py)
            assert response.body().startswith(b"%PDF-"), f"{href} is not a PDF"


@pytest.mark.parametrize("docname", CHAPTERS)
def test_chapter_offers_its_executed_notebook_and_its_source(visits, docname):
    visit = visits(docname)
    links = _download_links(visit)
    name = docname.rsplit("/", 1)[-1]
    notebook = [h for h in links if h.endswith(f"/{name}.ipynb")]
    source = [h for h in links if h.endswith(f"/{name}.md")]
    assert len(notebook) == 1 and len(source) == 1, links
    assert visit.page.request.get(source[0]).text().startswith("---\n")
    nb = nbformat.reads(visit.page.request.get(notebook[0]).text(), as_version=4)
    nbformat.validate(nb)
    assert SETUP_TAG in nb.cells[0].metadata.get("tags", [])
    # executed: every code cell after the setup cell has run
    counts = [c.execution_count for c in nb.cells[1:] if c.cell_type == "code"]
    assert counts and all(n is not None for n in counts)
    assert "{literalinclude}" not in "".join(c.source for c in nb.cells)


@pytest.mark.parametrize("docname", CHAPTERS)
def test_downloaded_notebook_runs_in_a_fresh_kernel(server, tmp_path, docname):
    url = f"{server}_sources/{docname}.ipynb"
    with urllib.request.urlopen(url) as response:  # noqa: S310 - a local server
        nb = nbformat.reads(response.read().decode("utf-8"), as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    # run where nothing of the repository is at hand: only the installed package
    NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute()
    # only a cell that shows an error on purpose may raise
    errors = [
        out["ename"]
        for c in nb.cells
        if "raises-exception" not in c.get("metadata", {}).get("tags", [])
        for out in c.get("outputs", [])
        if out.get("output_type") == "error"
    ]
    assert errors == []
