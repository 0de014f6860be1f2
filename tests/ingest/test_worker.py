"""Real ``jinshi worker`` processes on huey's SQLite storage and on a real Redis (Debian's redis-server)."""
from __future__ import annotations

import signal
import time

import pytest
from sqlalchemy import func, select

from exhibits.identity import Identity
from exhibits.models import Asset, Item, Job
from exhibits.uploads import Uploads
from ingest import jobs
from ingest.queue import JobQueue
from tests.support.media import make_photo
from tests.support.uploads import put
from tests.support.workers import Workers

ALICE = Identity(name="alice", role="curator", museums=frozenset({"copper"}))


@pytest.fixture(scope="session")
def redis_server():
    from tests.support.redisserver import RedisServer

    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "redis"])
def queue_settings(request, settings):
    import dataclasses

    if request.param == "redis":
        server = request.getfixturevalue("redis_server")
        server.flush()
        return dataclasses.replace(settings, queue_url=server.url)
    return settings


@pytest.fixture
def runtime_q(museum_runtime, queue_settings):
    museum_runtime.settings = queue_settings
    return museum_runtime


@pytest.fixture
def workers(runtime_q, tmp_path):
    pool = Workers(runtime_q.settings, tmp_path)
    yield pool
    pool.stop()


def wait_for(runtime, job_id: int, predicate, workers: Workers, timeout: float = 90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with runtime.db.session() as session:
            job = session.get(Job, job_id)
            if predicate(job):
                return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not get there in {timeout}s; worker logs:\n{workers.logs()}")


def photos(store, tmp_path, names: list[str], size: int = 320) -> list[str]:
    return [put(store, ALICE, name, make_photo(tmp_path / "src" / name, size, size).read_bytes()).id for name in names]


def test_several_workers_share_the_jobs_and_run_each_once(runtime_q, workers, tmp_path):
    store = Uploads.from_runtime(runtime_q)
    queue = JobQueue(runtime_q.settings)
    ids = [jobs.submit(runtime_q, ALICE, photos(store, tmp_path, [f"cu-{n}.jpg"]), None, "copper", "mirrors", queue.enqueue) for n in range(4)]
    queue.enqueue(ids[0])  # a duplicated message: still one run
    workers.start()
    workers.start()
    done = [wait_for(runtime_q, job_id, lambda j: j.state == "done", workers) for job_id in ids]
    assert all(job.attempts == 1 for job in done)
    with runtime_q.db.session() as session:
        assets = session.execute(select(Asset.item_id, func.count()).group_by(Asset.item_id)).all()
    assert sorted(assets) == sorted((f"cu-{n}", 1) for n in range(4))


def test_a_worker_killed_mid_job_leaves_nothing_half_visible_and_the_next_one_finishes(runtime_q, workers, tmp_path):
    store = Uploads.from_runtime(runtime_q)
    queue = JobQueue(runtime_q.settings)
    names = [f"cu-{n}.jpg" for n in range(5)]
    job_id = jobs.submit(runtime_q, ALICE, photos(store, tmp_path, names, size=1500), None, "copper", "mirrors", queue.enqueue)
    first = workers.start()
    wait_for(runtime_q, job_id, lambda j: j.state == "running" and 2 <= j.progress < j.total, workers, timeout=120)
    first.send_signal(signal.SIGKILL)
    first.wait()
    with runtime_q.db.session() as session:
        job = session.get(Job, job_id)
        assert job.state == "running" and job.progress < job.total  # killed in the middle
        for item in session.scalars(select(Item)):
            # an item exists only whole: ready with its asset; nothing of it is public
            assert item.state == "ready" and item.publication == "draft"
            assert session.scalar(select(func.count()).select_from(Asset).where(Asset.item_id == item.id)) == 1
        done_before = {f["file"] for f in job.files if f["status"] == "ingested"}
        assets_before = {a.item_id: a.id for a in session.scalars(select(Asset))}

    workers.start()  # sees the dead worker's job and takes it over
    job = wait_for(runtime_q, job_id, lambda j: j.state in ("done", "failed"), workers, timeout=120)
    assert job.state == "done", job.error
    assert job.attempts == 2
    statuses = {f["file"]: f["status"] for f in job.files}
    assert statuses == {name: "ingested" for name in names}
    assert done_before <= set(statuses)
    with runtime_q.db.session() as session:
        assets = {a.item_id: a.id for a in session.scalars(select(Asset))}
    assert set(assets) == {name[:-4] for name in names}
    assert assets_before and all(assets[item] == asset for item, asset in assets_before.items())  # not written again
