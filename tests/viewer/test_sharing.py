"""Sharing (issue 13, part 6): share cards, schema.org JSON-LD that cannot break out, the embeddable viewer."""
from __future__ import annotations

import json
import re

import lxml.html
import pytest

from ingest.batch import ingest_batch
from tests.support.media import make_photo

HEADER = "id,museum,hall,section,title_zh,title_en,description_en,accession_number,material,material_en,rights,files,date_start,date_end\n"
ROW = ('cu-evil,copper,mirrors,,"镜</script><script>alert(1)</script>","Mirror </script><script>alert(2)</script> & \'quotes\'",'
       '"A <b>bold</b> description",TL-9,青铜,bronze,CC BY 4.0,images/mirror.jpg,1100,1200\n')


@pytest.fixture
def evil(museum_runtime, tmp_path):
    make_photo(tmp_path / "images" / "mirror.jpg", 2400, 1600)
    (tmp_path / "batch.csv").write_text(HEADER + ROW, encoding="utf-8")
    assert all(r.status == "ingested" for r in ingest_batch(museum_runtime, metadata=tmp_path / "batch.csv"))
    return museum_runtime


def _jsonld(html: str) -> list[dict]:
    doc = lxml.html.document_fromstring(html)
    return [json.loads(s.text) for s in doc.iter("script") if s.get("type") == "application/ld+json"]


def test_json_ld_keeps_a_script_closing_title_inside_the_data(client, evil):
    answer = client.get("/items/cu-evil?lang=en")
    html = answer.get_data(as_text=True)
    doc = lxml.html.document_fromstring(html)
    scripts = list(doc.iter("script"))
    assert not any("alert(" in (s.text or "") and s.get("type") != "application/ld+json" for s in scripts)
    blocks = _jsonld(html)
    assert len(blocks) == 1
    data = blocks[0]
    assert data["@type"] == "VisualArtwork" and data["@context"] == "https://schema.org"
    assert data["name"] == "Mirror </script><script>alert(2)</script> & 'quotes'"
    assert "镜</script><script>alert(1)</script>" in data["alternateName"]
    assert data["identifier"] == "TL-9" and data["artMedium"] == "bronze" and data["dateCreated"] == "1100/1200"
    assert data["license"] == "http://creativecommons.org/licenses/by/4.0/"
    assert data["url"] == "http://museum.test/items/cu-evil"
    nonce = re.search(r'<script type="application/ld\+json" nonce="([^"]+)">', html).group(1)
    assert f"'nonce-{nonce}'" in answer.headers["Content-Security-Policy"]  # the CSP lets this one block run


def test_share_cards_carry_an_absolute_1200px_image(client, evil):
    html = client.get("/items/cu-evil?lang=en").get_data(as_text=True)
    meta = {m.get("property") or m.get("name"): m.get("content") for m in lxml.html.document_fromstring(html).iter("meta")}
    assert re.fullmatch(r"http://museum\.test/iiif/3/[0-9a-f]{64}/full/!1200,1200/0/default\.jpg", meta["og:image"])
    assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "800")
    assert meta["twitter:card"] == "summary_large_image" and meta["twitter:image"] == meta["og:image"]
    assert meta["og:title"] == "Mirror </script><script>alert(2)</script> & 'quotes'"
    assert meta["og:url"] == "http://museum.test/items/cu-evil?lang=en" and meta["og:locale"] == "en_US"
    image = client.get(meta["og:image"].replace("http://museum.test", ""))
    assert image.status_code == 200 and image.mimetype == "image/jpeg"
    for page in ("/museums/copper/halls/mirrors", "/museums/copper", "/"):
        found = re.search(r'<meta property="og:image" content="([^"]+)">', client.get(page).get_data(as_text=True))
        assert found and found.group(1) == meta["og:image"], page


def test_the_embed_page_may_be_framed_by_any_site_and_no_other_page_may(client, evil):
    embed = client.get("/items/cu-evil/embed?lang=zh")
    assert embed.status_code == 200
    policy = embed.headers["Content-Security-Policy"]
    assert "frame-ancestors *" in policy and "X-Frame-Options" not in embed.headers
    html = embed.get_data(as_text=True)
    assert 'id="deepzoom"' in html and 'href="http://museum.test/items/cu-evil"' in html
    assert 'class="site-header"' not in html  # a bare viewer, no site chrome
    for path in ("/items/cu-evil", "/", "/people", "/about", "/items/cu-evil/embed/../qr.svg"):
        answer = client.get(path)
        assert "frame-ancestors 'self'" in answer.headers["Content-Security-Policy"], path
    assert client.get("/items/nothing/embed").status_code == 404


def test_the_item_page_offers_the_embed_snippet(client, evil):
    html = client.get("/items/cu-evil?lang=en").get_data(as_text=True)
    snippet = lxml.html.document_fromstring(html).get_element_by_id("embed-code").text_content()
    frame = lxml.html.fragment_fromstring(snippet)
    assert frame.tag == "iframe" and frame.get("src") == "http://museum.test/items/cu-evil/embed"
    assert frame.get("title") == "Mirror </script><script>alert(2)</script> & 'quotes'"
