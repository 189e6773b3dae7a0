"""sphinxext-opengraph without its social cards, and without importing matplotlib.

sphinxext-opengraph imports its social-card module, and with it matplotlib and
pyplot, whenever it is loaded, even with ``ogp_social_cards: {enable: false}``
(``_config.yml``): about a second of every build, a third of a prose-edit rebuild.
This extension loads it with that module marked as absent, which sphinxext-opengraph
treats as "no social cards" (``create_social_card = None``), the setting the book
asks for anyway. Its ``og:`` and description tags are unchanged.

A build that enables social cards fails at once, naming the setting: they would be
silently missing.
"""

from __future__ import annotations

import sys

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ExtensionError

SOCIAL_CARDS = "sphinxext.opengraph._social_cards"
#: What sphinxext-opengraph prints when its social-card module cannot be imported
#: (scripts/build.py does not show it).
NO_MATPLOTLIB_NOTE = "matplotlib is not installed, social cards will not be generated"


def refuse_social_cards(app: Sphinx, config: Config) -> None:
    cards = config.ogp_social_cards or {}
    if cards.get("enable") is not False:
        raise ExtensionError(
            "ogp_social_cards must be {enable: false} (sphinx.config in _config.yml): "
            "bml_opengraph loads sphinxext-opengraph without social cards, "
            f"got {cards!r}"
        )


def setup(app: Sphinx) -> dict:
    if "sphinxext.opengraph" not in sys.modules:
        sys.modules.setdefault(SOCIAL_CARDS, None)  # import fails: no social cards
        try:
            app.setup_extension("sphinxext.opengraph")
        finally:
            if sys.modules.get(SOCIAL_CARDS, 0) is None:
                del sys.modules[SOCIAL_CARDS]
    else:
        app.setup_extension("sphinxext.opengraph")
    app.connect("config-inited", refuse_social_cards)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
