"""Replacing one file of an item from its edit form: the upload, the refusals, the job that makes its derivatives."""
from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from exhibits.accounts_models import ItemRevision
from exhibits.models import Asset, AuditEntry, Change, Job
from ingest import jobs
from ingest.fixity import verify_store
from media.store import sha256_file
from tests.support.enqueued import Enqueued
from tests.support.curators import add_users, csrf_token, log_in
from tests.support.media import make_photo

#: A real photograph shipped by Debian (assimp-testmodels, installed by `make test`), and a real glTF model.
PHOTO = Path("/usr/share/assimp/models/IRRMesh/brownground_1-1.jpg")
MODEL = Path("/usr/share/assimp/models/glTF2/BoxTextured-glTF-Binary/BoxTextured.glb")


@pytest.fixture
def copper(app, museum_runtime, ingested, queued):
    add_users(museum_runtime)
    client = app.test_client()
    log_in(client, "copper")
    return client


def _asset(runtime, filename: str) -> Asset:
    with runtime.db.session() as session:
        asset = session.scalar(select(Asset).where(Asset.item_id == "cu-ding", Asset.filename == filename))
        session.expunge(asset)
        return asset


def _post(client, asset_id: int, path: Path, name: str | None = None, token: str | None = "page"):
    data = {"file": (io.BytesIO(path.read_bytes()), name or path.name)}
    if token == "page":
        data["csrf_token"] = csrf_token(client, "/curator/items/cu-ding")
    return client.post(f"/curator/items/cu-ding/assets/{asset_id}/replace", data=data, content_type="multipart/form-data")


def test_a_replaced_image_is_shown_once_its_derivatives_are_made(copper, client, museum_runtime, queued):
    old = _asset(museum_runtime, "ding.jpg")
    answer = _post(copper, old.id, PHOTO)
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/curator/items/cu-ding#files")
    new_sha = sha256_file(PHOTO)
    assert museum_runtime.store.has_original(new_sha) and len(queued) == 1

    # until the job has run: the old image everywhere, and a note on the form; never the new, underived one
    page = copper.get("/curator/items/cu-ding").get_data(as_text=True)
    assert "替换文件 brownground_1-1.jpg 正在准备" in page
    assert f"/iiif/3/{old.sha256}/full/120,/0/default.jpg" in page and new_sha not in page
    assert new_sha not in client.get("/iiif/items/cu-ding/manifest").get_data(as_text=True)

    with museum_runtime.db.session() as session:
        changes_before = [c.id for c in session.scalars(select(Change).where(Change.item_id == "cu-ding"))]
    assert jobs.run(museum_runtime, queued[0]) == "done"
    with museum_runtime.db.session() as session:
        asset = session.get(Asset, old.id)
        assert (asset.sha256, asset.filename, asset.position) == (new_sha, "brownground_1-1.jpg", old.position)
        assert (asset.width, asset.height, asset.mime) == (400, 400, "image/jpeg")
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "asset.replace")).one()
        assert entry.actor == "copper" and entry.target == "item:cu-ding"
        assert entry.details["old_sha256"] == old.sha256 and entry.details["new_sha256"] == new_sha
        new_changes = session.scalars(select(Change).where(Change.item_id == "cu-ding", Change.id.not_in(changes_before))).all()
        assert [c.action for c in new_changes] == ["Update"]  # harvesters see the new version
        revision = session.scalars(select(ItemRevision).where(ItemRevision.item_id == "cu-ding")
                                   .order_by(ItemRevision.id.desc())).first()
        assert revision.before == {"files": [f"ding.jpg ({old.sha256[:12]})"]}
        assert revision.after == {"files": [f"brownground_1-1.jpg ({new_sha[:12]})"]}

    manifest = client.get("/iiif/items/cu-ding/manifest").get_data(as_text=True)
    assert new_sha in manifest and old.sha256 not in manifest
    assert new_sha in client.get("/items/cu-ding").get_data(as_text=True)
    tile = client.get(f"/iiif/3/{new_sha}/full/120,/0/default.jpg")
    assert tile.status_code == 200 and tile.data[:3] == b"\xff\xd8\xff"
    page = copper.get("/curator/items/cu-ding").get_data(as_text=True)
    assert "正在准备" not in page

    # the old original stays in the store; verify finds nothing broken and lists it as unused
    report = verify_store(museum_runtime.db, museum_runtime.store)
    assert report["problems"] == [] and old.sha256 in report["orphans"]
    assert museum_runtime.store.verify(old.sha256) is None


def test_a_file_of_another_kind_is_refused_naming_it(copper, museum_runtime, queued, tmp_path):
    old = _asset(museum_runtime, "ding.jpg")
    answer = _post(copper, old.id, MODEL, name="new-photo.jpg")
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert "new-photo.jpg: its content is" in page and "but ding.jpg is an image file; choose an image file" in page
    assert queued == [] and not museum_runtime.store.has_original(sha256_file(MODEL))
    text = tmp_path / "notes.jpg"
    text.write_text("不是图片 <script>alert(1)</script>", encoding="utf-8")
    page = _post(copper, old.id, text).get_data(as_text=True)
    assert "notes.jpg: its content is" in page and "<script>alert(1)" not in page
    # the same file again, and no file at all
    same = tmp_path / "ding-again.jpg"
    shutil.copyfile(museum_runtime.store.original_path(old.sha256), same)
    assert "same file as ding.jpg" in _post(copper, old.id, same).get_data(as_text=True)
    token = csrf_token(copper, "/curator/items/cu-ding")
    empty = copper.post(f"/curator/items/cu-ding/assets/{old.id}/replace", data={"csrf_token": token})
    assert empty.status_code == 302
    assert queued == [] and _asset(museum_runtime, "ding.jpg").sha256 == old.sha256


def test_another_museums_curator_and_a_missing_csrf_token_are_refused(copper, app, museum_runtime, queued):
    old = _asset(museum_runtime, "ding.jpg")
    assert _post(copper, old.id, PHOTO, token=None).status_code == 400
    ich = app.test_client()
    log_in(ich, "ich")
    token = csrf_token(ich, "/curator/")
    refused = ich.post(f"/curator/items/cu-ding/assets/{old.id}/replace", content_type="multipart/form-data",
                       data={"csrf_token": token, "file": (io.BytesIO(PHOTO.read_bytes()), "x.jpg")})
    assert refused.status_code == 403
    assert copper.post("/curator/items/cu-ding/assets/999999/replace", content_type="multipart/form-data",
                       data={"csrf_token": csrf_token(copper, "/curator/"),
                             "file": (io.BytesIO(PHOTO.read_bytes()), "x.jpg")}).status_code == 404
    assert queued == [] and not museum_runtime.store.has_original(sha256_file(PHOTO))


def test_a_replacement_the_handler_cannot_use_fails_and_the_old_file_stays(copper, client, museum_runtime, queued, tmp_path):
    old = _asset(museum_runtime, "ding-back.png")
    broken = make_photo(tmp_path / "cut.png", 700, 500)
    broken.write_bytes(broken.read_bytes()[:600])  # a PNG by its first bytes, truncated
    assert _post(copper, old.id, broken).status_code == 302
    assert museum_runtime.store.has_original(sha256_file(broken))
    assert jobs.run(museum_runtime, queued[0]) == "failed"
    assert not museum_runtime.store.has_original(sha256_file(broken))  # nothing left behind for it
    assert museum_runtime.store.verify(old.sha256) is None
    with museum_runtime.db.session() as session:
        job = session.get(Job, queued[0])
        assert job.kind == "replace" and job.error.startswith("cut.png: ")
        assert session.get(Asset, old.id).sha256 == old.sha256
        assert session.scalars(select(AuditEntry).where(AuditEntry.action == "asset.replace")).first() is None
    page = copper.get("/curator/items/cu-ding").get_data(as_text=True)
    assert re.search(r'class="form-error replace-failed">[^<]*cut\.png: ', page)
    assert old.sha256 in client.get("/iiif/items/cu-ding/manifest").get_data(as_text=True)
    # run twice (a duplicated message): claimed once only
    assert jobs.run(museum_runtime, queued[0]) == "skipped"


def test_a_real_worker_runs_the_replace_job_from_the_queue(app, museum_runtime, ingested, client, tmp_path):
    """The form enqueues on huey's SQLite storage; a `jinshi worker` process makes the derivatives and switches."""
    import time

    from tests.support.workers import Workers

    add_users(museum_runtime)
    copper = app.test_client()
    log_in(copper, "copper")
    old = _asset(museum_runtime, "ding.jpg")
    new = make_photo(tmp_path / "ding-2026.jpg", 640, 480)
    assert _post(copper, old.id, new).status_code == 302
    pool = Workers(museum_runtime.settings, tmp_path)
    pool.start()
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            with museum_runtime.db.session() as session:
                job = session.scalars(select(Job).where(Job.kind == "replace")).one()
                if job.state in ("done", "failed"):
                    break
            time.sleep(0.1)
        assert job.state == "done", (job.state, job.error, pool.logs())
    finally:
        pool.stop()
    sha = sha256_file(new)
    with museum_runtime.db.session() as session:
        assert (session.get(Asset, old.id).sha256, session.get(Asset, old.id).width) == (sha, 640)
    assert sha in client.get("/iiif/items/cu-ding/manifest").get_data(as_text=True)
    assert client.get(f"/iiif/3/{sha}/full/max/0/default.jpg").status_code == 200


def test_a_3d_model_is_replaced_by_another_model_and_not_by_an_image(app, museum_runtime, client, queued, tmp_path):
    """Debian's glTF sample models (assimp-testmodels): the model handler makes the new derivatives."""
    from ingest.batch import ingest_batch
    from ingest.repair import check_derivatives, expected_derivatives

    folder = tmp_path / "models"
    folder.mkdir()
    shutil.copyfile(MODEL, folder / "box.glb")
    (folder / "models.csv").write_text("id,museum,hall,title_zh,files\ncu-box,copper,mirrors,铜盒,box.glb\n", encoding="utf-8")
    assert [r.status for r in ingest_batch(museum_runtime, metadata=folder / "models.csv")] == ["ingested"]
    add_users(museum_runtime)
    copper = app.test_client()
    log_in(copper, "copper")
    with museum_runtime.db.session() as session:
        asset = session.scalar(select(Asset).where(Asset.item_id == "cu-box", Asset.kind == "model"))
        asset_id, old_sha = asset.id, asset.sha256
    token = csrf_token(copper, "/curator/items/cu-box")
    photo = copper.post(f"/curator/items/cu-box/assets/{asset_id}/replace", content_type="multipart/form-data",
                        data={"csrf_token": token, "file": (io.BytesIO(PHOTO.read_bytes()), "box-v2.glb")})
    assert photo.status_code == 400 and "box-v2.glb: its content is" in photo.get_data(as_text=True)
    other = Path("/usr/share/assimp/models/glTF2/BoxBadNormals-glTF-Binary/BoxBadNormals.glb")
    answer = copper.post(f"/curator/items/cu-box/assets/{asset_id}/replace", content_type="multipart/form-data",
                         data={"csrf_token": token, "file": (io.BytesIO(other.read_bytes()), "box-v2.glb")})
    assert answer.status_code == 302 and jobs.run(museum_runtime, queued[0]) == "done"
    new_sha = sha256_file(other)
    with museum_runtime.db.session() as session:
        asset = session.get(Asset, asset_id)
        assert (asset.sha256, asset.kind, asset.filename) == (new_sha, "model", "box-v2.glb")
        expected = expected_derivatives(asset)
    assert expected and all(museum_runtime.store.derivative_path(new_sha, n).is_file() for n in expected)
    assert check_derivatives(museum_runtime.db, museum_runtime.store) == []  # what `jinshi verify` checks
    manifest = client.get("/iiif/items/cu-box/manifest").get_data(as_text=True)
    assert new_sha in manifest and old_sha not in manifest


def test_replacing_spends_the_upload_rate_limit(museum_runtime, ingested, settings):
    import dataclasses

    from viewer.app import create_app

    museum_runtime.settings = dataclasses.replace(settings, rate_limits="upload=2/minute")
    app = create_app(runtime=museum_runtime, TESTING=True)
    app.extensions["jinshi.queue"] = Enqueued()
    add_users(museum_runtime)
    copper = app.test_client()
    log_in(copper, "copper")
    old = _asset(museum_runtime, "ding.jpg")
    assert [_post(copper, old.id, MODEL).status_code for _ in range(3)] == [400, 400, 429]
