"""Sphinx extension: every address of the published site comes from ``html_baseurl``.

The site's address is set once, as ``html: baseurl:`` in ``_config.yml`` (Sphinx's
``html_baseurl``, which sphinx-sitemap reads). When the configuration is read, this
extension derives from it what the other extensions need:

* ``ogp_site_url`` and ``ogp_site_name`` (sphinxext-opengraph's ``og:url`` tags),
* ``notfound_urls_prefix`` (sphinx-notfound-page): the path of the site on its host,
  e.g. ``/basics-of-ml/``, so that ``404.html`` loads its styles and links from the
  right place whatever missing address it is served for,
* ``notfound_context``: the 404 page's text, with a link to the site's home, which
  opens the book's first page.

A value set explicitly in ``_config.yml`` is kept. An address that is not an absolute
http(s) URL ending in ``/`` fails the build, naming the setting.

An incremental build writes the pages it re-read, and every other page only when
what pages show of each other changed while reading (``links_signature``: titles,
contents, targets of references, numbers of figures): a prose edit rewrites one page,
a renamed label or title every page, so a reference it breaks elsewhere still fails
the build. sphinx-sitemap lists only the pages a build writes: the pages not
written are added to its list (``complete_sitemap``), which is sorted, and kept in
this process (``serial_sitemap_list``).
"""

from __future__ import annotations

import copy
import html
import queue
from urllib.parse import urlparse

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError

NOT_FOUND_BODY = """
<h1>Page not found</h1>
<p>There is no page at this address in <em>{title}</em>. The page may have moved, or
the link that led here may be mistyped.</p>
<p><a href="{home}">Go to the start of the book</a>, or pick a chapter from the table
of contents.</p>
"""


def site_path(baseurl: str) -> str:
    """The path of the site on its host: ``https://x.org/book/`` gives ``/book/``."""
    parsed = urlparse(baseurl)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigError(
            f"html.baseurl in _config.yml: expected an absolute http(s) URL, "
            f"got {baseurl!r}"
        )
    if not parsed.path.endswith("/"):
        raise ConfigError(
            f"html.baseurl in _config.yml: expected a URL ending in '/', "
            f"got {baseurl!r}"
        )
    return parsed.path


def unset(config: Config, name: str) -> bool:
    """Whether ``name`` still has its default (the configuration did not set it)."""
    if name not in config.values:
        raise ConfigError(f"{name}: the extension that defines it is not loaded")
    option = config.values[name]
    default = option.default if hasattr(option, "default") else option[0]
    if callable(default):
        default = default(config)
    return getattr(config, name) == default


def derive_urls(app: Sphinx, config: Config) -> None:
    baseurl = config.html_baseurl
    if not baseurl:
        return  # sphinx-sitemap then warns, which fails the strict build
    prefix = site_path(baseurl)
    title = config.html_title or config.project
    if unset(config, "ogp_site_url"):
        config.ogp_site_url = baseurl
    if unset(config, "ogp_site_name"):
        config.ogp_site_name = title
    if unset(config, "notfound_urls_prefix"):
        config.notfound_urls_prefix = prefix
    if unset(config, "notfound_context"):
        config.notfound_context = {
            "title": "Page not found",
            "body": NOT_FOUND_BODY.format(
                title=html.escape(title), home=html.escape(prefix)
            ),
        }


def links_signature(env) -> tuple:
    """What a page shows of the others: their titles and contents (sidebar,
    previous and next links), the targets of references (every domain's data) and
    the section and figure numbers."""
    return copy.deepcopy(
        (
            env.found_docs,
            {d: t.astext() for d, t in env.titles.items()},
            {d: t.astext() for d, t in env.tocs.items()},
            env.toctree_includes,
            # the C and C++ domains' symbol trees compare by identity; their
            # objects are in "objects" and "names"
            {
                d: {k: v for k, v in data.items() if k != "root_symbol"}
                for d, data in env.domaindata.items()
            },
            env.toc_secnumbers,
            env.toc_fignumbers,
        )
    )


def note_links_before_reading(app: Sphinx, env, added, changed, removed) -> list:
    app.bml_links = None if added or removed else links_signature(env)
    return []


def pages_to_write(app: Sphinx, env) -> list[str]:
    """Every page, when what pages show of each other changed (or pages were added
    or removed); otherwise none beyond those Sphinx writes anyway."""
    if getattr(app, "bml_links", None) == links_signature(env):
        return []
    return sorted(env.found_docs)


def note_written(app: Sphinx, pagename: str, *args) -> None:
    app.bml_written = getattr(app, "bml_written", set()) | {pagename}


def serial_sitemap_list(app: Sphinx) -> None:
    """sphinx-sitemap's ``record_builder_type`` with a plain queue, not one served by
    a ``multiprocessing.Manager`` process (half a second to start and stop): the
    pages are written by one process (``parallel_write_safe`` is false here)."""
    app.env.is_directory_builder = type(app.builder).__name__ == "DirectoryHTMLBuilder"
    app.sitemap_links = queue.Queue()


def replace_sitemap_queue(app: Sphinx, config: Config) -> None:
    import sphinx_sitemap

    listeners = app.events.listeners["builder-inited"]
    for i, listener in enumerate(listeners):
        if listener.handler is sphinx_sitemap.record_builder_type:
            listeners[i] = listener._replace(handler=serial_sitemap_list)


def complete_sitemap(app: Sphinx, exception) -> None:
    """Add the pages this build did not write to sphinx-sitemap's list, sorted."""
    links = getattr(app.env.app, "sitemap_links", None)
    if exception is not None or links is None:
        return
    import sphinx_sitemap

    for docname in sorted(app.env.found_docs - getattr(app, "bml_written", set())):
        sphinx_sitemap.add_html_link(app, docname, None, None, None)
    found = []
    while not links.empty():
        found.append(links.get_nowait())
    for link in sorted(set(found)):
        links.put(link)


def setup(app: Sphinx) -> dict:
    # Before sphinx-notfound-page checks its prefix (default priority 500).
    app.connect("config-inited", derive_urls, priority=400)
    app.connect("config-inited", replace_sitemap_queue)
    app.connect("env-get-outdated", note_links_before_reading)
    app.connect("env-get-updated", pages_to_write)
    app.connect("html-page-context", note_written)
    # before sphinx-sitemap writes the sitemap (default priority 500)
    app.connect("build-finished", complete_sitemap, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": False}
