"""The site links the book's PDFs only when they show this very site.

``make pdf`` (``scripts/build_pdf.py``) prints the whole book and each page of
``_toc.yml`` after the front page to ``_build/pdf/``, and records in
``_build/pdf/stamp`` the fingerprint of the inputs it printed. The strict build
(``scripts/build.py``) passes the fingerprint of the inputs it builds in
``BML_TREE_STAMP``. When the two are equal, and only then, this extension copies the
PDFs into the site, makes the ".pdf" entry of each page's download menu a link to
its PDF (the front page's: the whole book) instead of the theme's "print this page",
and sets the tag ``bml_pdf``, which shows the front page's download paragraph (an
``{only}`` block). So a bare ``make html`` links no PDF, a link is never dead and
never points at a PDF of other inputs (README: "The book as a PDF").
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from sphinx.application import Sphinx

BOOK_PDF = "basics-of-machine-learning.pdf"  # scripts/build_pdf.py's PDF_NAME
TAG = "bml_pdf"


def _folder(app: Sphinx) -> Path:
    return Path(app.srcdir) / "_build" / "pdf"


def _pdf(app: Sphinx, pagename: str) -> str:
    """The page's PDF, relative to the site (and to ``_build/pdf``)."""
    return BOOK_PDF if pagename == app.config.root_doc else f"{pagename}.pdf"


def check_stamp(app: Sphinx, config) -> None:
    """At config-inited, before the builder hashes the tags: a tag that comes or
    goes makes Sphinx write every page again, which the links need."""
    stamp = _folder(app) / "stamp"
    wanted = os.environ.get("BML_TREE_STAMP")  # set by scripts/build.py only
    app.bml_pdf = (
        bool(wanted) and stamp.is_file() and stamp.read_text(encoding="utf-8") == wanted
    )
    if app.bml_pdf:
        app.tags.add(TAG)


def link_pdf(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if not app.bml_pdf or not (_folder(app) / _pdf(app, pagename)).is_file():
        return
    whole = pagename == app.config.root_doc
    for group in context.get("header_buttons", []):
        if group.get("label") != "download-buttons":
            continue
        for i, button in enumerate(group["buttons"]):
            if button.get("label") == "download-pdf-button":
                group["buttons"][i] = dict(
                    button,
                    type="link",
                    url=context["pathto"](_pdf(app, pagename), 1),
                    tooltip="Download the book as a PDF"
                    if whole
                    else "Download this page as a PDF",
                )
                del group["buttons"][i]["javascript"]


def copy_pdfs(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or not app.bml_pdf:
        return
    for pagename in app.env.found_docs:
        source = _folder(app) / _pdf(app, pagename)
        if source.is_file():
            target = Path(app.outdir) / _pdf(app, pagename)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", check_stamp)
    app.connect("html-page-context", link_pdf, priority=600)
    app.connect("build-finished", copy_pdfs)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
