"""What the search surfaces show: a still picture for every kind of media, facet values in the
page's language, and facets folded away on phones."""
import re

import pytest

from exhibits.models import Item
from exhibits.settings import Settings
from search.documents import facet_label_terms, parse_label_term
from search.sync import rebuild_from_catalogue
from viewer.runtime import Runtime

from .conftest import build_catalogue, lm


@pytest.fixture(scope="module")
def rt(tmp_path_factory):
    runtime = Runtime(Settings(home=tmp_path_factory.mktemp("home")).resolved())
    build_catalogue(runtime.db)
    with runtime.db.session() as s:
        item = s.get(Item, "tl-001")
        item.object_type = "鼎"
        item.metadata_ = dict(item.metadata_, object_type=lm("鼎", "ding"))
    rebuild_from_catalogue(runtime.db, runtime.index)
    yield runtime
    runtime.close()


@pytest.fixture(scope="module")
def client(rt):
    from viewer.app import create_app

    return create_app(runtime=rt, TESTING=True).test_client()


def sha(item, kind):
    return f"{item}-{kind}".ljust(64, "0")[:64]


def api_hits(client, q):
    return {h["id"]: h for h in client.get(f"/api/search?q={q}&per_page=100").get_json()["hits"]}


def test_every_media_kind_has_a_still(client):
    hits = api_hits(client, "*")
    # photos keep their IIIF image id, and get a URL too
    assert hits["tl-001"]["thumbnail"] == sha("tl-001", "image")
    assert hits["tl-001"]["thumbnail_url"] == f"http://localhost/iiif/3/{sha('tl-001', 'image')}/full/400,/0/default.jpg"
    # a video's poster, an audio recording's waveform (as in the IIIF manifest's thumbnail)
    assert hits["ich-001"]["thumbnail"] is None
    assert hits["ich-001"]["thumbnail_url"] == f"http://localhost/media/{sha('ich-001', 'video')}/poster.jpg"
    assert hits["ich-003"]["thumbnail_url"] == f"http://localhost/media/{sha('ich-003', 'audio')}/waveform.png"
    assert hits["tl-007"]["thumbnail"] is None and hits["tl-007"]["thumbnail_url"] is None  # no media


def test_the_page_shows_the_stills(client):
    html = client.get("/search?q=牛歌").get_data(as_text=True)
    assert f'src="/media/{sha("ich-003", "audio")}/waveform.png"' in html


def test_a_3d_model_still(rt):
    from search.documents import still_url

    with rt.db.session() as s:
        item = s.get(Item, "tl-001")
        model = next(a for a in item.assets if a.kind == "model")
        item.assets.remove(next(a for a in item.assets if a.kind == "image"))
        s.flush()
        assert still_url(item) == f"/media/{model.sha256}/thumbnail.jpg"
        s.rollback()


def test_facet_values_carry_labels_and_keep_their_values(client):
    facets = client.get("/api/search?q=*").get_json()["facets"]
    material = {f["value"]: f for f in facets["material"]}
    assert material["青铜"]["label"] == {"zh": ["青铜"], "en": ["bronze"]}
    assert {f["value"]: f.get("label") for f in facets["object_type"]}["鼎"] == {"zh": ["鼎"], "en": ["ding"]}
    assert {f["value"]: f.get("label") for f in facets["period"]}["商"] == {"zh": ["商"], "en": ["Shang"]}
    assert {f["value"]: f.get("label") for f in facets["period"]}["春秋"]["en"] == ["Spring and Autumn"]
    # a controlled value is labelled from the vocabulary (vessel → 容器); a value nobody translates has no label
    assert {f["value"]: f.get("label") for f in facets["object_type"]}["容器"] == {"zh": ["容器"], "en": ["vessel"]}
    assert "label" not in {f["value"]: f for f in facets["object_type"]}["ich"]


def test_the_english_page_shows_labels_and_filters_by_value(client):
    html = client.get("/search?q=*&lang=en").get_data(as_text=True)
    assert ">\n                bronze</a>" in html and "material=%E9%9D%92%E9%93%9C" in html
    assert ">\n                ding</a>" in html and ">\n                Western Zhou</a>" in html
    zh = client.get("/search?q=*&lang=zh").get_data(as_text=True)
    assert ">\n                青铜</a>" in zh
    chosen = client.get("/search?q=*&lang=en&material=青铜").get_data(as_text=True)
    visible_text = re.sub(r"<[^>]+>", "", chosen)
    assert "Remove filter: Material: bronze ✕" in visible_text


def test_facets_fold_on_phones(client):
    html = client.get("/search?q=青铜").get_data(as_text=True)
    assert '<details class="facets-box" id="search-facets" open>' in html
    # the folding script is a file (the CSP allows no inline script), loaded right after the facets
    assert html.index('id="search-facets"') < html.index("/static/search.js") < html.index('class="results"')
    assert "matchMedia('(min-width: 760px)')" in client.get("/static/search.js").get_data(as_text=True)


def test_openapi_documents_the_additions(client):
    schemas = client.get("/api/openapi.json").get_json()["components"]["schemas"]
    assert "thumbnail_url" in schemas["Hit"]["properties"] and "thumbnail" in schemas["Hit"]["properties"]
    assert "label" in schemas["FacetValue"]["properties"]
    assert schemas["FacetValue"]["required"] == ["value", "count"]


def test_label_terms_round_trip():
    doc = {"object_type": "鏡", "object_type_label": lm("鏡", "mirror"), "material": lm(["青铜", "金, 银"], ["bronze", "gold, silver"])}
    terms = [parse_label_term(t) for t in facet_label_terms(doc)]
    assert ("material", "金  银", "en", "gold, silver") in terms and ("material", "青铜", "en", "bronze") in terms
    assert all(" " not in t.split(" ", 3)[0] for t in facet_label_terms(doc))


def test_elasticsearch_results_carry_the_labels_too():
    from search.documents import label_term
    from search.es_backend import results_from_response, search_body
    from search.query import parse_query

    query = parse_query("*")
    assert search_body(query)["aggs"]["facet_labels"] == {"terms": {"field": "facet_label", "size": 300}}
    response = {"hits": {"total": {"value": 0}, "hits": []}, "aggregations": {
        "material": {"buckets": [{"key": "青铜", "doc_count": 2}]},
        "period": {"buckets": [{"key": "西周", "doc_count": 1}]},
        "facet_labels": {"buckets": [{"key": label_term("material", "青铜", "en", "bronze"), "doc_count": 2}]}}}
    facets = results_from_response(query, response).facets
    assert facets["material"] == [{"value": "青铜", "count": 2, "label": {"zh": ["青铜"], "en": ["bronze"]}}]
    assert facets["period"] == [{"value": "西周", "count": 1, "label": {"zh": ["西周"], "en": ["Western Zhou"]}}]


def test_two_values_with_one_translation_are_told_apart(rt, client):
    with rt.db.session() as s:
        item = s.get(Item, "tl-002")
        item.object_type = "簋"
        item.metadata_ = dict(item.metadata_, object_type=lm("簋", "ding"))
    from search.sync import reindex_items

    reindex_items(rt.db, rt.index, ["tl-002"])
    html = client.get("/search?q=*&lang=en").get_data(as_text=True)
    assert "ding (鼎)</a>" in html and "ding (簋)</a>" in html
