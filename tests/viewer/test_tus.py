"""The tus 1.0.0 server, driven by tuspy (the tus project's Python client) over a real loopback server."""
from __future__ import annotations

import base64
import dataclasses
import hashlib
import os
import socket
from urllib.parse import urlsplit

import pytest
import requests
from tusclient import client as tus_client
from tusclient.exceptions import TusCommunicationError

from exhibits.uploads import Upload
from tests.support.live import serve
from tests.support.uploads import TOKENS, add_accounts, auth

TUS = {"Tus-Resumable": "1.0.0"}


@pytest.fixture
def server(app, settings):
    app.extensions["jinshi"].settings = dataclasses.replace(settings, base_url="", max_file_bytes=8 * 1024 * 1024)
    add_accounts(app.extensions["jinshi"])
    with serve(app) as url:
        yield url


def endpoint(server: str) -> str:
    return f"{server}/curator/api/uploads/"


def tus(server: str, user: str = "alice") -> tus_client.TusClient:
    return tus_client.TusClient(endpoint(server), headers={**auth(user)})


@pytest.fixture
def big_file(tmp_path):
    path = tmp_path / "scan of 青铜鼎.tif"
    path.write_bytes(os.urandom(3 * 1024 * 1024 + 12345))
    return path


def stored(runtime, url: str):
    upload_id = url.rstrip("/").rsplit("/", 1)[-1]
    return runtime.settings.uploads_root / upload_id, upload_id


def test_options_advertise_version_extensions_and_max_size(server):
    response = requests.options(endpoint(server))
    assert response.status_code == 204
    assert response.headers["Tus-Version"] == "1.0.0"
    assert set(response.headers["Tus-Extension"].split(",")) == {"creation", "termination"}
    assert response.headers["Tus-Max-Size"] == str(8 * 1024 * 1024)


def test_tuspy_uploads_a_file_in_chunks_stored_under_a_random_id(server, big_file, museum_runtime):
    uploader = tus(server).uploader(str(big_file), chunk_size=512 * 1024, metadata={"filename": big_file.name})
    uploader.upload()
    path, upload_id = stored(museum_runtime, uploader.url)
    assert path.read_bytes() == big_file.read_bytes()
    assert big_file.name not in os.listdir(path.parent)  # the client's name is only metadata
    assert len(upload_id) == 32 and upload_id.isalnum()
    with museum_runtime.db.session() as session:
        row = session.get(Upload, upload_id)
        assert (row.filename, row.owner, row.offset, row.length) == (big_file.name, "alice", big_file.stat().st_size, big_file.stat().st_size)
    head = requests.head(uploader.url, headers={**TUS, **auth("alice")})
    assert head.headers["Upload-Offset"] == head.headers["Upload-Length"] == str(big_file.stat().st_size)
    assert head.headers["Cache-Control"] == "no-store"
    name = dict(p.split(" ") for p in head.headers["Upload-Metadata"].split(","))["filename"]
    assert base64.b64decode(name).decode() == big_file.name


def test_tuspy_resumes_an_interrupted_upload_where_it_stopped(server, big_file, museum_runtime):
    size = big_file.stat().st_size
    first = tus(server).uploader(str(big_file), chunk_size=512 * 1024, metadata={"filename": big_file.name})
    first.upload(stop_at=1024 * 1024)  # the laptop goes to sleep after 1 MiB
    path, _ = stored(museum_runtime, first.url)
    assert path.stat().st_size == 1024 * 1024

    # a new client process knows only the upload URL: it asks for the offset and goes on from there
    patches = []
    second = tus(server).uploader(str(big_file), chunk_size=512 * 1024, url=first.url)
    assert second.offset == 1024 * 1024
    original = second.upload_chunk

    def counting():
        patches.append(second.offset)
        original()

    second.upload_chunk = counting
    second.upload()
    assert patches[0] == 1024 * 1024  # nothing sent twice
    assert hashlib.sha256(path.read_bytes()).digest() == hashlib.sha256(big_file.read_bytes()).digest()
    assert path.stat().st_size == size


def test_a_patch_cut_off_mid_body_keeps_what_arrived_and_resumes(server, big_file, museum_runtime):
    data = big_file.read_bytes()
    uploader = tus(server).uploader(str(big_file), chunk_size=1024 * 1024, metadata={"filename": big_file.name})
    uploader.set_url(uploader.create_url())
    # a raw PATCH announcing 2 MiB whose connection drops after 700 000 bytes
    parts = urlsplit(uploader.url)
    with socket.create_connection((parts.hostname, parts.port)) as sock:
        sock.sendall(
            f"PATCH {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nTus-Resumable: 1.0.0\r\nAuthorization: Bearer {TOKENS['alice']}\r\n"
            f"Upload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\nContent-Length: {2 * 1024 * 1024}\r\n\r\n".encode()
            + data[:700_000]
        )
        sock.shutdown(socket.SHUT_WR)
        sock.settimeout(10)
        try:
            while sock.recv(65536):
                pass
        except OSError:
            pass
    resumed = tus(server).uploader(str(big_file), chunk_size=1024 * 1024, url=uploader.url)
    assert resumed.offset == 700_000
    resumed.upload()
    path, _ = stored(museum_runtime, uploader.url)
    assert path.read_bytes() == data


def test_wrong_offset_is_409_and_nothing_is_written(server, big_file, museum_runtime):
    uploader = tus(server).uploader(str(big_file), chunk_size=1024, metadata={"filename": "a.jpg"})
    uploader.upload(stop_at=1024)
    response = requests.patch(uploader.url, data=b"x" * 10, headers={
        **TUS, **auth("alice"), "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"})
    assert response.status_code == 409
    assert response.headers["Upload-Offset"] == "1024"
    assert "does not match" in response.json()["error"]
    path, _ = stored(museum_runtime, uploader.url)
    assert path.stat().st_size == 1024


def test_patch_needs_the_tus_content_type_and_version(server, big_file):
    uploader = tus(server).uploader(str(big_file), chunk_size=1024, metadata={"filename": "a.jpg"})
    uploader.set_url(uploader.create_url())
    headers = {**TUS, **auth("alice"), "Upload-Offset": "0"}
    assert requests.patch(uploader.url, data=b"abc", headers={**headers, "Content-Type": "text/plain"}).status_code == 415
    old = requests.patch(uploader.url, data=b"abc", headers={**headers, "Tus-Resumable": "0.2.2", "Content-Type": "application/offset+octet-stream"})
    assert old.status_code == 412 and old.headers["Tus-Version"] == "1.0.0"
    bad = requests.patch(uploader.url, data=b"abc", headers={**headers, "Upload-Offset": "-1", "Content-Type": "application/offset+octet-stream"})
    assert bad.status_code == 400 and "Upload-Offset" in bad.json()["error"]


def test_over_the_size_limit_is_refused_before_anything_is_stored(server, museum_runtime):
    response = requests.post(endpoint(server), headers={
        **TUS, **auth("alice"), "Upload-Length": str(8 * 1024 * 1024 + 1),
        "Upload-Metadata": "filename " + base64.b64encode(b"huge.mp4").decode()})
    assert response.status_code == 413
    assert "JINSHI_MAX_FILE_BYTES" in response.json()["error"]
    root = museum_runtime.settings.uploads_root
    assert not root.exists() or list(root.iterdir()) == []
    with museum_runtime.db.session() as session:
        assert session.query(Upload).count() == 0


def test_a_body_past_the_announced_length_is_refused(server, museum_runtime):
    created = requests.post(endpoint(server), headers={
        **TUS, **auth("alice"), "Upload-Length": "10", "Upload-Metadata": "filename " + base64.b64encode(b"a.txt").decode()})
    assert created.status_code == 201
    response = requests.patch(created.headers["Location"], data=b"y" * 11, headers={
        **TUS, **auth("alice"), "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"})
    assert response.status_code == 413
    path, _ = stored(museum_runtime, created.headers["Location"])
    assert path.stat().st_size == 0


@pytest.mark.parametrize("name, problem", [
    ("../../etc/passwd", "not a path"),
    ("photos/ding.jpg", "not a path"),
    ("..\\boot.ini", "not a path"),
    ("ding\x00.jpg", "control character"),
    ("line\nbreak.jpg", "control character"),
    ("..", "not a usable file name"),
    ("鼎" * 90 + ".jpg", "over the limit of 255"),
    ("", "missing"),
])
def test_hostile_filenames_are_refused_with_the_reason(server, name, problem, museum_runtime):
    metadata = "filename " + base64.b64encode(name.encode()).decode() if name else "filetype " + base64.b64encode(b"image/jpeg").decode()
    response = requests.post(endpoint(server), headers={**TUS, **auth("alice"), "Upload-Length": "5", "Upload-Metadata": metadata})
    assert response.status_code == 400
    assert "filename" in response.json()["error"] and problem in response.json()["error"]
    root = museum_runtime.settings.uploads_root
    assert not root.exists() or list(root.iterdir()) == []


def test_malformed_headers_name_the_header(server):
    bad_length = requests.post(endpoint(server), headers={**TUS, **auth("alice"), "Upload-Length": "lots"})
    assert bad_length.status_code == 400 and "Upload-Length" in bad_length.json()["error"]
    bad_metadata = requests.post(endpoint(server), headers={**TUS, **auth("alice"), "Upload-Length": "5", "Upload-Metadata": "filename ***"})
    assert bad_metadata.status_code == 400 and "Upload-Metadata" in bad_metadata.json()["error"]


def test_another_users_upload_is_not_found(server, big_file):
    uploader = tus(server, "alice").uploader(str(big_file), chunk_size=1024 * 1024, metadata={"filename": "a.tif"})
    uploader.upload(stop_at=1024 * 1024)
    for method in ("head", "patch", "delete"):
        response = requests.request(method, uploader.url, data=b"z", headers={
            **TUS, **auth("bob"), "Upload-Offset": str(1024 * 1024), "Content-Type": "application/offset+octet-stream"})
        assert response.status_code == 404, method
    with pytest.raises(TusCommunicationError):
        tus(server, "bob").uploader(str(big_file), chunk_size=1024, url=uploader.url)
    assert requests.head(uploader.url, headers={**TUS, **auth("alice")}).headers["Upload-Offset"] == str(1024 * 1024)


def test_without_valid_credentials_the_api_answers_401(server, big_file):
    uploader = tus(server).uploader(str(big_file), chunk_size=1024, metadata={"filename": "a.jpg"})
    uploader.set_url(uploader.create_url())
    assert requests.head(uploader.url, headers=TUS).status_code == 401
    forged = {**TUS, "Authorization": "Bearer jinshi_not-a-real-token", "Upload-Length": "5"}
    assert requests.post(endpoint(server), headers=forged).status_code == 401
    assert requests.patch(uploader.url, data=b"abc", headers={**forged, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"}).status_code == 401


def test_termination_removes_the_bytes(server, big_file, museum_runtime):
    uploader = tus(server).uploader(str(big_file), chunk_size=1024 * 1024, metadata={"filename": "a.tif"})
    uploader.upload(stop_at=1024 * 1024)
    path, upload_id = stored(museum_runtime, uploader.url)
    assert requests.delete(uploader.url, headers={**TUS, **auth("alice")}).status_code == 204
    assert not path.exists()
    assert requests.head(uploader.url, headers={**TUS, **auth("alice")}).status_code == 404
    with museum_runtime.db.session() as session:
        assert session.get(Upload, upload_id) is None



def test_a_cookie_session_needs_the_csrf_token(app, server, museum_runtime):
    from tests.support.curators import csrf_token, log_in

    client = app.test_client()
    log_in(client, "alice")
    headers = {**TUS, "Upload-Length": "5", "Upload-Metadata": "filename " + base64.b64encode(b"a.jpg").decode()}
    assert client.post("/curator/api/uploads/", headers=headers).status_code == 400  # CSRF token missing
    token = csrf_token(client, "/curator/")
    created = client.post("/curator/api/uploads/", headers={**headers, "X-CSRFToken": token})
    assert created.status_code == 201
