"""What visitors type: hall and type names in both languages, controlled values with variants,
captions of a video without a transcript, and suggestions when nothing matches."""
import pytest

from exhibits.models import Asset, Item
from exhibits.settings import Settings
from search.query import parse_query
from search.sync import rebuild_from_catalogue
from viewer.runtime import Runtime

from .conftest import build_catalogue, lm

CAPTIONS = [{"start": 0.0, "end": 3.0, "text": "这是牛歌的开头"}, {"start": 12.5, "end": 16.0, "text": "农夫扶犁吆喝耕牛"}]


@pytest.fixture(scope="module")
def rt(tmp_path_factory):
    runtime = Runtime(Settings(home=tmp_path_factory.mktemp("home")).resolved())
    build_catalogue(runtime.db)
    with runtime.db.session() as s:
        mirror = s.get(Item, "tl-005")  # the type written as catalogues do: 镜, not 铜镜 or mirror
        mirror.object_type = "镜"
        mirror.metadata_ = dict(mirror.metadata_, object_type=lm("镜"))
        song = s.get(Item, "ich-003")  # a video with captions and no transcript
        song.assets.append(Asset(sha256="c" * 64, kind="captions", role="captions", mime="text/vtt",
                                 filename="song.zh.vtt", size=1, language="zh", info={"cues": CAPTIONS}, position=5))
    rebuild_from_catalogue(runtime.db, runtime.index)
    yield runtime
    runtime.close()


@pytest.fixture(scope="module")
def client(rt):
    from viewer.app import create_app

    app = create_app(runtime=rt, TESTING=True)
    return app.test_client()


def ids(rt, q, **filters):
    return {h.id for h in rt.index.search(parse_query(q, filters, per_page=50)).hits}


PAINTINGS = {"art-001", "art-002", "art-003", "art-004", "art-005"}


def test_hall_names_find_their_works_in_both_languages(rt):
    assert ids(rt, "书画") == PAINTINGS
    assert ids(rt, "painting") >= PAINTINGS
    assert ids(rt, "Traditional Crafts") == {"ich-001", "ich-002", "ich-003", "ich-004"}
    assert ids(rt, "非遗馆") == {"ich-001", "ich-002", "ich-003", "ich-004"}  # a museum's name


def test_a_type_written_as_a_variant_is_found_by_every_name(rt):
    for q in ("铜镜", "镜", "mirror", "bronze mirror", "镜子", "铜鑑"):
        assert "tl-005" in ids(rt, q), q
    assert ids(rt, "object_type:铜镜") == ids(rt, "object_type:镜") == ids(rt, "object_type:mirror") == {
        "tl-005", "tl-006", "tl-009"}


def test_variants_of_a_controlled_value_are_one_facet_value(rt):
    facets = rt.index.search(parse_query("*", per_page=1)).facets
    types = {f["value"]: f for f in facets["object_type"]}
    assert types["铜镜"]["count"] == 3 and "镜" not in types and "mirror" not in types
    assert types["铜镜"]["label"]["en"] == ["mirror"]
    assert ids(rt, "*", object_type=["镜"]) == ids(rt, "*", object_type=["mirror"]) == {"tl-005", "tl-006", "tl-009"}


def test_materials_in_both_languages(rt):
    bronze = {"tl-001", "tl-002", "tl-003", "tl-004", "tl-005", "tl-006", "tl-007", "tl-011"}
    assert bronze <= ids(rt, "copper alloy")
    assert ids(rt, "material:bronze") == bronze
    assert ids(rt, "material:青铜") == bronze


def test_captions_of_a_video_without_transcript_are_searchable_with_the_moment(rt, client):
    assert ids(rt, "吆喝") == {"ich-003"}
    data = client.get("/api/search?q=吆喝").get_json()
    hit = data["hits"][0]
    assert hit["id"] == "ich-003" and any(h.get("start") == 12.5 for h in hit["highlights"])
    html = client.get("/search?q=吆喝").get_data(as_text=True)
    assert "/items/ich-003?t=12.5" in html


def test_a_transcript_is_preferred_to_captions(rt):
    # ich-001 has a transcript; its words are found (the captions, if any, are not indexed twice)
    assert ids(rt, "祖传") == {"ich-001"}


def test_zero_hits_get_suggestions_that_find_something(client):
    data = client.get("/api/search?q=青铜 独角兽").get_json()
    assert data["total"] == 0
    sg = data["suggestions"]
    assert {"q": "青铜", "total": 11, "why": "fewer words"} in sg["queries"]
    assert all(s["total"] > 0 for s in sg["queries"])
    assert sg["facets"]["period"] and sg["halls"]
    assert {h["value"] for h in sg["halls"]} >= {"bronze-vessels"}


@pytest.mark.parametrize("typed,expected", [
    ("qintong", "青铜"),       # pinyin with a typo
    ("mirorr", "mirror"),      # English with a typo
    ("山水畫卷", "山水画"),     # traditional characters, a word the catalogue does not have
    ("青同", "青铜"),          # a homophone picked by the input method
])
def test_suggestions_correct_what_was_typed(client, typed, expected):
    data = client.get(f"/api/search?q={typed}").get_json()
    assert data["total"] == 0
    assert expected in [s["q"] for s in data["suggestions"]["queries"]], data["suggestions"]["queries"]


def test_nothing_found_still_offers_halls(client):
    data = client.get("/api/search?q=独角兽").get_json()
    assert data["total"] == 0 and data["suggestions"]["queries"] == []
    assert len(data["suggestions"]["halls"]) == 4


def test_results_with_hits_carry_no_suggestions(client):
    assert "suggestions" not in client.get("/api/search?q=青铜").get_json()


def test_the_search_page_shows_suggestions_as_links(client):
    html = client.get("/search?q=青铜 独角兽&lang=en").get_data(as_text=True)
    assert 'class="suggestions"' in html and "Try:" in html
    assert "?q=%E9%9D%92%E9%93%9C" in html  # the link to 青铜
    assert "hall=mirrors" in html and "Mirrors" in html
    hostile = client.get('/search?q=<script>x</script>独角兽').get_data(as_text=True)
    assert "<script>x</script>" not in hostile


def test_a_long_zero_hit_query_costs_a_bounded_number_of_searches(rt):
    from search import suggest

    calls = []

    class Counting:
        def search(self, query, lang=None):
            calls.append(query.text)
            return rt.index.search(query, lang=lang)

    words = " ".join(f"独角兽{i}" for i in range(30))
    suggest.search_with_suggestions(Counting(), parse_query(words), {})
    assert len(calls) <= suggest.MAX_ATTEMPTS + 3
