"""exhibits.dates: date text as catalogues write it, in English and Chinese, to years."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from exhibits import eras
from exhibits.dates import is_no_date, parse_years, read_dates

CASES = [
    ("1850", (1850, 1850)), ("-1046", (-1046, -1046)), ("c.1850", (1850, 1850)), ("ca. 1850", (1850, 1850)),
    ("circa 1850s", (1850, 1859)), ("1850?", (1850, 1850)), ("[1850]", (1850, 1850)), ("1850s", (1850, 1859)),
    ("1800s", (1800, 1899)), ("1997-9", (1997, 1999)), ("c.1997-9", (1997, 1999)), ("c. 1997-99", (1997, 1999)),
    ("1850-60", (1850, 1860)), ("1850–1860", (1850, 1860)), ("1850/1860", (1850, 1860)), ("1997-2001", (1997, 2001)),
    ("-1046--771", (-1046, -771)), ("-206-8", (-206, 8)), ("-500..-200", (-500, -200)),
    ("19th century", (1800, 1899)), ("early 19th century", (1800, 1832)), ("late 19th century", (1866, 1899)),
    ("5th century BC", (-500, -401)), ("19th-20th century", (1800, 1999)), ("1046 BC", (-1046, -1046)),
    ("1046-771 BC", (-1046, -771)), ("AD 25", (25, 25)), ("25 CE", (25, 25)),
    ("公元前1046年", (-1046, -1046)), ("前771年", (-771, -771)), ("公元前1046年—前771年", (-1046, -771)),
    ("公元前475-221年", (-475, -221)), ("约1850年", (1850, 1850)), ("1850年左右", (1850, 1850)),
    ("１８５０年", (1850, 1850)), ("一八五〇年", (1850, 1850)), ("1850年代", (1850, 1859)), ("19世纪", (1800, 1899)),
    ("19世纪初", (1800, 1832)), ("19世纪50年代", (1850, 1859)), ("公元前5世纪", (-500, -401)),
    ("明", (1368, 1644)), ("明代", (1368, 1644)), ("明朝", (1368, 1644)), ("明代晚期", (1552, 1644)),
    ("明万历", (1573, 1620)), ("万历", (1573, 1620)), ("万历十年", (1582, 1582)), ("萬曆十年", (1582, 1582)),
    ("清乾隆年间", (1736, 1795)), ("康熙", (1662, 1722)), ("乾隆三十年", (1765, 1765)), ("乾隆元年", (1736, 1736)),
    ("康熙廿三年", (1684, 1684)), ("清乾隆（1736—1795）", (1736, 1795)), ("大明宣德年制", (1426, 1435)),
    ("大清乾隆年制", (1736, 1795)), ("明清", (1368, 1911)), ("商代晚期", (-1230, -1046)), ("西周早期", (-1046, -955)),
    ("西汉元狩二年", (-121, -121)), ("建元二年", (-139, -139)), ("唐开元", (713, 741)), ("南宋绍兴", (1131, 1162)),
    ("元至正", (1341, 1368)), ("东汉建安", (196, 220)),
    ("Ming dynasty", (1368, 1644)), ("late Ming dynasty", (1552, 1644)), ("Qing dynasty, Qianlong period", (1736, 1795)),
    ("Wanli reign", (1573, 1620)), ("Kangxi", (1662, 1722)),
]


@pytest.mark.parametrize("text,years", CASES)
def test_catalogue_forms(text, years):
    assert parse_years(text) == years


@pytest.mark.parametrize("text", ["", "  ", "no date", "n.d.", "N.D.", "nd", "undated", "Unknown", "不详", "年代不详", "无", "?"])
def test_no_date_is_empty_not_an_error(text):
    assert is_no_date(text)
    assert parse_years(text) is None
    reading = read_dates(text, text)
    assert (reading.start, reading.end, reading.warnings) == (None, None, [])


@pytest.mark.parametrize("text", ["铜镜", "hello", "1850 and some", "13th moon", "万历九十年", "0", "99999", "明天"])
def test_unreadable_text_is_none(text):
    assert parse_years(text) is None


def test_read_dates_one_column_holding_a_span_gives_both_years():
    assert (read_dates("c.1997-9", "").start, read_dates("c.1997-9", "").end) == (1997, 1999)
    assert (read_dates("", "1850s").start, read_dates("", "1850s").end) == (1850, 1859)
    both = read_dates("明万历", "清康熙")
    assert (both.start, both.end, both.source) == (1573, 1722, "date")


def test_read_dates_derives_empty_years_from_the_period():
    reading = read_dates("", "", "明永乐")
    assert (reading.start, reading.end, reading.source, reading.warnings) == (1403, 1424, "period", [])
    assert read_dates(None, None, "某地风格").start is None  # free period text: no years, no warning


def test_unreadable_date_keeps_empty_years_and_names_the_column():
    reading = read_dates("sometime in spring", "", "明")
    assert (reading.start, reading.end) == (None, None)
    assert len(reading.warnings) == 1 and "date_start" in reading.warnings[0] and "sometime in spring" in reading.warnings[0]


def test_every_reign_era_is_read_with_and_without_its_dynasty():
    table = eras.table()
    names = {era.period for era in table.eras}
    assert {"明", "清", "唐", "西汉", "东汉", "北宋", "南宋", "元"} <= names
    # the Ming and Qing tables are complete: consecutive eras leave no year uncovered
    for period in ("明", "清"):
        rows = [e for e in table.eras if e.period == period]
        for before, after in zip(rows, rows[1:]):
            assert after.start - before.end in (0, 1), (before, after)
    for era in table.eras:
        same_name = table.eras_by_name[era.name]
        in_period = next(e for e in same_name if e.period == era.period)  # 唐上元 twice: the first
        in_dynasty = next(e for e in same_name if eras.dynasty_of(e.period) == eras.dynasty_of(era.period))
        assert parse_years(f"{era.period}{era.name}") == (in_period.start, in_period.end), era
        assert parse_years(f"{eras.dynasty_of(era.period)}{era.name}年间") == (in_dynasty.start, in_dynasty.end), era
        assert parse_years(f"{era.name}元年") == (same_name[0].start, same_name[0].start), era
        assert parse_years(f"{era.period}{era.name}二年") == (in_period.year(2),) * 2, era


def test_era_years_count_across_the_common_era():
    era = eras.Era("x", "西汉", -2, -1)
    assert era.year(1) == -2 and era.year(2) == -1 and era.year(3) == 1


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=40))
def test_never_raises_on_any_text(text):
    result = parse_years(text)
    assert result is None or (isinstance(result, tuple) and result[0] <= result[1])
    read_dates(text, text, text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789-–.c年前公元约世纪sbcadth 明清万历十元朝代?()（）", max_size=20))
def test_never_raises_on_date_like_text(text):
    result = parse_years(text)
    assert result is None or result[0] <= result[1]
