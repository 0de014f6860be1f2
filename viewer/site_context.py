"""The site's identity (exhibits.site) for every template: ``site``, ``site_name``, ``site_seal``."""
from __future__ import annotations

import logging

from flask import Flask, g
from flask_babel import gettext

from exhibits import site as site_service
from viewer.i18n import pick

log = logging.getLogger(__name__)


def current_site() -> site_service.SiteInfo:
    """The site row, read once per request; the defaults when the catalogue cannot be read (error pages)."""
    if "site_info" not in g:
        from viewer.context import db_session

        try:
            g.site_info = site_service.current(db_session())
        except Exception:  # an error page must render even when the catalogue is what failed
            log.warning("site identity could not be read; showing the defaults", exc_info=True)
            g.site_info = site_service.DEFAULT
    return g.site_info


def site_name() -> str:
    """The site's name in the page's language, else the neutral default ("Digital Museum")."""
    return pick(current_site().title) or gettext("Digital Museum")


def init_app(app: Flask) -> None:
    @app.context_processor
    def _site() -> dict:
        from exhibits.i18n import translate

        # the seal is one character of the Chinese name on every page (a Latin letter turns on its side)
        seal = (pick(current_site().title, "zh") or translate("Digital Museum", "zh"))[:1]
        return {"site": current_site(), "site_name": site_name(), "site_seal": seal}
