"""The search page, the JSON API, the OpenAPI document and the CLI commands."""
import json

import pytest
from click.testing import CliRunner

from exhibits.models import Item
from exhibits.settings import Settings
from search.sync import rebuild_from_catalogue
from viewer.runtime import Runtime

from .conftest import build_catalogue, lm


@pytest.fixture(scope="module")
def rt(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    runtime = Runtime(Settings(home=home).resolved())
    build_catalogue(runtime.db)
    with runtime.db.session() as s:  # a title that must be escaped on the page
        s.get(Item, "art-005").title = lm("民国<script>alert(1)</script>月份牌", "Poster <b>x</b>")
    rebuild_from_catalogue(runtime.db, runtime.index)
    yield runtime
    runtime.close()


@pytest.fixture(scope="module")
def client(rt):
    from viewer.app import create_app

    app = create_app(runtime=rt, TESTING=True)
    return app.test_client()


def test_api_search(client):
    r = client.get("/api/search?q=青铜&museum=copper&page=1&per_page=5")
    assert r.status_code == 200
    data = r.get_json()
    assert set(data) == {"total", "page", "per_page", "hits", "facets"}
    # 8 bronzes, the mirror tl-009 (a 铜镜 is a bronze mirror) and the two other works of the hall 青铜容器
    assert data["total"] == 11 and data["per_page"] == 5 and len(data["hits"]) == 5
    assert data["facets"]["museum"] == [{"value": "copper", "count": 11}]


@pytest.mark.parametrize("qs", ["q=%22open", "q=(a", "per_page=101", "page=0", "q=" + "x" * 10000, "sort=nope", "q=foo:bar"])
def test_api_search_bad_input_is_400_json(client, qs):
    r = client.get("/api/search?" + qs)
    assert r.status_code == 400
    body = r.get_json()
    assert body["status"] == 400 and body["message"]


def test_api_item_and_openapi(client):
    r = client.get("/api/items/tl-001")
    assert r.status_code == 200 and r.get_json()["title"]["zh"] == ["兽面纹青铜鼎"]
    assert client.get("/api/items/tl-901").status_code == 404  # not published
    doc = client.get("/api/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")
    assert {"/api/search", "/api/items/{item}"} <= set(doc["paths"])
    params = {p["name"] for p in doc["paths"]["/api/search"]["get"]["parameters"]}
    assert {"q", "page", "per_page", "sort", "museum", "has_3d"} <= params


def test_search_page(client):
    r = client.get("/search?q=青铜&lang=zh")
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "<mark>青铜</mark>" in html
    assert 'name="q" type="search" value="青铜"' in html  # the query stays in the URL/form
    assert "/search?q=%E9%9D%92%E9%93%9C&amp;lang=zh&amp;museum=copper" in html  # facets are links
    assert "date:-1046..-771" in html  # query-language help
    assert "search.css" in html


def test_page_escapes_titles_snippets_and_facet_values(client):
    html = client.get("/search?q=民国&lang=zh").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    html = client.get("/search?q=民国&lang=en").get_data(as_text=True)
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html
    html = client.get('/search?q=x&material=<img src=x onerror=alert(1)>').get_data(as_text=True)
    assert "<img src=x" not in html


def test_page_shows_a_clear_message_for_a_malformed_query(client):
    r = client.get("/search?q=%22unbalanced")
    assert r.status_code == 400
    assert "Unbalanced quote" in r.get_data(as_text=True)


def test_cli_search_and_rebuild(rt, monkeypatch):
    from viewer.commands.search_cmds import index, search

    monkeypatch.setattr("viewer.commands.search_cmds._runtime", lambda: rt)
    runner = CliRunner()
    out = runner.invoke(search, ["青铜", "--json", "--filter", "museum=copper", "--per-page", "3"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["total"] == 11 and len(data["hits"]) == 3
    out = runner.invoke(search, ["qingtong"])
    assert out.exit_code == 0 and "tl-001" in out.output
    out = runner.invoke(search, ['"oops', "--json"])
    assert out.exit_code == 2 and "Unbalanced" in json.loads(out.output)["message"]
    out = runner.invoke(index, ["rebuild"])
    assert out.exit_code == 0 and "indexed 21 items" in out.output
