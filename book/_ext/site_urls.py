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

sphinx-sitemap lists the pages the current build writes, so an incremental build that
rewrote one page would publish a sitemap of one page. The extension therefore has
every page written on every build: writing is cheap, and nothing is re-read or
re-executed for it.
"""

from __future__ import annotations

import html
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


def write_every_page(app: Sphinx, env) -> list[str]:
    """Mark every page as updated, so that each is written and listed in the sitemap."""
    return sorted(env.found_docs)


def setup(app: Sphinx) -> dict:
    # Before sphinx-notfound-page checks its prefix (default priority 500).
    app.connect("config-inited", derive_urls, priority=400)
    app.connect("env-get-updated", write_every_page)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
