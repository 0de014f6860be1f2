"""The job API over HTTP (Flask test client): 202 with an id, the job's state and files, refusals by status."""
from __future__ import annotations

import io

import pytest

from exhibits.uploads import Uploads
from tests.support.enqueued import Enqueued
from tests.support.media import make_photo
from tests.support.uploads import USERS, add_accounts, auth, put


@pytest.fixture
def api(app):
    add_accounts(app.extensions["jinshi"])
    app.extensions["jinshi.queue"] = Enqueued()
    return app.test_client()


def test_post_a_job_then_follow_it(api, app, museum_runtime, tmp_path):
    from ingest import jobs

    store = Uploads.from_runtime(museum_runtime)
    upload = put(store, USERS["alice"], "ding.jpg", make_photo(tmp_path / "ding.jpg", 200, 200).read_bytes())
    response = api.post("/curator/api/jobs", json={"uploads": [f"http://museum.test/curator/api/uploads/{upload.id}"],
                                                   "metadata": None, "museum": "copper", "hall": "mirrors"},
                        headers=auth("alice"))
    assert response.status_code == 202
    job_id = response.get_json()["id"]
    assert response.headers["Location"].endswith(f"/curator/api/jobs/{job_id}")
    assert app.extensions["jinshi.queue"] == [job_id]
    queued = api.get(f"/curator/api/jobs/{job_id}", headers=auth("alice")).get_json()
    assert queued["state"] == "queued" and queued["files"] == []
    jobs.run(museum_runtime, job_id)
    done = api.get(f"/curator/api/jobs/{job_id}", headers=auth("alice")).get_json()
    assert done["state"] == "done"
    assert done["files"][0]["file"] == "ding.jpg" and done["files"][0]["status"] == "ingested" and done["files"][0]["item"] == "ding"
    # another curator does not see it; an admin does
    assert api.get(f"/curator/api/jobs/{job_id}", headers=auth("bob")).status_code == 404
    assert api.get(f"/curator/api/jobs/{job_id}", headers=auth("root")).status_code == 200


def test_refusals(api, museum_runtime, tmp_path):
    store = Uploads.from_runtime(museum_runtime)
    mine = put(store, USERS["bob"], "x.jpg", make_photo(tmp_path / "x.jpg", 100, 100).read_bytes())
    assert api.post("/curator/api/jobs", json={"uploads": [mine.id]}, headers={"Authorization": "Bearer nope"}).status_code == 401
    assert api.get("/curator/api/jobs/1").status_code == 401
    not_json = api.post("/curator/api/jobs", data="uploads=1", headers=auth("bob"))
    assert not_json.status_code == 400 and "JSON object" in not_json.get_json()["error"]
    empty = api.post("/curator/api/jobs", json={"uploads": []}, headers=auth("bob"))
    assert empty.status_code == 400 and "uploads" in empty.get_json()["error"]
    elsewhere = api.post("/curator/api/jobs", json={"uploads": [mine.id], "museum": "copper", "hall": "mirrors"}, headers=auth("bob"))
    assert elsewhere.status_code == 403
    assert api.get("/curator/api/jobs/999", headers=auth("bob")).status_code == 404
    unfinished = store.create(USERS["bob"], 10, {"filename": "y.jpg"})
    store.append(USERS["bob"], unfinished.id, 0, io.BytesIO(b"12345"), 5)
    half = api.post("/curator/api/jobs", json={"uploads": [unfinished.id], "museum": "ich", "hall": "crafts"}, headers=auth("bob"))
    assert half.status_code == 400 and half.get_json()["problems"] == ["uploads[0]: y.jpg is not finished (5 of 10 bytes arrived)"]


def test_upload_creation_is_rate_limited(museum_runtime, settings):
    import dataclasses

    from viewer.app import create_app

    museum_runtime.settings = dataclasses.replace(settings, rate_limits="upload=2/minute")
    app = create_app(runtime=museum_runtime, TESTING=True)
    add_accounts(museum_runtime)
    client = app.test_client()
    headers = {**auth("alice"), "Tus-Resumable": "1.0.0", "Upload-Length": "3", "Upload-Metadata": "filename YS5qcGc="}
    assert [client.post("/curator/api/uploads/", headers=headers).status_code for _ in range(3)] == [201, 201, 429]
