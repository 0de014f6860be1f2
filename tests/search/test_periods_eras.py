"""Dynasties and reign eras in search: a dynasty finds its reigns, a date range finds items dated
only by a reign (明万历), and queries typed without spaces (唐代铜镜) match the period's years."""
from __future__ import annotations

import pytest

from exhibits import eras
from search.query import parse_query
from search.whoosh_backend import WhooshIndex


def doc(item_id, title_zh, period=None, date=(None, None), description=None, material=None, object_type=None):
    out = {"id": item_id, "museum": "palace", "hall": "h", "title": {"zh": [title_zh]},
           "description": {"zh": [description]} if description else {}, "date_start": date[0], "date_end": date[1],
           "object_type": object_type, "transcript": []}
    if period:
        out["period"] = {"zh": [period]}
    if material:
        out["material"] = {"zh": [material]}
    return out


#: Records as the Palace Museum's online catalogue writes them: the period is a reign, with no years.
PALACE = [
    doc("p-1", "青花缠枝莲纹梅瓶", "明永乐", material="瓷", object_type="瓷器"),
    doc("p-2", "宣德款铜炉", "明宣德", material="铜"),
    doc("p-3", "五彩鱼藻纹盖罐", "明嘉靖"),
    doc("p-4", "青花云龙纹碗", "明万历"),
    doc("p-5", "粉彩花卉纹瓶", "清乾隆年间"),
    doc("p-6", "海兽葡萄镜", "唐", description="背饰海兽与葡萄，边缘高起。", object_type="铜镜"),
    doc("p-7", "斗彩鸡缸杯", "大明成化年制"),
    doc("p-8", "黄釉碗", "萬曆十年"),  # traditional characters, a year of the reign
    doc("p-9", "白玉璧", "西汉"),
    doc("p-10", "行书诗帖", "北宋", date=(1080, 1090)),
    doc("p-11", "珐琅彩碗", "康熙"),
    doc("p-12", "青花笔筒", "清", date=(1660, 1670)),
]


@pytest.fixture(scope="module")
def palace(tmp_path_factory):
    index = WhooshIndex(tmp_path_factory.mktemp("palace"))
    index.rebuild(PALACE, processes=1)
    yield index
    index.close()


def found(index, q, per_page=100):
    return {h.id for h in index.search(parse_query(q, per_page=per_page)).hits}


def test_a_dynasty_finds_its_reigns(palace):
    assert found(palace, "period:明") == {"p-1", "p-2", "p-3", "p-4", "p-7", "p-8"}
    assert found(palace, "period:清") == {"p-5", "p-11", "p-12"}
    assert found(palace, "明代") == {"p-1", "p-2", "p-3", "p-4", "p-7", "p-8"}
    assert found(palace, "清代") == {"p-5", "p-11", "p-12"}


def test_the_period_facet_puts_reigns_under_their_dynasty(palace):
    facets = {f["value"]: f["count"] for f in palace.search(parse_query("*", per_page=1)).facets["period"]}
    assert facets["明"] == 6 and facets["清"] == 3 and "明永乐" not in facets


def test_date_range_finds_items_dated_by_a_reign(palace):
    assert found(palace, "date:1600..1610") == {"p-4"}
    assert found(palace, "date:1582") == {"p-4", "p-8"}
    assert found(palace, "date:1740..1750") == {"p-5"}
    assert found(palace, "date:1403") == {"p-1"}


def test_a_reign_in_a_query_matches_its_years(palace):
    assert found(palace, "万历") == {"p-4", "p-8"}
    assert found(palace, "period:明万历") == {"p-4", "p-8"}
    assert found(palace, "乾隆") == {"p-5"}
    assert "p-12" in found(palace, "康熙")  # dated 1660-1670, which overlaps 康熙 (1662-1722)


def test_queries_typed_without_spaces(palace):
    assert found(palace, "唐代铜镜") == {"p-6"}
    assert found(palace, "唐代 铜镜") == {"p-6"}
    assert found(palace, "万历青花") == {"p-4"}
    assert found(palace, "明清青花") == {"p-1", "p-4", "p-12"}
    assert found(palace, "汉代白玉") == {"p-9"}
    assert found(palace, "宋代行书") == {"p-10"}
    assert found(palace, "清代青花") == {"p-12"}


def test_a_period_word_inside_a_title_still_matches_as_text(palace):
    # 宣德 is also part of the title 宣德款铜炉: found by its text and by its years
    assert found(palace, "宣德铜炉") == {"p-2"}


ERA_DOCS = [doc(f"era-{i}", "器", f"{era.period}{era.name}") for i, era in enumerate(eras.eras())]


@pytest.fixture(scope="module")
def era_index(tmp_path_factory):
    index = WhooshIndex(tmp_path_factory.mktemp("eras"))
    index.rebuild(ERA_DOCS, processes=1)
    yield index
    index.close()


def test_every_reign_era_is_found_by_its_years_and_its_dynasty(era_index):
    table = eras.table()
    dynasties = {}
    for i, era in enumerate(table.eras):
        first = next(e for e in table.eras_by_name[era.name] if e.period == era.period)
        mid = (first.start + first.end) // 2
        got = found(era_index, f"date:{mid}", per_page=100)
        assert f"era-{i}" in got, (era, mid)
        dynasties.setdefault(eras.dynasty_of(era.period), set()).add(f"era-{i}")
    for dynasty in ("汉", "唐", "宋", "元", "明", "清"):
        # the Southern Ming and the Later Jin lie outside 明's and 清's years: found by their period's name
        assert dynasties[dynasty] <= found(era_index, f"period:{dynasty}", per_page=100), dynasty
    assert not found(era_index, "period:明") & {f"era-{i}" for i, e in enumerate(table.eras) if e.start >= 1662}
