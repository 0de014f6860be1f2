"""The search page as a visitor uses it: one box, periods in date order, facet values and help in the page's
language; responses that depend on the language say so (Vary)."""
import lxml.html
import pytest

from ingest.batch import ingest_batch

HEADER = "id,museum,hall,section,title_zh,title_en,object_type,period,material,rights,files,ich_category,ich_level\n"
ROWS = [  # counts by period: 明 3, 唐 2, 商 1 (+ cu-ding), 西汉 (cu-mirror)
    "s-ming-1,copper,mirrors,,明镜一,Ming mirror 1,镜,明,青铜,,,,",
    "s-ming-2,copper,mirrors,,明镜二,Ming mirror 2,镜,明,青铜,,,,",
    "s-ming-3,copper,mirrors,,明镜三,Ming mirror 3,镜,明,青铜,,,,",
    "s-tang-1,copper,mirrors,,唐镜一,Tang mirror 1,镜,唐,青铜,,,,",
    "s-tang-2,copper,mirrors,,唐镜二,Tang mirror 2,镜,唐,青铜,,,,",
    "s-paper,ich,crafts,,剪纸,Papercut,剪纸,现代,纸,,,传统美术,省级",
]


@pytest.fixture
def searchable(museum_runtime, ingested, tmp_path):
    path = tmp_path / "more.csv"
    path.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
    assert all(r.status == "ingested" for r in ingest_batch(museum_runtime, metadata=path))


def _doc(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return lxml.html.fromstring(response.get_data(as_text=True))


def _facet(doc, heading):
    for section in doc.cssselect(".facet"):
        if section.cssselect("h2")[0].text_content().strip() == heading:
            return [(a.text_content().strip(), a.getnext().text_content()) for a in section.cssselect("li a")]
    raise AssertionError(f"no facet {heading}")


def test_the_search_page_has_one_search_box(client, searchable):
    doc = _doc(client, "/search?q=镜&lang=en")
    assert len(doc.cssselect('form[role=search]')) == 1 and len(doc.cssselect('input[name=q]')) == 1
    assert doc.cssselect('input[name=q]')[0].get("value") == "镜"
    assert len(_doc(client, "/items/cu-ding").cssselect('form[role=search]')) == 1  # other pages keep the header's


def test_periods_are_listed_by_date_other_facets_by_count(client, searchable):
    doc = _doc(client, "/search?q=*&lang=en")
    periods = [label for label, _ in _facet(doc, "Period")]
    assert periods == ["Shang", "Western Han", "Tang", "Ming", "Modern"]
    materials = _facet(doc, "Material")
    counts = [int(count) for _, count in materials]
    assert counts == sorted(counts, reverse=True) and materials[0][0] == "bronze"


def test_period_order_keeps_the_most_frequent_then_sorts_by_date():
    from search.periods import chronological

    entries = [{"value": "明", "count": 9}, {"value": "某地窖藏", "count": 5}, {"value": "商", "count": 1},
               {"value": "唐", "count": 4}, {"value": "清晚期", "count": 3}]
    assert [e["value"] for e in chronological(entries)] == ["商", "唐", "明", "清晚期", "某地窖藏"]
    assert [e["value"] for e in chronological(entries, limit=3)] == ["唐", "明", "某地窖藏"]


@pytest.mark.parametrize("lang, category, level", [
    ("en", "Traditional fine arts", "Provincial"), ("zh", "传统美术", "省级"), ("zh-Hant", "傳統美術", "省級")])
def test_facet_values_are_in_the_page_language(client, searchable, lang, category, level):
    doc = _doc(client, f"/search?q=*&lang={lang}")
    headings = {"en": ("ICH category", "ICH level"), "zh": ("非遗类别", "非遗级别"), "zh-Hant": ("非遺類別", "非遺級別")}[lang]
    assert [label for label, _ in _facet(doc, headings[0])] == [category]
    assert [label for label, _ in _facet(doc, headings[1])] == [level]


def test_query_help_is_in_the_page_language_not_a_code_block(client, searchable):
    zh = _doc(client, "/search?q=镜&lang=zh")
    help_ = zh.cssselect("details.query-help")[0]
    assert not help_.cssselect("pre")
    assert help_.cssselect("summary")[0].text_content() == "检索说明"
    assert "所有词都须匹配" in help_.text_content() and "words (all must match" not in help_.text_content()
    assert "material:青铜" in [k.text_content() for k in help_.cssselect("kbd")]
    en = _doc(client, "/search?q=镜&lang=en").cssselect("details.query-help")[0]
    assert "All the words must match" in en.text_content()


def test_language_dependent_responses_carry_vary(client, searchable, museum_runtime, tmp_path):
    from tests.support.bookings import load

    load(museum_runtime, tmp_path)
    for path in ("/", "/items/cu-ding", "/search?q=镜", "/api/activities", "/activities.ics"):
        response = client.get(path, headers={"Accept-Language": "en"})
        assert response.status_code == 200, path
        assert {"Accept-Language", "Cookie"} <= set(response.vary.as_set(preserve_casing=True)), (path, response.vary)
    english = client.get("/api/activities", headers={"Accept-Language": "en"}).get_json()
    assert english[0]["url"].endswith("?lang=en")  # the JSON itself depends on the language
    # what is the same in every language is not split by language in shared caches
    for path in ("/iiif/items/cu-ding/manifest", "/static/jinshi.css"):
        response = client.get(path, headers={"Accept-Language": "en"})
        assert "Accept-Language" not in response.headers.get("Vary", ""), path
