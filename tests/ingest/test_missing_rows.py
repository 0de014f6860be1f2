"""A row removed from a CSV is reported, never deleted silently: items remember the CSV and row they came from,
and a later run of that CSV names the items it no longer lists (CLI, jobs and the job page, with a way to withdraw)."""
from __future__ import annotations

import json

from sqlalchemy import select

from exhibits.identity import Identity
from exhibits.models import AuditEntry, Item
from exhibits.states import Publication
from exhibits.uploads import Uploads
from ingest import jobs
from ingest.batch import BatchReport, ingest_batch
from tests.support.media import make_photo
from tests.support.curators import PASSWORD, csrf_token, log_in
from tests.support.uploads import put

HEADER = "id,museum,hall,section,title_zh,title_en,files\n"
ROWS = [
    "cu-a,copper,mirrors,,甲,A,",
    "cu-b,copper,mirrors,,乙,B,",
    "cu-c,copper,mirrors,,丙,C,",
    "cu-d,copper,bronze-vessels,,丁,D,",
]


def write(folder, rows, name="catalogue.csv"):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_items_remember_their_csv_and_row_and_a_removed_row_is_reported(museum_runtime, tmp_path):
    csv = write(tmp_path / "a", ROWS)
    report = BatchReport()
    assert all(r.status == "ingested" for r in ingest_batch(museum_runtime, metadata=csv, report=report))
    assert report.missing == []
    with museum_runtime.db.session() as s:
        item = s.get(Item, "cu-c")
        assert item.source == str(csv.resolve()) and item.source_row == 4  # the spreadsheet's row (header is 1)
    # cu-b and cu-d are no longer in the CSV; cu-c moved up a row
    write(tmp_path / "a", [ROWS[0], ROWS[2]])
    report = BatchReport()
    results = list(ingest_batch(museum_runtime, metadata=csv, report=report))
    assert {r.status for r in results} == {"unchanged"}
    assert [(m.id, m.publication, m.row) for m in report.missing] == [("cu-b", "published", 3), ("cu-d", "published", 5)]
    assert report.missing_sentence() == "in the catalogue but not in this CSV: cu-b, cu-d"
    with museum_runtime.db.session() as s:
        assert {i.id: i.publication for i in s.scalars(select(Item))} == {i: "published" for i in ("cu-a", "cu-b", "cu-c", "cu-d")}
        assert s.get(Item, "cu-c").source_row == 3
        logged = s.scalars(select(AuditEntry).where(AuditEntry.action == "ingest.missing_rows")).all()
        assert [e.details["items"] for e in logged] == [["cu-b", "cu-d"]]
    # another CSV does not count them as its own; an item moved to it is no longer reported by the first
    other = write(tmp_path / "b", [ROWS[1]], name="catalogue.csv")
    report = BatchReport()
    list(ingest_batch(museum_runtime, metadata=other, report=report))
    assert report.missing == []
    report = BatchReport()
    list(ingest_batch(museum_runtime, metadata=csv, report=report))
    assert [m.id for m in report.missing] == ["cu-d"]


def test_the_cli_names_them_and_how_to_withdraw_them(cli, museum_runtime, tmp_path):
    csv = write(tmp_path, ROWS)
    assert cli("ingest", "--metadata", str(csv)).exit_code == 0
    write(tmp_path, ROWS[:2])
    result = cli("ingest", "--metadata", str(csv), "--json")
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["status"] for line in lines] == ["unchanged", "unchanged"]  # the JSON lines keep their contract
    assert "in the catalogue but not in this CSV: cu-c, cu-d" in result.stderr
    assert "jinshi items withdraw cu-c cu-d" in result.stderr
    with museum_runtime.db.session() as s:
        assert s.get(Item, "cu-c").publication == Publication.PUBLISHED  # reported, not dropped


ALICE = Identity(name="alice", role="curator", museums=frozenset({"copper"}))


class Queue(list):
    def __call__(self, job_id: int) -> None:
        self.append(job_id)


def _job(runtime, store, rows, photo: bytes) -> int:
    """A web job: a photo for the first row (a job needs one upload) and the CSV."""
    rows = [rows[0].rstrip(",") + ",a.jpg", *rows[1:]]
    image = put(store, ALICE, "a.jpg", photo)
    csv = put(store, ALICE, "catalogue.csv", (HEADER + "\n".join(rows) + "\n").encode("utf-8"))
    queue = Queue()
    job_id = jobs.submit(runtime, ALICE, [image.id], csv.id, None, None, queue)
    while queue:
        jobs.run(runtime, queue.pop(0))
    return job_id


def test_a_job_reports_them_and_the_job_page_withdraws_the_ticked_ones(app, museum_runtime, tmp_path):
    from exhibits import accounts, curation
    from exhibits.identity import SYSTEM

    store = Uploads.from_runtime(museum_runtime)
    photo = make_photo(tmp_path / "a.jpg", 320, 240).read_bytes()
    first = _job(museum_runtime, store, ROWS, photo)
    assert jobs.job_view(museum_runtime, ALICE, first)["missing"] == []
    curation.set_publication(museum_runtime, SYSTEM, ["cu-a", "cu-b", "cu-c"], "publish")
    second = _job(museum_runtime, store, ROWS[:1], photo)
    view = jobs.job_view(museum_runtime, ALICE, second)
    assert view["state"] == "done"
    assert view["missing"] == [{"item": "cu-b", "publication": "published", "row": 3},
                               {"item": "cu-c", "publication": "published", "row": 4},
                               {"item": "cu-d", "publication": "draft", "row": 5}]

    with museum_runtime.db.session() as s:
        accounts.add_user(s, SYSTEM, "alice", "curator", PASSWORD, museums=["copper"])
    client = app.test_client()
    log_in(client, "alice")
    page = client.get(f"/curator/jobs/{second}?lang=en").get_data(as_text=True)
    assert "In the catalogue but not in this CSV" in page
    assert page.count('name="item"') == 2  # the published ones can be withdrawn; the draft is only named
    token = csrf_token(client, f"/curator/jobs/{second}")
    # cu-a is not in the report: a forged form cannot withdraw it through this button
    answer = client.post(f"/curator/jobs/{second}/withdraw-missing",
                         data={"csrf_token": token, "item": ["cu-b", "cu-a"]})
    assert answer.status_code == 302 and "withdrawn=cu-b" in answer.headers["Location"]
    with museum_runtime.db.session() as s:
        assert {i.id: i.publication for i in s.scalars(select(Item))} == {
            "cu-a": "published", "cu-b": "withdrawn", "cu-c": "published", "cu-d": "draft"}
    assert client.post(f"/curator/jobs/{second}/withdraw-missing", data={"item": ["cu-c"]}).status_code == 400  # CSRF
