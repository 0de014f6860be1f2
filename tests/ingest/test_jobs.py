"""Ingest jobs from uploads, run in this process (the worker tests run real worker processes)."""
from __future__ import annotations

import io
import os
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from exhibits.identity import Identity, PermissionDenied
from exhibits.models import Asset, Item, Job, utcnow
from exhibits.states import Publication
from exhibits.uploads import Upload, Uploads
from ingest import jobs
from tests.support.media import make_photo
from tests.support.uploads import put

ALICE = Identity(name="alice", role="curator", museums=frozenset({"copper"}))
BOB = Identity(name="bob", role="curator", museums=frozenset({"ich"}))
HEADER = "id,museum,hall,section,title_zh,title_en,files\n"


@pytest.fixture
def store(museum_runtime):
    return Uploads.from_runtime(museum_runtime)


def photo(tmp_path, name: str, width: int = 320, height: int = 240) -> bytes:
    return make_photo(tmp_path / "src" / name, width, height).read_bytes()


class Queue(list):
    def __call__(self, job_id: int) -> None:
        self.append(job_id)


def run_all(runtime, queue: Queue) -> None:
    while queue:
        jobs.run(runtime, queue.pop(0))


def csv_upload(store, identity, rows: list[str], name: str = "batch.csv"):
    return put(store, identity, name, (HEADER + "\n".join(rows) + "\n").encode("utf-8"))


def test_a_batch_with_its_csv_becomes_draft_items_and_a_bad_file_fails_alone(museum_runtime, store, tmp_path):
    good = put(store, ALICE, "ding.jpg", photo(tmp_path, "ding.jpg"))
    back = put(store, ALICE, "ding-back.png", photo(tmp_path, "back.png"))
    truncated = put(store, ALICE, "mirror.jpg", photo(tmp_path, "mirror.jpg")[:600])
    bomb = zipfile.ZipFile(buffer := io.BytesIO(), "w", zipfile.ZIP_DEFLATED)
    bomb.writestr("model.obj", b"v 0 0 0\n" * 2_000_000)  # 16 MB of vertices in a few kB
    bomb.close()
    bundle = put(store, ALICE, "vase.zip", buffer.getvalue())
    csv = csv_upload(store, ALICE, [
        "cu-ding,copper,bronze-vessels,shang,兽面纹鼎,Ding,images/ding.jpg;images/ding-back.png",
        "cu-mirror,copper,mirrors,,铜镜,Mirror,mirror.jpg",
        "cu-vase,copper,mirrors,,瓶,Vase,vase.zip",
        "cu-record,copper,mirrors,,铜锭,Ingot,",
    ])
    queue = Queue()
    job_id = jobs.submit(museum_runtime, ALICE, [f"http://x/curator/api/uploads/{good.id}", back.id, truncated.id, bundle.id],
                         csv.id, None, None, queue)
    assert queue == [job_id]
    view = jobs.job_view(museum_runtime, ALICE, job_id)
    assert view["state"] == "queued" and view["total"] == 5
    run_all(museum_runtime, queue)

    view = jobs.job_view(museum_runtime, ALICE, job_id)
    assert view["state"] == "done"
    by_file = {f["file"]: f for f in view["files"]}
    assert by_file["images/ding.jpg"]["status"] == "ingested" and by_file["images/ding.jpg"]["image_id"]
    assert by_file["images/ding.jpg"]["upload"] == good.id
    assert by_file["mirror.jpg"]["status"] == "failed" and by_file["mirror.jpg"]["error"].startswith("mirror.jpg:")
    assert by_file["vase.zip"]["status"] == "failed" and "vase.zip" in by_file["vase.zip"]["error"]
    assert not any(str(museum_runtime.settings.home) in (f.get("error") or "") + f["file"] for f in view["files"] if f["file"])
    with museum_runtime.db.session() as session:
        ding = session.get(Item, "cu-ding")
        assert ding.state == "ready" and ding.publication == Publication.DRAFT and len(ding.assets) == 2
        assert session.get(Item, "cu-mirror").state == "failed"
        assert session.get(Item, "cu-record").state == "ready"
    jobs_root = museum_runtime.settings.home / "jobs"
    assert not jobs_root.exists() or list(jobs_root.iterdir()) == []  # the workspace is gone


def test_without_a_csv_each_upload_becomes_a_draft_item(museum_runtime, store, tmp_path):
    uploads = [put(store, ALICE, name, photo(tmp_path, name)) for name in ("鼎 正面.jpg", "mirror.png")]
    queue = Queue()
    job_id = jobs.submit(museum_runtime, ALICE, [u.id for u in uploads], None, "copper", "mirrors", queue)
    run_all(museum_runtime, queue)
    view = jobs.job_view(museum_runtime, ALICE, job_id)
    assert [f["status"] for f in view["files"]] == ["ingested", "ingested"]
    with museum_runtime.db.session() as session:
        items = session.scalars(select(Item)).all()
        assert {i.publication for i in items} == {Publication.DRAFT}
        assert len(items) == 2


def test_refusals_name_the_upload_or_row(museum_runtime, store, tmp_path):
    queue = Queue()
    ding = put(store, ALICE, "ding.jpg", photo(tmp_path, "ding.jpg"))
    half = store.create(ALICE, 1000, {"filename": "half.jpg"})
    store.append(ALICE, half.id, 0, io.BytesIO(b"\xff\xd8\xff" + b"0" * 97), 100)

    def refused(*args) -> list[str]:
        with pytest.raises(jobs.JobError) as info:
            jobs.submit(museum_runtime, ALICE, *args, queue)
        assert info.value.status == 400
        return info.value.problems

    assert "half.jpg is not finished (100 of 1000 bytes arrived)" in refused([ding.id, half.id], None, "copper", "mirrors")[0]
    assert "no such upload" in refused(["0" * 32], None, "copper", "mirrors")[0]
    assert "say where the items go" in refused([ding.id], None, None, None)[0]
    missing = csv_upload(store, ALICE, ["cu-a,copper,mirrors,,甲,A,ding.jpg;photos/back.jpg"])
    assert refused([ding.id], missing.id, None, None) == ["metadata: row 2: file photos/back.jpg was not uploaded"]
    bad_csv = csv_upload(store, ALICE, ["cu-a,copper,nowhere,,甲,A,ding.jpg"], name="bad.csv")
    assert "hall 'nowhere' is not defined" in refused([ding.id], bad_csv.id, None, None)[0]
    not_csv = put(store, ALICE, "list.csv", photo(tmp_path, "x.jpg"))
    assert "is not a CSV or .xlsx file (its content is" in refused([ding.id], not_csv.id, None, None)[0]
    # someone else's upload is simply unknown
    bobs = put(store, BOB, "b.jpg", photo(tmp_path, "b.jpg"))
    assert "no such upload" in refused([bobs.id], None, "copper", "mirrors")[0]
    assert queue == []
    with museum_runtime.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Job)) == 0


def test_a_curator_cannot_upload_into_another_museum_or_take_over_its_items(museum_runtime, store, tmp_path):
    queue = Queue()
    theirs = put(store, BOB, "x.jpg", photo(tmp_path, "x.jpg"))
    with pytest.raises(PermissionDenied):
        jobs.submit(museum_runtime, BOB, [theirs.id], None, "copper", "mirrors", queue)
    row_elsewhere = csv_upload(store, BOB, ["cu-a,copper,mirrors,,甲,A,x.jpg"])
    with pytest.raises(PermissionDenied, match="may not upload to museum 'copper'"):
        jobs.submit(museum_runtime, BOB, [theirs.id], row_elsewhere.id, "ich", "crafts", queue)
    # an id that already belongs to the copper museum cannot be moved into ich by a CSV row
    mine = put(store, ALICE, "x.jpg", photo(tmp_path, "x.jpg"))
    jobs.submit(museum_runtime, ALICE, [mine.id], None, "copper", "mirrors", queue)
    run_all(museum_runtime, queue)
    takeover = csv_upload(store, BOB, ["x,ich,crafts,,甲,A,x.jpg"])
    with pytest.raises(PermissionDenied, match="item x: exists in museum 'copper'"):
        jobs.submit(museum_runtime, BOB, [theirs.id], takeover.id, None, None, queue)
    assert queue == []
    with pytest.raises(jobs.JobError) as hidden:
        jobs.job_view(museum_runtime, BOB, 1)
    assert hidden.value.status == 404


def test_a_job_runs_once_however_often_it_is_delivered(museum_runtime, store, tmp_path):
    upload = put(store, ALICE, "ding.jpg", photo(tmp_path, "ding.jpg"))
    queue = Queue()
    job_id = jobs.submit(museum_runtime, ALICE, [upload.id], None, "copper", "mirrors", queue)
    assert jobs.claim(museum_runtime, job_id, "host:1", utcnow())
    assert jobs.run(museum_runtime, job_id, worker="host:2") == "skipped"  # held by a live worker
    assert jobs.recover(museum_runtime, queue, now=utcnow() + timedelta(seconds=5)) == []  # its lease holds
    # the first worker vanished without a trace: after its lease another worker takes the job over
    later = utcnow() + jobs.LEASE + timedelta(seconds=1)
    assert jobs.run(museum_runtime, job_id, worker="host:3", clock=lambda: later) == "done"
    assert jobs.run(museum_runtime, job_id, worker="host:4") == "skipped"
    with museum_runtime.db.session() as session:
        job = session.get(Job, job_id)
        assert (job.state, job.attempts, job.worker) == ("done", 2, "host:3")
        assert session.scalar(select(func.count()).select_from(Asset)) == 1


def test_a_file_written_by_a_killed_attempt_is_reported_ingested_not_unchanged(museum_runtime, store, tmp_path):
    """The worker died between committing an item and recording it in the job: the take-over must not call it unchanged."""
    old_bytes = photo(tmp_path, "old.jpg", 200, 200)
    queue = Queue()
    first = jobs.submit(museum_runtime, ALICE, [put(store, ALICE, "old.jpg", old_bytes).id], None, "copper", "mirrors", queue)
    assert jobs.run(museum_runtime, first) == "done"
    again = put(store, ALICE, "old.jpg", old_bytes)  # ingested before this job: it stays unchanged
    new = put(store, ALICE, "ding.jpg", photo(tmp_path, "ding.jpg"))
    job_id = jobs.submit(museum_runtime, ALICE, [again.id, new.id], None, "copper", "mirrors", queue)
    assert jobs.run(museum_runtime, job_id, worker="host:1") == "done"
    with museum_runtime.db.session() as session:  # as if host:1 died after the items' commits, before its records
        job = session.get(Job, job_id)
        job.state, job.files, job.progress, job.worker, job.lease_until, job.finished = "running", [], 0, "host:1", utcnow(), None
    later = utcnow() + jobs.LEASE + timedelta(seconds=1)
    assert jobs.run(museum_runtime, job_id, worker="host:2", clock=lambda: later) == "done"
    with museum_runtime.db.session() as session:
        job = session.get(Job, job_id)
        assert job.attempts == 2
        assert {f["file"]: f["status"] for f in job.files} == {"old.jpg": "unchanged", "ding.jpg": "ingested"}


def test_recover_requeues_the_job_of_a_dead_local_worker_and_gives_up_after_three_deaths(museum_runtime, store, tmp_path):
    upload = put(store, ALICE, "ding.jpg", photo(tmp_path, "ding.jpg"))
    queue = Queue()
    job_id = jobs.submit(museum_runtime, ALICE, [upload.id], None, "copper", "mirrors", queue)
    queue.clear()
    import subprocess
    import socket

    dead = subprocess.Popen(["true"])
    dead.wait()
    for attempt in range(jobs.MAX_ATTEMPTS):
        assert jobs.claim(museum_runtime, job_id, f"{socket.gethostname()}:{dead.pid}", utcnow())
        assert jobs.recover(museum_runtime, queue) == [job_id]
    assert jobs.run(museum_runtime, queue.pop()) == "failed"
    view = jobs.job_view(museum_runtime, ALICE, job_id)
    assert "a worker stopped during this job 3 times" in view["error"]
    left = museum_runtime.settings.home / "jobs" / f"{job_id}-otherhost-4242-1"  # a killed worker's workspace
    left.mkdir(parents=True)
    jobs.recover(museum_runtime, queue)
    assert not left.exists()
    with museum_runtime.db.session() as session:
        assert session.get(Item, "ding") is None  # nothing half-visible


def test_a_failed_file_is_replaced_and_retried_without_the_others(museum_runtime, store, tmp_path):
    ding = put(store, ALICE, "ding.jpg", photo(tmp_path, "ding.jpg"))
    broken = put(store, ALICE, "mirror.jpg", b"\xff\xd8\xff\xe0" + os.urandom(300))
    csv = csv_upload(store, ALICE, ["cu-ding,copper,mirrors,,鼎,Ding,ding.jpg", "cu-mirror,copper,mirrors,,镜,Mirror,mirror.jpg"])
    queue = Queue()
    job_id = jobs.submit(museum_runtime, ALICE, [ding.id, broken.id], csv.id, None, None, queue)
    run_all(museum_runtime, queue)
    failed = [f for f in jobs.job_view(museum_runtime, ALICE, job_id)["files"] if f["status"] == "failed"]
    assert [f["file"] for f in failed] == ["mirror.jpg"]

    with museum_runtime.db.session() as session:
        ding_assets = [a.id for a in session.get(Item, "cu-ding").assets]
    fixed = put(store, ALICE, "mirror (fixed).jpg", photo(tmp_path, "mirror-fixed.jpg"))
    with pytest.raises(jobs.JobError):
        jobs.retry(museum_runtime, ALICE, job_id, {"nothere.jpg": fixed.id}, queue)
    jobs.retry(museum_runtime, ALICE, job_id, {"mirror.jpg": fixed.id}, queue)
    assert jobs.job_view(museum_runtime, ALICE, job_id)["state"] == "queued"
    run_all(museum_runtime, queue)
    view = jobs.job_view(museum_runtime, ALICE, job_id)
    assert view["state"] == "done"
    assert {f["file"]: f["status"] for f in view["files"]} == {"ding.jpg": "ingested", "mirror.jpg": "ingested"}
    with museum_runtime.db.session() as session:
        assert session.get(Upload, fixed.id).filename == "mirror.jpg"
        assert session.get(Item, "cu-mirror").state == "ready"
        assert [a.id for a in session.get(Item, "cu-ding").assets] == ding_assets  # not written again


def test_hostile_files_in_a_batch_fail_alone_with_their_reason(museum_runtime, store, tmp_path):
    good = put(store, ALICE, "ding.jpg", photo(tmp_path, "ding.jpg"))
    script = put(store, ALICE, "label.jpg", b"<html><script>alert(document.cookie)</script></html>")
    program = put(store, ALICE, "viewer.png", b"MZ\x90\x00" + os.urandom(2000))
    queue = Queue()
    job_id = jobs.submit(museum_runtime, ALICE, [good.id, script.id, program.id], None, "copper", "mirrors", queue)
    run_all(museum_runtime, queue)
    files = {f["file"]: f for f in jobs.job_view(museum_runtime, ALICE, job_id)["files"]}
    assert files["ding.jpg"]["status"] == "ingested"
    for name in ("label.jpg", "viewer.png"):
        assert files[name]["status"] == "failed" and files[name]["error"].startswith(f"{name}: ")
    with museum_runtime.db.session() as session:
        assert session.get(Item, "ding").state == "ready"
        assert {session.get(Item, "label").state, session.get(Item, "viewer").state} == {"failed"}
