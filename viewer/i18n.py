"""The page's language (zh, en or zh-Hant) through Flask-Babel, and picking a value out of a language map.

The language comes from ``?lang=``, then the ``lang`` cookie, then Accept-Language (zh-TW and zh-HK mean
zh-Hant). Interface strings are gettext calls on English msgids (``{{ _('Search') }}`` in templates,
``gettext``/``lazy_gettext`` from ``flask_babel`` in Python); the catalogues live in ``exhibits/translations``.
"""
from __future__ import annotations

from typing import Any, Mapping
from urllib.parse import urlencode

from flask import Flask, g, request
from flask_babel import Babel, Domain, get_locale
from markupsafe import Markup, escape

from exhibits import i18n as core
from exhibits.dimensions import with_english
from exhibits.i18n import DEFAULT, HTML_LANG, LANGUAGES, NATIVE_NAMES

__all__ = ["LANGUAGES", "DEFAULT", "current_language", "pick", "init_app", "switch_language_url"]

COOKIE = "lang"


def current_language() -> str:
    """The page's language; a response built with it varies with the request's language (see ``_vary``)."""
    g._language_used = True
    return getattr(g, "lang", DEFAULT)


def pick(value: Mapping[str, Any] | None, lang: str | None = None, joiner: str = "; ") -> str:
    """The best string of a language map for ``lang`` (default: the page's), falling back to other languages."""
    return core.pick_with_language(value, lang or current_language(), joiner)[0]


def value_lang(value: Mapping[str, Any] | None, lang: str | None = None) -> str | None:
    """The language :func:`pick` takes its text from, as an HTML ``lang`` value."""
    code = core.pick_with_language(value, lang or current_language())[1]
    return HTML_LANG.get(code, code) if code else None


def text(value: Mapping[str, Any] | None, joiner: str = "; ") -> Markup:
    """A language-map value for a page, escaped, in a ``<span lang>`` when its language is not the page's."""
    page = current_language()
    shown, code = core.pick_with_language(value, page, joiner)
    if code and code != page:
        return Markup('<span lang="%s">%s</span>') % (HTML_LANG.get(code, code), shown)
    return escape(shown)


def field_text(name: str, value: Mapping[str, Any] | None) -> Markup:
    """A profile field's value for the page: :func:`text`, with dimensions in English when they can be read."""
    if name == "dimensions":
        value = with_english(dict(value)) if value else value
    return text(value)


def page_url(lang: str | None) -> str:
    """This page's absolute address in ``lang`` (None: without a language, for ``hreflang="x-default"``)."""
    from viewer.context import base_url

    args = request.args.copy()
    args.pop("lang", None)
    pairs = list(args.items(multi=True)) + ([("lang", lang)] if lang else [])
    return base_url() + request.path + (f"?{urlencode(pairs)}" if pairs else "")


def _choose() -> str:
    for asked in (request.args.get("lang"), request.cookies.get(COOKIE)):
        if asked in LANGUAGES:
            return asked
    for tag, _quality in request.accept_languages:
        found = core.normalise(tag)
        if found:
            return found
    return DEFAULT


class _CatalogueDomain(Domain):
    """Flask-Babel's domain, reading the catalogues compiled by :mod:`exhibits.i18n` (no .mo file needed)."""

    def get_translations(self):
        locale = get_locale()
        if locale is None:
            return core.translations(DEFAULT)
        g._language_used = True  # a translated string went into the response
        return core.translations(getattr(g, "lang", None) or _from_locale(str(locale)))


def _from_locale(name: str) -> str:
    return next((lang for lang, loc in core.LOCALES.items() if loc == name), DEFAULT)


class _Babel(Babel):
    @property
    def domain_instance(self):  # one instance for the app; Flask-Babel's cached_property is per Babel object
        if not hasattr(self, "_catalogue_domain"):
            self._catalogue_domain = _CatalogueDomain(domain=core.DOMAIN)
        return self._catalogue_domain


def init_app(app: Flask) -> None:
    _Babel(app, default_locale=core.LOCALES[DEFAULT], default_translation_directories=str(core.TRANSLATIONS_DIR),
           locale_selector=lambda: core.LOCALES[current_language()])

    @app.before_request
    def _choose_language() -> None:
        g.lang = _choose()

    @app.after_request
    def _remember_language(response):
        asked = request.args.get("lang")
        if response.mimetype == "text/html" or g.get("_language_used"):
            # the page's language (or a translated message, a link with ?lang= in JSON or iCalendar) came from
            # them: a shared cache must not give this response to a visitor of another language
            response.vary.update(("Accept-Language", "Cookie"))  # one parse and write of the header
        if response.mimetype != "text/html":
            return response  # images, manifests, JSON: shared caches may keep them, so no cookie
        if asked in LANGUAGES and request.cookies.get(COOKIE) != asked:
            response.set_cookie(COOKIE, asked, max_age=365 * 24 * 3600, samesite="Lax")
        return response

    @app.context_processor
    def _helpers() -> dict[str, Any]:
        lang = current_language()
        return {
            "lang": lang, "html_lang": HTML_LANG[lang], "languages": LANGUAGES, "language_names": NATIVE_NAMES,
            "html_langs": HTML_LANG, "pick": pick, "value_lang": value_lang, "text": text,
            "field_text": field_text, "page_url": page_url, "switch_language_url": switch_language_url,
            "track_lang": "zh" if lang == "zh-Hant" else lang, "hant": core.to_traditional,
        }


def switch_language_url(lang: str) -> str:
    """The current page in another language (path and other query parameters kept)."""
    args = request.args.copy()
    args["lang"] = lang
    return f"{request.script_root}{request.path}?{urlencode(list(args.items(multi=True)))}"
