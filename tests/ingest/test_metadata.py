"""The batch CSV: parsed into records, or refused whole with row numbers."""
from pathlib import Path

import pytest

from ingest.metadata import MetadataError, read_metadata

HEADER = "id,museum,hall,section,title_zh,title_en,object_type,period,date_start,date_end,material,dimensions,creator,place,accession_number,description_zh,description_en,rights,files"


def write(tmp_path: Path, *rows: str, header: str = HEADER, bom: bool = False) -> Path:
    path = tmp_path / "batch.csv"
    text = "\n".join([header, *rows]) + "\n"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def test_row_becomes_record_with_language_maps(tmp_path):
    path = write(
        tmp_path,
        'cu-1,copper,bronze-vessels,shang,兽面纹鼎,Ding,鼎,商,-1600,-1046,青铜,通高 38 厘米,,铜陵,TL-1,"说明, 含逗号",An English text,CC BY 4.0,a.jpg;b.png',
        bom=True,
    )
    [record] = read_metadata(path)
    assert record.id == "cu-1" and record.row == 2
    assert record.title == {"zh": ["兽面纹鼎"], "en": ["Ding"]}
    assert record.description == {"zh": ["说明, 含逗号"], "en": ["An English text"]}
    assert record.metadata["material"] == {"zh": ["青铜"]}
    assert record.metadata["period"] == {"zh": ["商"]}
    assert (record.date_start, record.date_end) == (-1600, -1046)
    assert record.files == [(tmp_path / "a.jpg").resolve(), (tmp_path / "b.png").resolve()]


def test_translation_columns_and_unknown_columns_are_kept(tmp_path):
    path = write(tmp_path, "x,copper,h,,鼎,Ding,,,,,青铜,,,,,,,,,bronze,Gift of Mr Li",
                 header=HEADER + ",material_en,donor")
    [record] = read_metadata(path)
    assert record.metadata["material"] == {"zh": ["青铜"], "en": ["bronze"]}
    assert record.extra == {"donor": "Gift of Mr Li"}


def test_ich_columns_get_english_names_of_the_national_categories(tmp_path):
    path = write(tmp_path, "ich-1,ich,crafts,,铜雕,Copper carving,,,,,,,,,,,,,,传统美术,国家级,张三,安徽铜陵",
                 header=HEADER + ",ich_category,ich_level,inheritor,region")
    [record] = read_metadata(path)
    assert record.metadata["ich_category"] == {"zh": ["传统美术"], "en": ["Traditional fine arts"]}
    assert record.metadata["ich_level"] == {"zh": ["国家级"], "en": ["National"]}
    assert record.metadata["inheritor"] == {"zh": ["张三"]}


def test_empty_files_column_is_a_record_without_media(tmp_path):
    [record] = read_metadata(write(tmp_path, "r1,copper,h,,记录,Record,,,,,,,,,,,,,"))
    assert record.files == []


@pytest.mark.parametrize(
    "rows, message",
    [
        (["a,copper,h,,鼎,,,,,,,,,,,,,,../../etc/passwd"], "row 2: file '../../etc/passwd' must be a path inside the CSV's folder"),
        (["a,copper,h,,鼎,,,,,,,,,,,,,,/etc/passwd"], "row 2: file '/etc/passwd' must be a path inside the CSV's folder"),
        (["a,copper,h,,鼎,,,,,,,,,,,,,,", "b,copper,h,,鼎,,,,,,,,,,,,,,", "a,copper,h,,鼎,,,,,,,,,,,,,,"], "row 4: id 'a' is a duplicate of row 2"),
        (["a b,copper,h,,鼎,,,,,,,,,,,,,,"], "row 2: id 'a b' must be"),
        (["a,copper,h,,,,,,,,,,,,,,,,"], "row 2: needs title_zh or title_en"),
        (["a,,h,,鼎,,,,,,,,,,,,,,"], "row 2: museum is empty"),
        (["a,copper,h,,鼎,,,,,,,,,,,,,,x.jpg,extra"], "row 2: has more fields than the header"),
    ],
)
def test_bad_rows_refuse_the_csv_with_row_numbers(tmp_path, rows, message):
    with pytest.raises(MetadataError) as info:
        read_metadata(write(tmp_path, *rows))
    assert message in str(info.value)
    assert str(tmp_path / "batch.csv") in str(info.value)


def test_a_date_that_cannot_be_read_keeps_its_record_with_a_warning(tmp_path):
    records = read_metadata(write(tmp_path, "a,copper,h,,鼎,,,,-1600x,-1046,,,,,,,,,", "b,copper,h,,簋,,,,100,-100,,,,,,,,,",
                                  "c,copper,h,,爵,,,,-1600,-1046,,,,,,,,,"))
    a, b, c = records
    assert (a.date_start, a.date_end) == (-1046, -1046)  # the one readable year
    assert a.warnings == ["row 2: date_start '-1600x' is not a date we can read; its years are left empty"]
    assert (b.date_start, b.date_end) == (None, None)
    assert b.warnings == ["row 3: date_start 100 is after date_end -100; the record is kept without years"]
    assert (c.date_start, c.date_end, c.warnings) == (-1600, -1046, [])


def test_missing_required_column(tmp_path):
    path = write(tmp_path, "a,鼎", header="id,title_zh")
    with pytest.raises(MetadataError, match=r"row 1: missing required column\(s\): museum, hall, files"):
        read_metadata(path)


def test_museum_and_hall_defaults_fill_missing_columns(tmp_path):
    path = write(tmp_path, "a,鼎,", header="id,title_zh,files")
    [record] = read_metadata(path, museum="copper", hall="mirrors")
    assert (record.museum, record.hall) == ("copper", "mirrors")


def test_not_utf8_and_binary_files_are_refused(tmp_path):
    path = tmp_path / "latin1.csv"  # (GB18030/GBK is read, with a warning: tests/ingest/test_tables.py)
    path.write_bytes((HEADER + "\n" + "a,copper,h,,Ding,,,,,,,,,,,,,,\n").encode() + bytes(range(0x80, 0xA0)) * 3)
    with pytest.raises(MetadataError, match="not UTF-8"):
        read_metadata(path)
    path.write_bytes(b"id,museum\x00,hall,files\n")
    with pytest.raises(MetadataError, match="NUL"):
        read_metadata(path)
