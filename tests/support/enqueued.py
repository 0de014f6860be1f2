"""A stand-in for the job queue that only records what was enqueued (tests run the jobs themselves)."""
from __future__ import annotations


class Enqueued(list):
    def enqueue(self, job_id: int) -> None:
        self.append(job_id)
