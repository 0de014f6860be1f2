"""The job queue on huey: SQLite storage under JINSHI_HOME by default, Redis for several workers.

The web side only enqueues (``JobQueue(settings).enqueue(job_id)``); ``jinshi worker`` runs a huey
consumer whose task calls :func:`ingest.jobs.run`. The message carries only the job id: the job's
row in the catalogue is the truth, so a lost or duplicated message does no harm (see ingest.jobs).
"""
from __future__ import annotations

import logging
from typing import Any

from huey import Huey, RedisHuey, SqliteHuey, crontab

from exhibits.settings import Settings

log = logging.getLogger(__name__)
QUEUE_NAME = "jinshi"


def make_huey(queue_url: str) -> Huey:
    """A huey instance for ``JINSHI_QUEUE_URL`` (``sqlite:///PATH`` or ``redis://…``)."""
    if queue_url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(QUEUE_NAME, url=queue_url, results=False)
    if queue_url.startswith("sqlite:///"):
        return SqliteHuey(QUEUE_NAME, filename=queue_url[len("sqlite:///"):], results=False)
    raise ValueError(f"JINSHI_QUEUE_URL: {queue_url!r} is neither sqlite:///PATH nor redis://HOST:PORT/DB")


class JobQueue:
    """Enqueue jobs (any process) and, given a runtime, run them (the worker)."""

    def __init__(self, settings: Settings, runtime: Any | None = None) -> None:
        self.settings = settings
        self.runtime = runtime
        self.huey = make_huey(settings.queue_url)
        self._run_job = self.huey.task(name="jinshi.run_job")(self._task)
        self.huey.periodic_task(crontab(minute="*"), name="jinshi.maintenance")(self._maintenance)

    def enqueue(self, job_id: int) -> None:
        self._run_job(job_id)

    def _task(self, job_id: int) -> str:
        from ingest.jobs import run

        if self.runtime is None:
            raise RuntimeError("this JobQueue only enqueues; jinshi worker runs the jobs")
        state = run(self.runtime, job_id)
        log.info("job %s: %s", job_id, state)
        return state

    def _maintenance(self) -> None:
        """Every minute on every worker: take over jobs of dead workers, remove stale uploads."""
        self.recover()
        from exhibits.uploads import Uploads

        Uploads.from_runtime(self.runtime).clean()

    def recover(self) -> list[int]:
        from ingest.jobs import recover

        return recover(self.runtime, self.enqueue)

    def consumer(self, workers: int = 1):
        """A huey consumer with thread workers (Ctrl-C or SIGTERM stop it after the running tasks)."""
        return self.huey.create_consumer(workers=workers, worker_type="thread", periodic=True,
                                         initial_delay=0.1, backoff=1.3, max_delay=1.0, check_worker_health=True)
