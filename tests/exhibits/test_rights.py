"""Rights values as curators write them map to the exact URI IIIF's ``rights`` requires."""
from __future__ import annotations

import pytest

from exhibits.rights import rights_uri

RS = "http://rightsstatements.org/vocab/{}/1.0/"


@pytest.mark.parametrize("text, uri", [
    ("CC BY 4.0", "http://creativecommons.org/licenses/by/4.0/"),
    ("CC BY-NC 4.0", "http://creativecommons.org/licenses/by-nc/4.0/"),
    ("cc by-nc-sa", "http://creativecommons.org/licenses/by-nc-sa/4.0/"),
    ("CC BY-ND 3.0", "http://creativecommons.org/licenses/by-nd/3.0/"),
    ("CC0", "http://creativecommons.org/publicdomain/zero/1.0/"),
    ("Public Domain", "http://creativecommons.org/publicdomain/mark/1.0/"),
    ("In Copyright", RS.format("InC")),
    ("in copyright - educational use permitted", RS.format("InC-EDU")),
    ("In Copyright - Non-Commercial Use Permitted", RS.format("InC-NC")),
    ("In Copyright - EU Orphan Work", RS.format("InC-OW-EU")),
    ("In Copyright - Rights-holder(s) Unlocatable or Unidentifiable", RS.format("InC-RUU")),
    ("No Copyright - Contractual Restrictions", RS.format("NoC-CR")),
    ("No Copyright - Non-Commercial Use Only", RS.format("NoC-NC")),
    ("No Copyright - Other Known Legal Restrictions", RS.format("NoC-OKLR")),
    ("No Copyright - United States", RS.format("NoC-US")),
    ("Copyright Not Evaluated", RS.format("CNE")),
    ("Copyright Undetermined", RS.format("UND")),
    ("No Known Copyright", RS.format("NKC")),
    ("  InC-EDU ", RS.format("InC-EDU")),
    ("https://rightsstatements.org/vocab/InC/1.0/", RS.format("InC")),
])
def test_rights_names_map_to_their_uri(text, uri):
    assert rights_uri(text) == uri


@pytest.mark.parametrize("text", ["", None, "All rights reserved by the museum", "CC XY 4.0", "http://example.com/licence"])
def test_anything_else_has_no_uri(text):
    assert rights_uri(text) is None
