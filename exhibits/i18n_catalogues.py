"""Keeping the gettext catalogues in step: ``python -m exhibits.i18n_catalogues derive-hant|check``.

``derive-hant`` fills every empty or fuzzy entry of the zh-Hant catalogue from the zh one with OpenCC
(``s2t``). Entries already translated are left alone, so a hand-corrected zh-Hant wording (a Hong Kong or
Taiwan term OpenCC does not know) survives the next derivation. ``check`` lists untranslated entries of the
zh and zh-Hant catalogues and exits 1 if there are any (the English catalogue may stay empty: its msgids
are the English text).
"""
from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from exhibits.i18n import po_path, to_traditional

#: Languages whose catalogue must translate every msgid.
COMPLETE = ("zh", "zh-Hant")


def load(lang: str) -> Catalog:
    with po_path(lang).open("rb") as fh:
        return read_po(fh, locale=po_path(lang).parts[-3])


def save(catalog: Catalog, lang: str) -> None:
    with po_path(lang).open("wb") as fh:
        write_po(fh, catalog, sort_output=True, no_location=True, width=120)


def untranslated(catalog: Catalog) -> list[str]:
    """The msgids (with their context) that have no translation, or only a fuzzy one."""
    missing = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        if message.fuzzy or not all(strings):
            ids = message.id if isinstance(message.id, (list, tuple)) else [message.id]
            missing.append((f"{message.context}|" if message.context else "") + ids[0])
    return missing


def derive_hant() -> int:
    """Fill the zh-Hant catalogue's gaps from zh; the number of entries filled."""
    source, target = load("zh"), load("zh-Hant")
    filled = 0
    for message in target:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        if all(strings) and not message.fuzzy:
            continue
        zh = source.get(message.id, context=message.context)
        if zh is None or not zh.string or zh.fuzzy:
            continue
        if isinstance(zh.string, (list, tuple)):
            message.string = tuple(to_traditional(s) for s in zh.string)
        else:
            message.string = to_traditional(zh.string)
        message.flags.discard("fuzzy")
        filled += 1
    target.fuzzy = False
    save(target, "zh-Hant")
    return filled


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    if command == "derive-hant":
        print(f"zh-Hant: {derive_hant()} entries derived from zh with OpenCC s2t")
        return 0
    if command == "check":
        bad = 0
        for lang in COMPLETE:
            for msgid in untranslated(load(lang)):
                print(f"{po_path(lang)}: untranslated: {msgid!r}")
                bad += 1
        return 1 if bad else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
