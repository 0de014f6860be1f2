"""The upload store's rules without HTTP: size limit, offsets, ownership, cleaning after a day (fake clock)."""
from __future__ import annotations

import io
import os
from datetime import datetime, timedelta, timezone

import pytest

from exhibits.identity import Identity
from exhibits.models import Job
from exhibits.uploads import Upload, UploadError, Uploads

ALICE = Identity(name="alice", role="curator", museums=frozenset({"copper"}))
BOB = Identity(name="bob", role="curator", museums=frozenset({"copper"}))
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def store(runtime, clock):
    return Uploads(runtime.db, runtime.settings.uploads_root, max_bytes=1000, clock=clock)


def test_append_keeps_the_bytes_of_a_broken_stream(store):
    upload = store.create(ALICE, 100, {"filename": "a.jpg"})

    class Broken(io.BytesIO):
        def read(self, size=-1):
            if self.tell() >= 30:
                raise ConnectionError("gone")
            return super().read(min(size, 10))

    assert store.append(ALICE, upload.id, 0, Broken(b"x" * 100), 100) == 30
    assert store.get(ALICE, upload.id).offset == 30
    assert store.append(ALICE, upload.id, 30, io.BytesIO(b"y" * 70), 70) == 100
    assert store.path(upload.id).read_bytes() == b"x" * 30 + b"y" * 70


def test_size_limit_and_ownership(store):
    with pytest.raises(UploadError) as refused:
        store.create(ALICE, 1001, {"filename": "a.jpg"})
    assert refused.value.status == 413
    upload = store.create(ALICE, 10, {"filename": "a.jpg"})
    with pytest.raises(UploadError) as other:
        store.append(BOB, upload.id, 0, io.BytesIO(b"z" * 10), 10)
    assert other.value.status == 404
    assert store.path(upload.id).stat().st_size == 0


def test_clean_removes_idle_uploads_after_a_day_but_not_those_an_unfinished_job_needs(store, clock, runtime):
    idle = store.create(ALICE, 10, {"filename": "idle.jpg"})
    queued = store.create(ALICE, 10, {"filename": "queued.jpg"})
    with runtime.db.session() as session:
        job = Job(kind="ingest", state="queued", owner="alice")
        session.add(job)
        session.flush()
        session.get(Upload, queued.id).job_id = job.id
        job_id = job.id
    clock.now = T0 + timedelta(hours=23)
    fresh = store.create(ALICE, 10, {"filename": "fresh.jpg"})
    stray = store.root / ("f" * 32)  # a file whose creation never reached the catalogue
    stray.write_bytes(b"?")
    os.utime(stray, (T0.timestamp(), T0.timestamp()))

    assert store.clean() == []  # 23 hours: everything stays
    clock.now = T0 + timedelta(hours=25)
    assert sorted(store.clean()) == sorted([idle.id, stray.name])
    assert not store.path(idle.id).exists() and not stray.exists()
    assert store.path(queued.id).exists() and store.path(fresh.id).exists()

    with runtime.db.session() as session:
        finished = session.get(Job, job_id)
        finished.state, finished.finished = "done", T0 + timedelta(hours=25)
    clock.now = T0 + timedelta(hours=48)
    assert sorted(store.clean()) == [fresh.id]  # the job finished only 23 hours ago
    clock.now = T0 + timedelta(hours=50)
    assert store.clean() == [queued.id]


def test_cli_clean_reports_what_it_removed(cli, runtime):
    result = cli("uploads", "clean")
    assert result.exit_code == 0 and "0 uploads removed" in result.output
