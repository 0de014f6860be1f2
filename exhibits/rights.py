"""Rights statements: the free text curators write, mapped to the URIs IIIF ``rights`` requires."""
from __future__ import annotations

import re

_CC = re.compile(r"^cc[ -]?(by(?:[ -](?:nc|sa|nd))*)[ -]?(\d\.\d)?$", re.I)
_NAMED = {
    "cc0": "http://creativecommons.org/publicdomain/zero/1.0/",
    "public domain": "http://creativecommons.org/publicdomain/mark/1.0/",
    "pdm": "http://creativecommons.org/publicdomain/mark/1.0/",
}
#: The twelve RightsStatements.org statements (https://rightsstatements.org/page/1.0/): name → code.
RIGHTS_STATEMENTS = {
    "In Copyright": "InC",
    "In Copyright - EU Orphan Work": "InC-OW-EU",
    "In Copyright - Educational Use Permitted": "InC-EDU",
    "In Copyright - Non-Commercial Use Permitted": "InC-NC",
    "In Copyright - Rights-holder(s) Unlocatable or Unidentifiable": "InC-RUU",
    "No Copyright - Contractual Restrictions": "NoC-CR",
    "No Copyright - Non-Commercial Use Only": "NoC-NC",
    "No Copyright - Other Known Legal Restrictions": "NoC-OKLR",
    "No Copyright - United States": "NoC-US",
    "Copyright Not Evaluated": "CNE",
    "Copyright Undetermined": "UND",
    "No Known Copyright": "NKC",
}
for _name, _code in RIGHTS_STATEMENTS.items():  # by name or by code, in any case
    _NAMED[_name.lower()] = _NAMED[_code.lower()] = f"http://rightsstatements.org/vocab/{_code}/1.0/"


def rights_uri(text: str | None) -> str | None:
    """The Creative Commons or RightsStatements.org URI for a rights value, if it names one."""
    if not text:
        return None
    value = text.strip()
    if re.match(r"^https?://(creativecommons\.org|rightsstatements\.org)/", value):
        return value.replace("https://", "http://", 1)
    match = _CC.match(value)
    if match:
        kind = match.group(1).lower().replace(" ", "-")
        return f"http://creativecommons.org/licenses/{kind}/{match.group(2) or '4.0'}/"
    return _NAMED.get(value.lower())
