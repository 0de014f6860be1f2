"""The metadata profile: Dublin Core underneath, Chinese museum cataloguing fields on top.

One table drives the CSV columns, the item page, the manifest ``metadata`` block and
the Dublin Core mapping, so a field is declared once.
"""
from __future__ import annotations

import re
from dataclasses import KW_ONLY, dataclass

from exhibits.i18n import N_

LangMap = dict[str, list[str]]

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")


@dataclass(frozen=True)
class Field:
    name: str
    label: str  # English msgid of the field's label; translated where shown (gettext / exhibits.i18n.langmap)
    _: KW_ONLY
    dc: str | None = None  # Dublin Core element
    ich: bool = False  # only for intangible heritage items


#: Profile fields kept in ``Item.metadata_`` as language maps, in display order.
FIELDS: tuple[Field, ...] = (
    Field("object_type", N_("Category"), dc="type"),
    Field("period", N_("Period"), dc="coverage"),
    Field("material", N_("Material"), dc="format"),
    Field("dimensions", N_("Dimensions"), dc="format"),
    Field("creator", N_("Creator"), dc="creator"),
    Field("place", N_("Place"), dc="coverage"),
    Field("grade", N_("Grade")),
    Field("provenance", N_("Provenance"), dc="source"),
    Field("condition", N_("Condition")),
    Field("accession_number", N_("Accession number"), dc="identifier"),
    Field("ich_category", N_("ICH category"), dc="subject", ich=True),
    Field("ich_level", N_("ICH level"), ich=True),
    Field("inheritor", N_("Inheritor"), dc="contributor", ich=True),
    Field("region", N_("Region"), dc="coverage", ich=True),
)
FIELD_BY_NAME = {field.name: field for field in FIELDS}

#: The ten national categories of intangible cultural heritage, with English names.
ICH_CATEGORIES = {
    "民间文学": "Folk literature",
    "传统音乐": "Traditional music",
    "传统舞蹈": "Traditional dance",
    "传统戏剧": "Traditional opera",
    "曲艺": "Quyi (storytelling and ballad singing)",
    "传统体育、游艺与杂技": "Traditional sports, entertainment and acrobatics",
    "传统美术": "Traditional fine arts",
    "传统技艺": "Traditional craftsmanship",
    "传统医药": "Traditional medicine",
    "民俗": "Folk customs",
}
ICH_LEVELS = {"国家级": "National", "省级": "Provincial", "市级": "Municipal", "县级": "County"}

#: CSV columns (DESIGN.md); the ICH ones are optional.
REQUIRED_COLUMNS = ("id", "museum", "hall", "files")
CSV_COLUMNS = (
    "id", "museum", "hall", "section", "title_zh", "title_en", "object_type", "period",
    "date_start", "date_end", "material", "dimensions", "creator", "place", "accession_number",
    "description_zh", "description_en", "rights", "files",
)
ICH_COLUMNS = ("ich_category", "ich_level", "inheritor", "region")


def language_of(text: str) -> str:
    """'zh' when the text contains Chinese characters, else 'en'."""
    return "zh" if _CJK.search(text) else "en"


def lang_value(plain: str | None = None, zh: str | None = None, en: str | None = None) -> LangMap:
    """A language map from a plain value (language guessed by script) and explicit translations."""
    result: LangMap = {}
    if plain and plain.strip():
        result.setdefault(language_of(plain), []).append(plain.strip())
    for code, text in (("zh", zh), ("en", en)):
        if text and text.strip() and text.strip() not in result.get(code, []):
            result.setdefault(code, []).append(text.strip())
    return result


def with_known_translations(name: str, value: LangMap) -> LangMap:
    """Add the English name of a controlled ICH category or level when only Chinese is given."""
    table = {"ich_category": ICH_CATEGORIES, "ich_level": ICH_LEVELS}.get(name)
    if not table or value.get("en"):
        return value
    english = [table[v] for v in value.get("zh", []) if v in table]
    return {**value, "en": english} if english else value
