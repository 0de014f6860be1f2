"""Interface languages and their gettext catalogues (zh, en, zh-Hant), usable without Flask.

The interface's own words are English msgids in ``exhibits/translations/<locale>/LC_MESSAGES/messages.po``
(``make i18n-extract i18n-update`` keeps them in step with the code and templates). The viewer reads them
through Flask-Babel (``viewer/i18n.py``); the IIIF documents, which carry every language at once, read them
here with :func:`langmap`.

A catalogue is compiled in memory from its ``.po`` unless a ``.mo`` at least as new sits beside it
(``make i18n-compile``), so a fresh checkout needs no build step and nobody commits binary files.
"""
from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

#: The interface languages as BCP 47 tags, in the order the language switch shows them.
LANGUAGES: tuple[str, ...] = ("zh", "en", "zh-Hant")
DEFAULT = "zh"
#: The gettext locale (folder) of each language.
LOCALES: dict[str, str] = {"zh": "zh", "en": "en", "zh-Hant": "zh_Hant"}
#: The ``lang`` attribute of a page or value in each language.
HTML_LANG: dict[str, str] = {"zh": "zh-Hans", "en": "en", "zh-Hant": "zh-Hant"}
#: Each language's own name, for the language switch.
NATIVE_NAMES: dict[str, str] = {"zh": "简体中文", "en": "English", "zh-Hant": "繁體中文"}

TRANSLATIONS_DIR = Path(__file__).with_name("translations")
DOMAIN = "messages"


def N_(message: str) -> str:
    """Mark a string for extraction only; translate it where it is shown (``gettext(FIELD_LABEL)``)."""
    return message


def normalise(code: str | None) -> str | None:
    """One of LANGUAGES for a tag a visitor or a browser sends (zh-TW, zh-HK, zh-Hant-TW → zh-Hant), else None."""
    if not code:
        return None
    tag = code.strip().replace("_", "-").lower()
    if tag in ("en",) or tag.startswith("en-"):
        return "en"
    if tag == "zh-hant" or tag.startswith("zh-hant-") or tag in ("zh-tw", "zh-hk", "zh-mo"):
        return "zh-Hant"
    if tag == "zh" or tag.startswith("zh-"):
        return "zh"
    return None


def po_path(lang: str) -> Path:
    return TRANSLATIONS_DIR / LOCALES[lang] / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=None)
def translations(lang: str) -> NullTranslations:
    """The compiled catalogue of a language (NullTranslations for an unknown one: msgids shown as they are)."""
    if lang not in LOCALES:
        return NullTranslations()
    po = po_path(lang)
    mo = po.with_suffix(".mo")
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as fh:
            return Translations(fh, domain=DOMAIN)
    if not po.exists():
        return NullTranslations()
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=LOCALES[lang], domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def translate(message: str, lang: str, **variables: Any) -> str:
    """``message`` (an English msgid) in ``lang``; ``%(name)s`` placeholders filled from ``variables``."""
    text = translations(lang).gettext(message)
    return text % variables if variables else text


def langmap(message: str, languages: Iterable[str] = ("zh", "en"), **variables: Any) -> dict[str, list[str]]:
    """A IIIF language map of an interface string: ``{"zh": ["图 1"], "en": ["Image 1"]}``."""
    return {lang: [translate(message, lang, **variables)] for lang in languages}


@lru_cache(maxsize=1)
def _s2t():
    import opencc

    return opencc.OpenCC("s2t")


def to_traditional(text: str) -> str:
    """Simplified Chinese text in traditional characters (OpenCC ``s2t``)."""
    return _s2t().convert(text) if text else text


#: Where a value for each page language is looked for, in order, before any other key of the map.
FALLBACKS: dict[str, tuple[str, ...]] = {
    "zh": ("zh", "zh-Hans", "zh-Hant", "en", "none"),
    "en": ("en", "zh", "zh-Hans", "zh-Hant", "none"),
    "zh-Hant": ("zh-Hant", "zh", "zh-Hans", "en", "none"),
}


def pick_with_language(value: Mapping[str, Any] | None, lang: str, joiner: str = "; ") -> tuple[str, str | None]:
    """The best text of a language map for a page in ``lang`` and the language it is in.

    On a zh-Hant page a simplified value is converted with OpenCC when the map has no zh-Hant value, so the
    text is then in zh-Hant. The language is None for a ``none`` value (not in any language).
    """
    if not value:
        return "", None
    order = list(FALLBACKS.get(lang, (lang,) + FALLBACKS[DEFAULT])) + [code for code in value]
    for code in order:
        values = value.get(code)
        if not values:
            continue
        text = joiner.join(str(v) for v in values) if isinstance(values, (list, tuple)) else str(values)
        if lang == "zh-Hant" and code in ("zh", "zh-Hans"):
            return to_traditional(text), "zh-Hant"
        if code == "zh-Hans":
            code = "zh"
        return text, (None if code == "none" else code)
    return "", None
