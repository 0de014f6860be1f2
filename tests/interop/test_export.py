"""``jinshi export``: the CSV is the ingest CSV (export → a fresh JINSHI_HOME → ``jinshi ingest
--metadata`` gives the same catalogue, every record and file hash), JSON Lines and .xlsx, scoped
by museum and hall, bad options refused; and the download button of the search page."""
from __future__ import annotations

import csv
import io
import json

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from exhibits.models import Item
from exhibits.settings import Settings
from exhibits.states import visible
from tests.interop.conftest import MESSY, ingest_rows, set_publication
from tests.support.media import make_photo


def snapshot(db) -> dict:
    with db.session() as session:
        found = session.scalars(select(Item).where(visible()).options(
            selectinload(Item.assets), selectinload(Item.museum), selectinload(Item.hall), selectinload(Item.section)))
        return {it.id: {
            "place": (it.museum.slug, it.hall.slug if it.hall else None, it.section.slug if it.section else None),
            "title": it.title, "description": it.description, "metadata": it.metadata_, "object_type": it.object_type,
            "years": (it.date_start, it.date_end), "accession": it.accession_number, "rights": it.rights,
            "files": sorted((a.sha256, a.kind, a.role, a.filename, a.mime, a.size) for a in it.assets),
        } for it in found}


def test_csv_round_trips_through_a_fresh_home(catalogue, cli, tmp_path, halls_file):
    media = tmp_path / "media-batch"
    make_photo(media / "ding.jpg", 640, 480)
    make_photo(media / "ding-back.png", 320, 240)
    rows = [{**MESSY[0], "id": "with-photos", "files": "ding.jpg;ding-back.png", "material_en": "bronze, cast"}]
    ingest_rows(catalogue, media / "photos.csv", rows)
    before = snapshot(catalogue.db)
    assert len(before) == 33 and len(before["with-photos"]["files"]) == 2

    out = tmp_path / "export" / "collection.csv"
    result = cli("export", "--format", "csv", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert (out.parent / "files" / "with-photos" / "ding.jpg").is_file()
    text = out.read_text(encoding="utf-8")
    assert "cu-draft" not in text and "rec-00007" not in text  # only what the public sees

    from ingest.batch import ingest_batch
    from exhibits.halls import load_halls
    from viewer.runtime import Runtime

    fresh = Runtime(Settings(home=tmp_path / "fresh").resolved())
    try:
        load_halls(fresh.db, halls_file)
        results = list(ingest_batch(fresh, metadata=out))
        assert all(r.status == "ingested" for r in results), [r.to_json() for r in results if r.status != "ingested"]
        assert snapshot(fresh.db) == before
    finally:
        fresh.close()


def test_jsonl_and_xlsx_and_scopes(catalogue, cli, tmp_path):
    lines = cli("export", "--format", "jsonl", "--museum", "ich").stdout.strip().splitlines()
    records = [json.loads(line) for line in lines]
    assert {r["museum"] for r in records} == {"ich"} and len(records) == 11
    paper = next(r for r in records if r["id"] == "ich-paper")
    assert paper["title"]["zh"] == ["剪紙（繁體）𠀀"] and paper["metadata"]["ich_category"]["en"] == ["Traditional fine arts"]
    hall_csv = cli("export", "--hall", "mirrors").stdout
    ids = [row["id"] for row in csv.DictReader(io.StringIO(hall_csv))]
    assert "cu-mirror" in ids and "rec-00007" not in ids and all(i == "cu-mirror" or i.startswith("rec-") for i in ids)

    from openpyxl import load_workbook

    book = tmp_path / "out.xlsx"
    assert cli("export", "--format", "xlsx", "--output", str(book)).exit_code == 0
    sheet = load_workbook(book, read_only=True)["items"]
    values = list(sheet.values)
    assert values[0][0] == "id" and len(values) == 1 + 33 - 1  # header + visible items
    titles = {row[0]: row[values[0].index("title_en")] for row in values[1:]}
    assert titles["cu-ding"] == 'Ding with <b>taotie</b> & "masks"'


def test_bad_export_options(catalogue, cli):
    for args, word in ((("--museum", "nope"), "nope"), (("--hall", "nope"), "nope"),
                       (("--museum", "ich", "--hall", "mirrors"), "mirrors")):
        result = cli("export", *args)
        assert result.exit_code == 1 and word in result.output, result.output
    assert cli("export", "--format", "pdf").exit_code == 2


def test_spreadsheet_cells_never_start_a_formula(catalogue, cli, tmp_path):
    ingest_rows(catalogue, tmp_path / "evil.csv", [{"id": "evil", "museum": "copper", "hall": "mirrors",
                                                   "title_en": "=HYPERLINK(\"http://evil.example\",\"x\")"}])
    from openpyxl import load_workbook

    book = tmp_path / "evil.xlsx"
    cli("export", "--format", "xlsx", "--output", str(book))
    rows = list(load_workbook(book, read_only=True)["items"].values)
    row = next(r for r in rows if r[0] == "evil")
    assert row[rows[0].index("title_en")].startswith("'=")


def test_download_button_exports_the_current_search(client, catalogue):
    page = client.get("/search?q=Object&museum=ich&lang=en").get_data(as_text=True)
    assert "/search/export?" in page
    response = client.get("/search/export?q=Object&museum=ich&format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    ids = [row["id"] for row in csv.DictReader(io.StringIO(response.get_data(as_text=True)))]
    assert ids and all(i.startswith("rec-") for i in ids) and len(ids) == 10
    jsonl = client.get("/search/export?q=Object&museum=ich&format=jsonl")
    assert len(jsonl.get_data(as_text=True).strip().splitlines()) == 10
    assert client.get("/search/export?format=pdf").status_code == 400
    assert client.get("/search/export?q=%22unclosed").status_code in (200, 400)
    set_publication(catalogue.db, "rec-00002", "withdrawn")
    again = client.get("/search/export?q=Object&museum=ich&format=csv").get_data(as_text=True)
    assert "rec-00002" not in again
