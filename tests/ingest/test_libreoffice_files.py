"""Spreadsheets written by LibreOffice Calc (tests/data/libreoffice/, made by tools/make_libreoffice_fixtures.py and
committed, so no LibreOffice is needed here): its UTF-8 CSV, its GB18030 CSV and its .xlsx are read alike, cells
with line breaks, quotes and commas intact, GB18030's four-byte characters too."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from exhibits.models import Item
from ingest.batch import ingest_batch
from ingest.tables import read_table

DATA = Path(__file__).resolve().parents[1] / "data" / "libreoffice"
FILES = ["catalogue-utf8.csv", "catalogue-gb18030.csv", "catalogue.xlsx"]


def test_the_committed_files_are_what_calc_wrote():
    gb = (DATA / "catalogue-gb18030.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        gb.decode("utf-8")
    assert "𠀀字铜镜" in gb.decode("gb18030")
    assert (DATA / "catalogue.xlsx").read_bytes()[:2] == b"PK"


@pytest.mark.parametrize("name", FILES)
def test_calc_files_are_ingested_with_every_cell_intact(museum_runtime, tmp_path, name):
    folder = tmp_path / "batch"
    folder.mkdir()
    shutil.copy(DATA / name, folder / name)
    results = {r.item: r for r in ingest_batch(museum_runtime, metadata=folder / name)}
    assert {i: r.status for i, r in results.items()} == {"lo-ding": "ingested", "lo-mirror": "ingested", "lo-record": "ingested"}
    warnings = [w for r in results.values() for w in r.warnings]
    if "gb18030" in name:
        assert any("GB18030" in w or "GBK" in w for w in warnings), warnings
    with museum_runtime.db.session() as s:
        ding = s.get(Item, "lo-ding")
        assert ding.description["zh"] == ["第一段：器身饰兽面纹。\n第二段：三足，双立耳。"]
        assert ding.description["en"] == ["First paragraph.\nSecond paragraph, with a comma."]
        assert ding.title["en"] == ['Ding with "taotie" masks, cast']
        assert (ding.date_start, ding.date_end) == (-1600, -1046)
        assert ding.metadata_["extra"]["donor"] == "王先生, 铜陵"
        mirror = s.get(Item, "lo-mirror")
        assert mirror.title["zh"] == ["𠀀字铜镜"] and mirror.description["zh"] == ["背面铭文：“长宜子孙”"]
        assert (mirror.date_start, mirror.date_end) == (1573, 1620)  # 明万历, from the period
        assert s.get(Item, "lo-record").source_row == 4  # the spreadsheet's row, whatever the line breaks above


@pytest.mark.parametrize("name", FILES)
def test_the_table_has_the_spreadsheet_rows(name):
    table = read_table(DATA / name)
    assert table.header[0] == "id" and table.header[-1] == "files"
    # spreadsheet rows 2-4, though the first record spans three lines of the CSV
    assert [(number, cells[0]) for number, cells in table.rows] == [(2, "lo-ding"), (3, "lo-mirror"), (4, "lo-record")]
    ding = table.rows[0][1]
    assert ding[table.header.index("description_en")] == "First paragraph.\nSecond paragraph, with a comma."
