"""A file replacement is a job like an upload: listed and followed in the jobs API and on the curator's pages."""
from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import select

from exhibits.models import Asset, Job
from ingest import jobs
from tests.support.curators import add_users, csrf_token, log_in
from tests.support.media import make_photo

#: A real photograph shipped by Debian (assimp-testmodels, installed by `make test`).
PHOTO = Path("/usr/share/assimp/models/IRRMesh/brownground_1-1.jpg")


def _client(app, name):
    client = app.test_client()
    log_in(client, name)
    return client


def _asset_id(runtime, filename: str) -> int:
    with runtime.db.session() as session:
        return session.scalar(select(Asset.id).where(Asset.item_id == "cu-ding", Asset.filename == filename))


def _replace(client, asset_id: int, path: Path, name: str | None = None) -> None:
    answer = client.post(f"/curator/items/cu-ding/assets/{asset_id}/replace", content_type="multipart/form-data",
                         data={"csrf_token": csrf_token(client, "/curator/items/cu-ding"),
                               "file": (io.BytesIO(path.read_bytes()), name or path.name)})
    assert answer.status_code == 302, answer.get_data(as_text=True)[:500]


def test_replace_jobs_are_in_the_jobs_api_with_their_item_state_progress_and_error(
        app, museum_runtime, ingested, queued, tmp_path):
    add_users(museum_runtime)
    copper, ich, admin = (_client(app, name) for name in ("copper", "ich", "admin"))
    ding = _asset_id(museum_runtime, "ding.jpg")
    _replace(copper, ding, PHOTO)
    [job_id] = queued

    listed = copper.get("/curator/api/jobs").get_json()
    [entry] = [j for j in listed["jobs"] if j["id"] == job_id]
    assert {k: entry[k] for k in ("kind", "state", "item", "asset", "museum", "filename", "progress", "total", "error")} == {
        "kind": "replace", "state": "queued", "item": "cu-ding", "asset": ding, "museum": "copper",
        "filename": "brownground_1-1.jpg", "progress": 0, "total": 1, "error": None}
    assert entry["url"].endswith(f"/curator/api/jobs/{job_id}")
    one = copper.get(f"/curator/api/jobs/{job_id}")
    assert one.status_code == 200 and (one.get_json()["kind"], one.get_json()["item"]) == ("replace", "cu-ding")

    assert jobs.run(museum_runtime, job_id) == "done"
    done = copper.get(f"/curator/api/jobs/{job_id}").get_json()
    assert (done["state"], done["progress"], done["files"][0]["status"]) == ("done", 1, "ingested")

    # a replacement that fails is listed failed with the reason
    broken = make_photo(tmp_path / "cut.png", 700, 500)
    broken.write_bytes(broken.read_bytes()[:600])
    _replace(copper, _asset_id(museum_runtime, "ding-back.png"), broken)
    assert jobs.run(museum_runtime, queued[1]) == "failed"
    failed = copper.get("/curator/api/jobs?kind=replace&state=failed").get_json()["jobs"]
    assert [j["id"] for j in failed] == [queued[1]] and failed[0]["error"].startswith("cut.png: ")

    # permissions as for upload jobs: another museum's curator sees neither, an admin sees both
    assert [j["id"] for j in ich.get("/curator/api/jobs").get_json()["jobs"]] == []
    assert ich.get(f"/curator/api/jobs/{job_id}").status_code == 404
    assert {job_id, queued[1]} <= {j["id"] for j in admin.get("/curator/api/jobs").get_json()["jobs"]}
    assert app.test_client().get("/curator/api/jobs").status_code == 401
    # it is not run again through the upload job's retry
    retry = copper.post(f"/curator/api/jobs/{job_id}/retry", json={"replace": {}},
                        headers={"X-CSRFToken": csrf_token(copper, "/curator/uploads")})
    assert retry.status_code == 409 and "edit form" in retry.get_json()["error"]


def test_the_curator_pages_show_replace_jobs(app, museum_runtime, ingested, queued):
    add_users(museum_runtime)
    copper = _client(app, "copper")
    _replace(copper, _asset_id(museum_runtime, "ding.jpg"), PHOTO, name="新<img src=x>.jpg")
    [job_id] = queued
    uploads = copper.get("/curator/uploads?lang=en").get_data(as_text=True)
    assert f'href="/curator/jobs/{job_id}"' in uploads
    assert 'File replacement: <a href="/curator/items/cu-ding#files">cu-ding</a>' in uploads
    page = copper.get(f"/curator/jobs/{job_id}?lang=en")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and f"File replacement #{job_id}" in html
    assert "新&lt;img src=x&gt;.jpg" in html and "<img src=x>" not in html
    assert 'id="job-publish"' not in html  # the item keeps its publication
    token = csrf_token(copper, f"/curator/jobs/{job_id}")
    assert copper.post(f"/curator/jobs/{job_id}/publish", data={"csrf_token": token}).status_code == 404


def test_the_jobs_list_pages_on_and_refuses_bad_arguments(app, museum_runtime, ingested, queued):
    add_users(museum_runtime)
    copper = _client(app, "copper")
    with museum_runtime.db.session() as session:
        session.add_all(Job(kind="replace", state="done", owner="copper", payload={"item": "cu-ding"}, total=1)
                        for _ in range(5))
    first = copper.get("/curator/api/jobs?limit=3").get_json()
    assert len(first["jobs"]) == 3 and first["next"]
    parts = urlsplit(first["next"])
    rest = copper.get(f"{parts.path}?{parts.query}").get_json()
    ids = [j["id"] for j in first["jobs"] + rest["jobs"]]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 5 and rest["next"] is None
    for query, field in (("limit=x", "limit"), ("before=-1", "before"), ("kind=reindex", "kind"), ("state=lost", "state")):
        answer = copper.get(f"/curator/api/jobs?{query}")
        assert answer.status_code == 400 and answer.get_json()["error"].startswith(f"{field}:"), query


def test_a_pending_replacement_is_found_behind_any_number_of_other_jobs(app, museum_runtime, ingested, queued):
    """The edit page's note comes from one query over the item's replace jobs, not from the latest 500 jobs."""
    add_users(museum_runtime)
    copper = _client(app, "copper")
    ding = _asset_id(museum_runtime, "ding.jpg")
    with museum_runtime.db.session() as session:
        session.add(Job(kind="replace", state="queued", owner="copper", total=1,
                        payload={"item": "cu-ding", "asset": ding, "filename": "ding-2027.jpg"}))
        session.flush()
        session.add_all(Job(kind="replace", state="done", owner="copper", total=1,
                            payload={"item": f"other-{n}", "asset": n, "filename": "x.jpg"}) for n in range(520))
    page = copper.get("/curator/items/cu-ding").get_data(as_text=True)
    assert "替换文件 ding-2027.jpg 正在准备" in page
