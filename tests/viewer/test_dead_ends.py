"""Dead ends (issue 13): error pages in the page's language with a way on; a Mirador with nothing to show explains."""
from __future__ import annotations

import lxml.html
import pytest
from sqlalchemy import text

from tests.support.media_items import ingest_media_items


@pytest.mark.parametrize("lang, heading, search_label", [
    ("zh", "找不到页面", "搜索馆藏"), ("en", "Page not found", "Search the collections"), ("zh-Hant", "找不到頁面", "館藏"),
])
def test_the_404_page_speaks_the_pages_language_with_a_search_box_museums_and_home(client, lang, heading, search_label):
    answer = client.get(f"/no/such/page?lang={lang}")
    assert answer.status_code == 404 and answer.mimetype == "text/html"
    doc = lxml.html.document_fromstring(answer.get_data(as_text=True))
    assert doc.get("lang") == {"zh": "zh-Hans", "en": "en", "zh-Hant": "zh-Hant"}[lang]
    assert heading in doc.findtext(".//h1")
    form = doc.cssselect("form.error-search")[0]
    assert form.get("action") == "/search" and form.cssselect("input[name=q]")
    assert search_label in form.text_content()
    assert doc.cssselect("header.site-header") and doc.cssselect("footer.site-footer")  # the site's layout
    assert [a.get("href") for a in doc.cssselect(".error-museums a")] == ["/museums/copper", "/museums/ich"]
    assert doc.cssselect("a.home-link")[0].get("href") == "/"
    assert "requested URL was not found" not in answer.get_data(as_text=True)  # not the framework's English


def test_a_views_own_reason_is_shown_under_the_message(client):
    answer = client.get("/mirador?manifest=javascript:alert(1)&lang=zh")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400 and "请求无法识别" in page and "manifest must be a path on this site" in page


def test_json_errors_stay_json(client):
    for path in ("/api/items/nothing", "/iiif/items/nothing/manifest", "/curator/api/items/nothing"):
        answer = client.get(path)
        assert answer.status_code in (401, 404) and answer.is_json, path


def test_a_server_error_shows_the_site_layout_not_a_traceback(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/boom-for-test")
    def _boom():
        raise RuntimeError("secret internals")

    answer = client.get("/boom-for-test?lang=en")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 500 and "Something went wrong" in page and "secret internals" not in page
    assert 'class="error-search"' in page


def test_the_error_page_renders_even_when_the_catalogue_is_gone(app, museum_runtime):
    with museum_runtime.db.engine.begin() as connection:
        connection.execute(text("DROP TABLE site"))
    answer = app.test_client().get("/no/such/page?lang=en")
    assert answer.status_code == 404 and "Digital Museum" in answer.get_data(as_text=True)


@pytest.mark.parametrize("lang, words", [("zh", "无法识别"), ("en", "could not be understood")])
def test_400_page_in_each_language(client, lang, words):
    answer = client.get(f"/mirador?manifest=//evil.example/m.json&lang={lang}")
    assert answer.status_code == 400 and words in answer.get_data(as_text=True)


@pytest.fixture
def media(ingested, museum_runtime, tmp_path):
    ingest_media_items(museum_runtime, tmp_path / "media")


@pytest.mark.parametrize("item, status, says", [
    ("media-ding", 200, "is a 3D model"),
    ("cu-record", 200, "has no photograph, video or audio"),
    ("cu-draft", 404, "is not on view"),
    ("nothing-at-all", 404, "is not on view"),
])
def test_mirador_explains_what_it_cannot_show_and_links_back(client, media, item, status, says):
    answer = client.get(f"/mirador?manifest=/iiif/items/{item}/manifest&lang=en")
    page = answer.get_data(as_text=True)
    assert answer.status_code == status and says in page
    assert 'id="mirador"' not in page and "mirador.min.js" not in page
    if status == 200:
        assert f'class="back-to-item" href="/items/{item}"' in page


def test_mirador_still_opens_what_it_can_show(client, media):
    for manifest in ("/iiif/items/cu-ding/manifest", "http://museum.test/iiif/items/media-carving/manifest",
                     "https://iiif.example.org/m.json", "/iiif/halls/mirrors/collection"):
        page = client.get("/mirador", query_string={"manifest": manifest}).get_data(as_text=True)
        assert 'id="mirador"' in page, manifest
    empty = client.get("/mirador?lang=en").get_data(as_text=True)
    assert "Nothing to open" in empty and 'id="mirador"' not in empty
