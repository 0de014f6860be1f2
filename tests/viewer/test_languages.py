"""Three interface languages from gettext catalogues (zh, en, zh-Hant) and how a page picks one."""
from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from exhibits import i18n
from exhibits.i18n_catalogues import COMPLETE, load, untranslated

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "N_": None,
            "lazy_gettext": None, "lazy_pgettext": ((1, "c"), 2), "lazy_ngettext": (1, 2), "langmap": None,
            "translate": None}


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
