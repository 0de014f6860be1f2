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


#: Longest side of the download a non-commercial or educational licence gets (a good print, not the master).
LIMITED_DOWNLOAD = 2048


def download_size(text: str | None) -> int | None:
    """How large a download the item's rights allow: 0 for the full image, a longest side in px, or None.

    Open licences and public domain (CC0, the Public Domain Mark, CC BY and CC BY-SA) and the "No Copyright"
    statements without a use restriction: the full image. Licences that allow reuse with conditions on the use
    (CC …-NC, …-ND, "Non-Commercial Use", "Educational Use Permitted"): a copy of at most
    :data:`LIMITED_DOWNLOAD` px. In copyright, not evaluated, undetermined or unknown text: no download link
    (the IIIF service still serves what the pages show).
    """
    uri = rights_uri(text)
    if uri is None:
        return None
    name = uri.rstrip("/").split("/")[-2]  # .../licenses/by-nc/4.0/, .../vocab/InC-EDU/1.0/
    if "creativecommons.org" in uri:
        return 0 if "/publicdomain/" in uri or name in ("by", "by-sa") else LIMITED_DOWNLOAD
    statement = name
    if statement in ("NoC-US", "NKC"):
        return 0
    if statement in ("NoC-NC", "InC-NC", "InC-EDU", "NoC-CR"):
        return LIMITED_DOWNLOAD
    return None
