"""Identity documents and phone numbers of people who book, validated before anything is stored.

- ``resident``: the resident identity card number of GB 11643-1999: 17 digits and a check character computed with
  ISO 7064 MOD 11-2; digits 1-6 are the region (a GB/T 2260 code of any revision, :mod:`exhibits.bookings.regions`), 7-14 the birth date.
  The residence permits of Hong Kong, Macao and Taiwan residents (region 81/82/83) share the format.
- ``passport``: Chinese passports (E/G + 8 characters) and foreign ones (ICAO 9303: up to 9 letters and digits,
  some states use up to 17 with a digit somewhere).
- ``hk_macao``: the Mainland Travel Permit for Hong Kong and Macao Residents (回乡证): H or M and 8 or 10 digits.
- ``taiwan``: the Mainland Travel Permit for Taiwan Residents (台胞证): 8 digits (since 2015), or the older 10 digits
  with an optional letter in brackets.
- ``exit_permit``: the Exit-Entry Permit for Travelling to and from Hong Kong and Macao (往来港澳通行证): C + 8.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from exhibits.bookings import regions

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"

ID_TYPES = ("resident", "passport", "hk_macao", "taiwan", "exit_permit")

_PATTERNS = {
    "passport": re.compile(r"^(?:[EG][A-Z0-9]\d{7}|(?=[A-Z0-9]*\d)[A-Z0-9]{6,17})$"),
    "hk_macao": re.compile(r"^[HM]\d{8}(?:\d{2})?$"),
    "taiwan": re.compile(r"^(?:\d{8}|\d{10}(?:\([A-Z]\))?)$"),
    "exit_permit": re.compile(r"^C[A-Z0-9]\d{7}$"),
}


class DocumentError(ValueError):
    """An identity document or phone number that cannot be right; ``code`` names the problem for messages."""

    def __init__(self, code: str, detail: str = "") -> None:
        self.code = code
        super().__init__(detail or code)


@dataclass(frozen=True)
class Document:
    id_type: str
    number: str  # normalised: upper case, no spaces
    birth: date | None = None  # known for resident numbers


def check_character(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits."""
    return CHECK[sum(int(d) * w for d, w in zip(first17, WEIGHTS)) % 11]


def normalise(number: str) -> str:
    return re.sub(r"[\s\-]", "", str(number or "")).upper().replace("（", "(").replace("）", ")")


def parse_resident(number: str, today: date | None = None) -> Document:
    """Validate an 18-character resident identity number; raises :class:`DocumentError`."""
    value = normalise(number)
    if not re.fullmatch(r"\d{17}[\dX]", value):
        raise DocumentError("resident_format", "a resident ID number has 18 characters: 17 digits and a digit or X")
    try:
        birth = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        birth = None
    # digits 1-6: a GB/T 2260 code of any revision (regions.py), or 810000/820000/830000 on residence permits
    if not regions.is_resident_region(value[:6], birth.year if birth else None):
        raise DocumentError("resident_region", f"region code {value[:6]} does not exist")
    if birth is None:
        raise DocumentError("resident_birth", f"birth date {value[6:14]} does not exist")
    today = today or date.today()
    if birth.year < 1900 or birth > today:
        raise DocumentError("resident_birth", f"birth date {value[6:14]} is impossible")
    if check_character(value[:17]) != value[17]:
        raise DocumentError("resident_check", "the check digit (the last character) does not match")
    return Document("resident", value, birth)


def parse_document(id_type: str, number: str, today: date | None = None) -> Document:
    """Validate a document of any accepted type (see the module docstring)."""
    if id_type not in ID_TYPES:
        raise DocumentError("id_type", f"document type must be one of {', '.join(ID_TYPES)}")
    if not str(number or "").strip():
        raise DocumentError("missing", "a document number is required")
    if id_type == "resident":
        return parse_resident(number, today)
    value = normalise(number)
    if len(value) > 20 or not _PATTERNS[id_type].fullmatch(value):
        raise DocumentError(f"{id_type}_format", f"not a valid {id_type} number")
    return Document(id_type, value)


def normalise_phone(phone: str) -> str:
    """A mainland mobile number (``13812345678``, ``+86 138 1234 5678``) or an international one (``+852 ...``)."""
    value = re.sub(r"[\s\-()]", "", str(phone or ""))
    if value.startswith("+86"):
        value = value[3:]
    elif value.startswith("0086"):
        value = value[4:]
    if re.fullmatch(r"1[3-9]\d{9}", value):
        return value
    if re.fullmatch(r"(?:\+|00)[1-9]\d{6,14}", value):
        return "+" + value.lstrip("+").removeprefix("00")
    raise DocumentError("phone", "a mobile number has 11 digits starting with 1, or + and a country code")


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
