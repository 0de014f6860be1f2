"""Interface language (zh or en) and picking a value out of a language map.

The language comes from ``?lang=``, then the ``lang`` cookie, then Accept-Language.
"""
from __future__ import annotations

from typing import Any, Mapping

from urllib.parse import urlencode

from flask import Flask, g, request

LANGUAGES = ("zh", "en")
DEFAULT = "zh"


def current_language() -> str:
    return getattr(g, "lang", DEFAULT)


def pick(value: Mapping[str, Any] | None, lang: str | None = None, joiner: str = "; ") -> str:
    """The best string of a language map for ``lang``, falling back to the other language."""
    if not value:
        return ""
    lang = lang or current_language()
    order = [lang] + [code for code in (*LANGUAGES, "none") if code != lang] + list(value)
    for code in order:
        values = value.get(code)
        if values:
            return joiner.join(values) if isinstance(values, list) else str(values)
    return ""


def init_app(app: Flask) -> None:
    @app.before_request
    def _choose_language() -> None:
        asked = request.args.get("lang") or request.cookies.get("lang")
        if asked not in LANGUAGES:
            asked = request.accept_languages.best_match(LANGUAGES, default=DEFAULT)
        g.lang = asked

    @app.after_request
    def _remember_language(response):
        asked = request.args.get("lang")
        if response.mimetype != "text/html":
            return response  # images, manifests, JSON: shared caches may keep them, so no cookie
        if asked in LANGUAGES:
            response.set_cookie("lang", asked, max_age=365 * 24 * 3600, samesite="Lax")
        response.vary.update(("Accept-Language", "Cookie"))  # a page's language comes from them
        return response

    @app.context_processor
    def _helpers() -> dict[str, Any]:
        from viewer.strings import text

        lang = current_language()
        return {"lang": lang, "pick": pick, "_": lambda key: text(key, lang), "switch_language_url": switch_language_url}


def switch_language_url(lang: str) -> str:
    """The current page in another language (other query parameters kept)."""
    args = request.args.copy()
    args["lang"] = lang
    return f"{request.script_root}{request.path}?{urlencode(list(args.items(multi=True)))}"
