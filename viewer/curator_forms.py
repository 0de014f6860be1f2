"""The item form of the curator workspace: which inputs it shows, and reading them back.

Input names are ``<field>.<lang>`` for language maps (one value per line; a description is one
value that may span lines), ``<field>`` for years and plain text. Languages present on the item
but not usually shown (``zh-Hant``, ``none``) get their own column, so saving never drops them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from exhibits.editing import PROFILE
from exhibits.i18n import N_
from exhibits.profile import FIELD_BY_NAME

#: Language columns, in order, with the label the form gives them.
LANG_COLUMNS = {"zh": "Chinese", "en": "English", "zh-Hant": "Traditional Chinese", "none": "No language"}
ALWAYS = ("zh", "en")


@dataclass(frozen=True)
class FormField:
    name: str
    label: str  # English msgid, translated where shown
    kind: str  # 'lines' | 'text' | 'year' | 'plain'


def form_fields() -> list[FormField]:
    fields = [FormField("title", N_("Title"), "lines"), FormField("description", N_("Description"), "text"),
              FormField("object_type_label", N_("Category"), "lines")]
    fields += [FormField(name, FIELD_BY_NAME[name].label, "lines") for name in PROFILE]
    fields += [FormField("date_start", N_("From year"), "year"), FormField("date_end", N_("To year"), "year"),
               FormField("accession_number", N_("Accession number"), "plain"),
               FormField("rights", N_("Rights"), "plain")]
    return fields


def langs_of(*records: Mapping[str, Any]) -> list[str]:
    """The language columns to show: Chinese and English, and any other language a value has."""
    present = set(ALWAYS)
    for record in records:
        for field in form_fields():
            value = record.get(field.name)
            if isinstance(value, dict):
                present.update(k for k in value if k in LANG_COLUMNS)
    return [code for code in LANG_COLUMNS if code in present]


def parse_item_form(form: Mapping[str, str]) -> dict[str, Any]:
    """The changes a submitted form asks for (only the fields it carried)."""
    changes: dict[str, Any] = {}
    for field in form_fields():
        if field.kind in ("lines", "text"):
            keys = [k for k in form.keys() if k.startswith(field.name + ".")]
            if not keys:
                continue
            value: dict[str, list[str]] = {}
            for key in keys:
                lang = key[len(field.name) + 1:]
                raw = form.get(key, "")
                parts = [raw.strip()] if field.kind == "text" else [line.strip() for line in raw.splitlines()]
                parts = [p for p in parts if p]
                if parts:
                    value[lang] = parts
            changes[field.name] = value
        elif field.name in form:
            changes[field.name] = form.get(field.name, "").strip() or None
    if "section" in form:
        changes["section"] = form.get("section") or None
    return changes
