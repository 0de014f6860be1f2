"""The metadata table loses nothing: multi-line cells, spreadsheet row numbers, Excel's CSV on
Chinese Windows (GB18030/GBK), Excel CSV UTF-8 (BOM, CRLF) and .xlsx workbooks."""
from __future__ import annotations

import pytest

from ingest.metadata import MetadataError, read_metadata

HEADER = ["id", "museum", "hall", "title_zh", "title_en", "date_start", "date_end", "description_zh", "files", "捐赠人"]
DESCRIPTION = "商代晚期青铜礼器。\n口沿下饰兽面纹，\n\n腹部饰云雷纹。"
ROWS = [
    ["cu-1", "copper", "mirrors", "兽面纹鼎", "Ding, with \"taotie\"", "-1300", "-1046", DESCRIPTION, "", "张三"],
    ["cu-2", "copper", "mirrors", "铜镜", "Mirror", "", "", "一行", "", ""],
]


def excel_csv(rows: list[list[str]], encoding: str = "utf-8-sig") -> bytes:
    """What Excel writes: CRLF between rows, LF inside a quoted cell (Alt+Enter), quotes doubled."""
    def cell(value: str) -> str:
        return '"' + value.replace('"', '""') + '"' if any(c in value for c in ',"\n') else value
    return "\r\n".join(",".join(cell(v) for v in row) for row in rows).encode(encoding) + b"\r\n"


def test_multi_line_cells_keep_their_line_breaks_in_an_excel_utf8_csv(tmp_path):
    path = tmp_path / "batch.csv"
    path.write_bytes(excel_csv([HEADER, *ROWS]))
    first, second = read_metadata(path)
    assert first.description == {"zh": [DESCRIPTION]}
    assert first.title["en"] == ['Ding, with "taotie"']
    assert first.extra == {"捐赠人": "张三"}
    assert (first.row, second.row) == (2, 3)
    assert first.warnings == [] and second.description == {"zh": ["一行"]}


def test_row_numbers_are_the_spreadsheets_rows_after_multi_line_cells(tmp_path):
    rows = [HEADER, ROWS[0], ["bad id", "copper", "mirrors", "坏", "", "", "", "", "", ""],
            ["cu-3", "copper", "mirrors", "好", "", "", "", "多行\n描述", "", ""], ["cu-1", "copper", "mirrors", "重", "", "", "", "", "", ""]]
    path = tmp_path / "batch.csv"
    path.write_bytes(excel_csv(rows))
    with pytest.raises(MetadataError) as info:
        read_metadata(path)
    # the description of row 2 spans four lines of the file, but the bad rows are the sheet's rows 3 and 5
    assert info.value.problems == [
        "row 3: id 'bad id' must be letters, digits, '.', '_' or '-' (at most 128)",
        "row 5: id 'cu-1' is a duplicate of row 2",
    ]


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_a_csv_saved_by_excel_on_chinese_windows_is_read_with_a_warning(tmp_path, encoding):
    path = tmp_path / "batch.csv"
    path.write_bytes(excel_csv([HEADER, *ROWS], encoding=encoding))
    first, second = read_metadata(path)
    assert first.title["zh"] == ["兽面纹鼎"] and first.description == {"zh": [DESCRIPTION]}
    assert first.extra == {"捐赠人": "张三"}
    assert first.warnings[0].startswith("the CSV is not UTF-8; it was read as GB18030/GBK")
    assert second.warnings == []


def test_bytes_that_are_neither_utf8_nor_chinese_are_refused(tmp_path):
    path = tmp_path / "batch.csv"
    path.write_bytes(excel_csv([HEADER[:5], ["a1", "copper", "mirrors", "x", "Müller Ørsted çà"]], encoding="latin-1")[:-2]
                     + bytes(range(0x80, 0xA0)) * 3)
    with pytest.raises(MetadataError, match="not UTF-8 text"):
        read_metadata(path)


def test_an_xlsx_workbook_is_read_with_its_numbers_dates_and_line_breaks(tmp_path):
    import datetime

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "藏品"
    sheet.append(HEADER + ["入藏日期"])
    sheet.append(["cu-1", "copper", "mirrors", "兽面纹鼎", "Ding", -1300, -1046.0, DESCRIPTION, None, "张三", datetime.datetime(1998, 5, 4)])
    sheet.append([None] * 5)  # a blank row in the middle
    sheet.append(["cu-2", "copper", "mirrors", "铜镜", None, None, None, "一行", None, None, None])
    book.create_sheet("说明").append(["notes for the curator"])
    path = tmp_path / "collection.xlsx"
    book.save(path)
    first, second = read_metadata(path)
    assert (first.date_start, first.date_end) == (-1300, -1046)
    assert first.description == {"zh": [DESCRIPTION]}
    assert first.extra == {"捐赠人": "张三", "入藏日期": "1998-05-04"}
    assert (first.row, second.row) == (2, 4)
    assert first.warnings == ["read the first sheet (藏品) of the workbook; other sheets are ignored"]


def test_a_broken_xlsx_is_refused_with_a_clear_message(tmp_path):
    path = tmp_path / "collection.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    with pytest.raises(MetadataError, match=r"not an Excel workbook \(\.xlsx\) that can be read"):
        read_metadata(path)


def test_every_row_problem_and_every_unknown_place_in_one_pass(museum_runtime, tmp_path):
    from ingest.batch import ingest_batch

    path = tmp_path / "batch.csv"
    path.write_bytes(excel_csv([
        ["id", "museum", "hall", "section", "title_zh", "files"],
        ["a1", "copper", "no-hall", "", "甲", ""],
        ["a 2", "copper", "mirrors", "", "乙", ""],
        ["a3", "copper", "bronze-vessels", "no-section", "丙", ""],
        ["a4", "copper", "mirrors", "", "", "../outside.jpg"],
        ["a5", "nowhere", "mirrors", "", "戊", ""],
    ]))
    with pytest.raises(MetadataError) as info:
        list(ingest_batch(museum_runtime, metadata=path))
    assert info.value.problems == [
        "row 2: hall 'no-hall' is not defined in museum 'copper'",
        "row 3: id 'a 2' must be letters, digits, '.', '_' or '-' (at most 128)",
        "row 4: section 'no-section' is not defined in hall 'bronze-vessels'",
        "row 5: needs title_zh or title_en",
        "row 5: file '../outside.jpg' must be a path inside the CSV's folder",
        "row 6: museum 'nowhere' is not defined (load it with 'jinshi halls load')",
    ]


def test_a_symlink_inside_the_folder_that_leads_outside_is_refused(tmp_path):
    outside = tmp_path / "secret"
    outside.mkdir()
    (outside / "passwd.jpg").write_bytes(b"\xff\xd8\xff")
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "images").symlink_to(outside)
    (folder / "photo.jpg").symlink_to(outside / "passwd.jpg")
    path = folder / "batch.csv"
    path.write_bytes(excel_csv([["id", "museum", "hall", "title_zh", "files"],
                                ["a1", "copper", "mirrors", "甲", "images/passwd.jpg"],
                                ["a2", "copper", "mirrors", "乙", "photo.jpg"]]))
    with pytest.raises(MetadataError) as info:
        read_metadata(path)
    assert info.value.problems == ["row 2: file 'images/passwd.jpg' leaves the CSV's folder",
                                   "row 3: file 'photo.jpg' leaves the CSV's folder"]
