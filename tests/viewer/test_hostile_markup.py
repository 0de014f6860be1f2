"""Hostile markup in every field of a record and in museum, hall and section names: every page type escapes it.

Each page is parsed as a browser would (lxml's HTML parser) and must contain no element the payload could
inject (a ``<script>`` running ``alert``, an ``<img>`` with an ``onerror``, any ``on*`` attribute), no
evaluated template expression, and must still show the payload as text, so the check cannot pass on a page
that simply left the value out.
"""
from __future__ import annotations

import csv
import json

import lxml.etree
import lxml.html
import pytest

from exhibits.halls import load_halls
from exhibits.profile import CSV_COLUMNS, ICH_COLUMNS
from ingest.batch import ingest_batch
from tests.support.media import make_photo
from tests.support.qr import decode_svg

#: A script element, an attribute breakout with an event handler, and a Jinja expression (7*'7' → 7777777).
PAYLOAD = """<script>alert(1)</script>"><img src=x onerror=alert(2)>'{{7*'7'}}"""
EVALUATED = "7777777"


def hostile(label: str) -> str:
    return f"{label} {PAYLOAD}"


HALLS = {
    "museums": [{
        "slug": "evil", "title": {"zh": hostile("馆"), "en": hostile("museum")},
        "summary": {"zh": hostile("馆简介"), "en": hostile("museum summary")},
        "halls": [{
            "slug": "hall", "title": {"zh": hostile("厅"), "en": hostile("hall")},
            "summary": {"zh": hostile("厅简介"), "en": hostile("hall summary")},
            "sections": [{"slug": "sec", "title": {"zh": hostile("单元"), "en": hostile("section")},
                          "summary": {"zh": hostile("单元简介"), "en": hostile("section summary")}}],
        }],
    }],
}
#: Columns that must keep their meaning for the row to be ingested (ids, places, numbers, the file list).
STRUCTURAL = {"id", "museum", "hall", "section", "files", "date_start", "date_end", "rights"}


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    """One catalogue for the whole module (SQLite): a museum, hall and section, a record with media, one without."""
    from exhibits.settings import Settings
    from viewer.runtime import Runtime

    tmp_path = tmp_path_factory.mktemp("hostile")
    home = tmp_path / "home"
    home.mkdir()
    runtime = Runtime(Settings(home=home, base_url="http://museum.test",
                               database_url=f"sqlite:///{home / 'catalogue.sqlite3'}").resolved())
    halls = tmp_path / "halls.yaml"
    halls.write_text(json.dumps(HALLS, ensure_ascii=False), encoding="utf-8")  # JSON is YAML
    load_halls(runtime.db, halls)
    folder = tmp_path / "batch"
    make_photo(folder / "x.jpg", 640, 480)
    columns = list(CSV_COLUMNS) + list(ICH_COLUMNS) + ["material_en", "period_en", "notes"]
    values = {name: hostile(name) for name in columns}
    values.update(id="x1", museum="evil", hall="hall", section="sec", files="x.jpg", date_start="-206",
                  date_end="8", rights="CC BY 4.0")
    second = dict(values, id="x2", files="")  # a record without media (placeholder card and page)
    with (folder / "batch.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        writer.writerow(values)
        writer.writerow(second)
    results = list(ingest_batch(runtime, metadata=folder / "batch.csv"))
    assert [r.status for r in results] == ["ingested", "ingested"], results
    yield runtime
    runtime.close()


@pytest.fixture(scope="module")
def hostile_client(hostile_site):
    from viewer.app import create_app

    return create_app(runtime=hostile_site, TESTING=True).test_client()


def _json_data(element) -> bool:
    """A JSON-LD block whose whole text is JSON with no raw '<' (the payload stayed a string inside it)."""
    if element.get("type") != "application/ld+json" or "<" in (element.text or ""):
        return False
    try:
        json.loads(element.text)
    except ValueError:
        return False
    return True


def injected(html: str) -> list[str]:
    """What the payload managed to inject into a parsed page."""
    found = []
    doc = lxml.html.document_fromstring(html)
    for element in doc.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag == "script" and "alert(" in (element.text or "") and not _json_data(element):
            found.append(f"<script>{element.text}")
        if element.tag == "img" and element.get("src") == "x":
            found.append("<img src=x>")
        found += [f"<{element.tag} {name}=…>" for name in element.attrib if name.lower().startswith("on")]
    if EVALUATED in html:
        found.append(f"{{{{7*'7'}}}} evaluated to {EVALUATED}")
    return found


def shown_as_text(html: str) -> bool:
    """The payload is on the page as text (escaped), not dropped."""
    text = lxml.html.document_fromstring(html).text_content()
    return "<script>alert(1)</script>" in text and "onerror=alert(2)>" in text


PAGES = [
    "/", "/museums/evil", "/museums/evil/halls/hall", "/museums/evil/halls/hall/sections/sec", "/items/x1",
    "/items/x2", "/search?q=x1", "/search?q=alert", "/search?q=" + PAYLOAD, "/search?material=" + PAYLOAD,
]


@pytest.mark.parametrize("lang", ["zh", "en", "zh-Hant"])
@pytest.mark.parametrize("path", PAGES)
def test_every_page_type_escapes_hostile_values(hostile_client, path, lang):
    joiner = "&" if "?" in path else "?"
    response = hostile_client.get(f"{path}{joiner}lang={lang}")
    assert response.status_code in (200, 400), path
    html = response.get_data(as_text=True)
    assert injected(html) == [], path
    assert shown_as_text(html), f"{path}: the hostile value is not shown at all"


@pytest.mark.parametrize("path", ["/nowhere/" + PAYLOAD, "/items/" + PAYLOAD, "/mirador?manifest=" + PAYLOAD])
def test_error_and_viewer_pages_escape_what_the_address_says(hostile_client, path):
    html = hostile_client.get(path).get_data(as_text=True)
    assert injected(html) == [], path


def _strings(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, str):
        yield value


@pytest.mark.parametrize("path", [
    "/iiif/items/x1/manifest", "/iiif/items/x2/manifest", "/iiif/museums/evil/collection",
    "/iiif/halls/hall/collection", "/api/items/x1", "/api/search?q=x1",
])
def test_json_documents_carry_the_values_unchanged(hostile_client, path):
    """JSON is no HTML: the values must come back exactly as catalogued, in a JSON media type, never as HTML."""
    response = hostile_client.get(path)
    assert response.status_code == 200 and response.mimetype in ("application/json", "application/ld+json"), path
    values = list(_strings(response.get_json()))
    assert any(PAYLOAD in v for v in values), path
    assert not any("&lt;script" in v for v in values), f"{path}: values are HTML-escaped inside JSON"


def test_qr_code_of_a_hostile_item_is_clean_svg(hostile_client):
    svg = hostile_client.get("/items/x1/qr.svg").get_data()
    root = lxml.etree.fromstring(svg)
    assert not [el for el in root.iter() if isinstance(el.tag, str) and el.tag.endswith("script")]
    assert decode_svg(svg) == ["http://museum.test/items/x1"]


