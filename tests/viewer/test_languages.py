"""Three interface languages from gettext catalogues (zh, en, zh-Hant) and how a page picks one."""
from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from exhibits import i18n
from exhibits.i18n_catalogues import COMPLETE, load, untranslated

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "N_": None,
            "lazy_gettext": None, "lazy_pgettext": ((1, "c"), 2), "lazy_ngettext": (1, 2)}


def _source_messages() -> set[tuple[str | None, str]]:
    """Every msgid the code and the templates ask for, as ``pybabel extract -F babel.cfg`` finds them."""
    from babel.messages.frontend import parse_mapping_cfg

    with (ROOT / "babel.cfg").open(encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.add((context, msgid))
    return found


def test_every_interface_string_is_in_every_catalogue():
    """A new ``_('…')`` fails here until ``make i18n-update`` (and a translation) adds it to the catalogues."""
    wanted = _source_messages()
    assert ("", "Search") in {(c or "", m) for c, m in wanted}  # the extraction itself works
    for lang in i18n.LANGUAGES:
        catalogue = load(lang)
        missing = sorted(m for c, m in wanted if catalogue.get(m, context=c) is None)
        assert not missing, f"{i18n.po_path(lang)} lacks {missing}: run make i18n-update"


@pytest.mark.parametrize("lang", COMPLETE)
def test_chinese_catalogues_translate_everything(lang):
    assert untranslated(load(lang)) == [], f"untranslated in {i18n.po_path(lang)}"


def test_untranslated_check_sees_an_empty_and_a_fuzzy_entry():
    from babel.messages.catalog import Catalog

    catalogue = Catalog(locale="zh")
    catalogue.add("Search", "搜索")
    catalogue.add("Sort", "")
    catalogue.add("Filters", "筛选", flags=["fuzzy"])
    catalogue.add(("%(num)d item", "%(num)d items"), ("",))
    assert untranslated(catalogue) == ["Sort", "Filters", "%(num)d item"]


def test_zh_hant_catalogue_is_traditional_chinese():
    assert i18n.translate("Description", "zh-Hant") == "簡介"
    assert i18n.translate("Description", "zh") == "简介"
    assert i18n.translate("Description", "en") == "Description"
    assert i18n.translate("Image %(index)d", "zh-Hant", index=3) == "圖 3"


@pytest.mark.parametrize("tag, lang", [
    ("zh-TW", "zh-Hant"), ("zh-HK", "zh-Hant"), ("zh-MO", "zh-Hant"), ("zh-Hant-TW", "zh-Hant"),
    ("zh-CN", "zh"), ("zh-Hans", "zh"), ("zh", "zh"), ("en-GB", "en"), ("fr", None), ("", None),
])
def test_browser_language_tags(tag, lang):
    assert i18n.normalise(tag) == lang


def _html_lang(page) -> str:
    html = page.get_data(as_text=True)
    return html.split('<html lang="', 1)[1].split('"', 1)[0]


@pytest.mark.parametrize("header, lang, html_lang, word", [
    ("zh-TW,zh;q=0.8,en;q=0.5", "zh-Hant", "zh-Hant", "搜尋展品、年代、材質"),
    ("zh-HK", "zh-Hant", "zh-Hant", "搜尋展品、年代、材質"),
    ("zh-CN,zh;q=0.9", "zh", "zh-Hans", "搜索展品、年代、材质"),
    ("en-US,en;q=0.9", "en", "en", "Search objects, periods"),
    ("fr-FR,fr;q=0.9", "zh", "zh-Hans", "搜索展品、年代、材质"),
])
def test_accept_language_picks_the_language(client, header, lang, html_lang, word):
    page = client.get("/", headers={"Accept-Language": header})
    assert _html_lang(page) == html_lang
    assert word in page.get_data(as_text=True)
    assert {"Accept-Language", "Cookie"} <= set(page.vary)


def test_query_beats_cookie_beats_accept_language(client):
    client.get("/?lang=zh-Hant")
    assert _html_lang(client.get("/", headers={"Accept-Language": "en"})) == "zh-Hant"  # the cookie
    assert _html_lang(client.get("/?lang=en", headers={"Accept-Language": "zh-TW"})) == "en"
    assert _html_lang(client.get("/?lang=xx")) == "en"  # an unknown value changes nothing; the cookie stays


def test_zh_hant_page_converts_simplified_content(client, ingested):
    html = client.get("/items/cu-ding?lang=zh-Hant").get_data(as_text=True)
    assert "獸面紋鼎" in html  # the title has no zh-Hant value: converted from zh with OpenCC
    assert "兽面纹鼎" not in html.split("<main", 1)[1]
    assert "<dt>質地</dt>" in html  # the field label, from the zh-Hant catalogue


def test_zh_hant_value_is_preferred_to_conversion():
    assert i18n.pick_with_language({"zh": ["台湾"]}, "zh-Hant") == ("臺灣", "zh-Hant")  # OpenCC s2t
    assert i18n.pick_with_language({"zh": ["台湾"], "zh-Hant": ["台灣"]}, "zh-Hant") == ("台灣", "zh-Hant")
    assert i18n.pick_with_language({"en": ["Mirror"]}, "zh-Hant") == ("Mirror", "en")
    assert i18n.pick_with_language({"none": ["TL-0001"]}, "en") == ("TL-0001", None)


def test_manifest_labels_carry_both_languages(client, ingested):
    manifest = client.get("/iiif/items/cu-ding/manifest").get_json()
    labels = [entry["label"] for entry in manifest["metadata"]]
    assert {"zh": ["质地"], "en": ["Material"]} in labels
    assert {"zh": ["纪年"], "en": ["Date"]} in labels
    assert manifest["requiredStatement"]["label"] == {"zh": ["来源"], "en": ["Attribution"]}
    assert manifest["items"][0]["label"] == {"zh": ["图 1"], "en": ["Image 1"]}


def test_canonical_and_alternates_name_the_language(client, ingested):
    import lxml.html

    doc = lxml.html.document_fromstring(client.get("/items/cu-ding?lang=en").get_data(as_text=True))
    assert doc.xpath("//link[@rel='canonical']/@href") == ["http://museum.test/items/cu-ding?lang=en"]
    alternates = {link.get("hreflang"): link.get("href") for link in doc.xpath("//link[@rel='alternate'][@hreflang]")}
    assert alternates == {
        "zh-Hans": "http://museum.test/items/cu-ding?lang=zh", "en": "http://museum.test/items/cu-ding?lang=en",
        "zh-Hant": "http://museum.test/items/cu-ding?lang=zh-Hant", "x-default": "http://museum.test/items/cu-ding",
    }


def test_language_switch_keeps_the_place(client, ingested):
    import lxml.html
    from urllib.parse import parse_qs, urlsplit

    html = client.get("/search?q=鼎&material=青铜&page=1&lang=en").get_data(as_text=True)
    doc = lxml.html.document_fromstring(html)
    links = {a.get("hreflang"): a.get("href") for a in doc.xpath("//nav[@class='lang']//a")}
    assert set(links) == {"zh", "zh-Hant"}  # the current language is shown, not linked
    for code, href in links.items():
        target = urlsplit(href)
        assert target.path == "/search"
        assert parse_qs(target.query) == {"q": ["鼎"], "material": ["青铜"], "page": ["1"], "lang": [code]}


def test_values_carry_the_language_they_are_in(client, ingested):
    html = client.get("/items/cu-ding?lang=en").get_data(as_text=True)
    assert '<dd><span lang="zh-Hans">商</span></dd>' in html  # a period with no English value, on an English page
    assert "<dd>bronze</dd>" in html  # material_en: no lang attribute needed
    zh = client.get("/items/cu-ding?lang=zh").get_data(as_text=True)
    assert "<dd>商</dd>" in zh


def test_text_helper_marks_a_value_from_another_language(app):
    from viewer.i18n import text

    with app.test_request_context("/?lang=en"):
        app.preprocess_request()
        assert str(text({"zh": ["兽面纹鼎"]})) == '<span lang="zh-Hans">兽面纹鼎</span>'
        assert str(text({"en": ["Ding"], "zh": ["鼎"]})) == "Ding"
        assert str(text({"zh": ["<b>"]})) == '<span lang="zh-Hans">&lt;b&gt;</span>'
    with app.test_request_context("/?lang=zh-Hant"):
        app.preprocess_request()
        assert str(text({"zh": ["兽面纹鼎"]})) == "獸面紋鼎"


def test_dimensions_in_english_when_they_can_be_read(client, ingested):
    from exhibits.dimensions import to_english

    assert "<dd>H. 38.5 cm</dd>" in client.get("/items/cu-ding?lang=en").get_data(as_text=True)
    assert "<dd>通高 38.5 厘米</dd>" in client.get("/items/cu-ding?lang=zh").get_data(as_text=True)
    manifest = client.get("/iiif/items/cu-ding/manifest").get_json()
    dims = next(e["value"] for e in manifest["metadata"] if e["label"]["en"] == ["Dimensions"])
    assert dims == {"zh": ["通高 38.5 厘米"], "en": ["H. 38.5 cm"]}
    assert to_english("通高 36 厘米，口径 32 厘米") == "H. 36 cm; mouth diam. 32 cm"
    assert to_english("直径 17.2 厘米，重 1150 克") == "Diam. 17.2 cm; wt. 1150 g"
    assert to_english("约 20 厘米") == "c. 20 cm"
    assert to_english("通高 21.3 厘米，流至尾长 17.8 厘米") is None  # one part not understood: none translated


def test_deep_zoom_buttons_speak_the_page_language(client, ingested):
    import json

    import lxml.html

    for lang, word in (("zh", "放大"), ("en", "Zoom in"), ("zh-Hant", "放大")):
        doc = lxml.html.document_fromstring(client.get(f"/items/cu-ding?lang={lang}").get_data(as_text=True))
        strings = json.loads(doc.get_element_by_id("deepzoom").get("data-strings"))
        assert strings["Tooltips.ZoomIn"] == word
    doc = lxml.html.document_fromstring(client.get("/items/cu-ding?lang=zh-Hant").get_data(as_text=True))
    assert json.loads(doc.get_element_by_id("deepzoom").get("data-strings"))["Tooltips.FullPage"] == "全屏"
