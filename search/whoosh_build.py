"""Building a Whoosh index: the serial writer and the parallel one (worker processes that each
analyse documents and write a segment of their own, committed together as the new generation)."""
from __future__ import annotations

import time
from typing import Iterable

from whoosh import index as windex

from search.documents import index_fields
from search.whoosh_schema import whoosh_fields
from search.whoosh_segment import FastSegmentWriter

BUILD_CHUNK = 200


def _put(jobs, item, workers) -> None:
    import queue as queue_mod

    while True:
        try:
            jobs.put(item, timeout=1.0)
            return
        except queue_mod.Full:
            if not all(w.is_alive() for w in workers):
                raise RuntimeError("a search index build worker died") from None


def write_segments(ix, chunks) -> list:
    """Every document of ``chunks`` (an iterable of document lists) into new segments of ``ix``
    (:class:`search.whoosh_segment.FastSegmentWriter`; one more each time one is full), not committed."""
    segments = []
    writer = FastSegmentWriter(ix)
    try:
        for chunk in chunks:
            for doc in chunk:
                writer.add_document(**whoosh_fields(index_fields(doc)))
            if writer.full():
                segments.append(writer.finish())
                writer = FastSegmentWriter(ix)
        if writer.doc_count:
            segments.append(writer.finish())
        else:
            writer.cancel()
    except BaseException:
        writer.cancel()
        raise
    return segments


def _write_segment(path: str, chunks, results, number: int) -> None:
    """A worker's part: its documents into segments of its own, reported (or the error, which makes the
    parent cancel) on ``results``."""
    try:
        results.put(("ok", number, write_segments(windex.open_dir(path), chunks)))
    except BaseException as exc:  # reported to the parent, which cancels the build
        results.put(("error", number, f"{type(exc).__name__}: {exc}"))


def _segment_worker(path: str, jobs, results, number: int) -> None:
    """A build process: analyse documents and write them into one new segment of its own."""
    _write_segment(path, iter(jobs.get, None), results, number)


def _collect(workers, results, processes: int) -> list:
    """The workers' finished segments, in worker order (the first worker's first)."""
    import queue as queue_mod

    segments = []
    waiting = set(range(processes))
    for _ in workers:
        while True:
            try:
                status, number, value = results.get(timeout=1.0)
                break
            except queue_mod.Empty:
                # a worker that has not answered and is gone died (one that answered may have exited:
                # under load the others can finish seconds later)
                if any(not workers[n].is_alive() for n in waiting) and results.empty():
                    time.sleep(0.5)  # its answer may still be in the pipe
                    if results.empty():
                        raise RuntimeError("a search index build worker died") from None
        waiting.discard(number)
        if status != "ok":
            raise RuntimeError(f"a search index build worker failed: {value}")
        segments.append((number, value))
    for w in workers:
        w.join()
    return [segment for _n, part in sorted(segments, key=lambda ns: ns[0]) for segment in part]


def _next_job(jobs, parent: int):
    """The next chunk from the parent; None at the end, or when the parent died without saying so
    (a worker holds a copy of the index's lock descriptor: it must not outlive its parent)."""
    import os
    import queue as queue_mod

    while True:
        try:
            return jobs.get(timeout=1.0)
        except queue_mod.Empty:
            if os.getppid() != parent:
                raise RuntimeError("the ingest process is gone") from None


def _append_worker(path: str, jobs, results, number: int, loader_factory, parent: int) -> None:
    """An append process: load the documents of the item ids it is given, write them into a new segment."""
    def chunks():
        load = loader_factory()  # its own catalogue connection: never the parent's
        while (ids := _next_job(jobs, parent)) is not None:
            yield load(ids)

    _write_segment(path, chunks(), results, number)


class ParallelAppend:
    """Items added to an existing index by worker processes while the caller goes on (a long ingest).

    Item ids are dealt to the workers in chunks; each worker loads their documents from the catalogue
    itself (``loader_factory()``, called in the worker, returns ``ids -> visible documents``), analyses
    them and writes one new segment. :meth:`commit` then, holding Whoosh's writer: deletes the old
    documents of those ids from the existing segments, writes ``upserts`` and ``deletes`` (what the
    caller found missed), and commits the existing segments plus the new ones as the next generation.
    The caller holds the index's write lock from start to commit: another writer's commit would clean
    the workers' unfinished segment files away. Nothing is visible to searches before the commit, and
    a crash before it leaves the index as it was (the sync marker unmoved catches the items up).
    """

    def __init__(self, ix, path, processes: int, loader_factory) -> None:
        import multiprocessing
        import os

        ctx = multiprocessing.get_context("fork")
        self.ix = ix
        self.processes = processes
        self.jobs = [ctx.Queue(maxsize=8) for _ in range(processes)]
        self.results = ctx.Queue()
        self.workers = [ctx.Process(target=_append_worker, args=(str(path), self.jobs[n], self.results, n,
                                                                 loader_factory, os.getpid()), daemon=True)
                        for n in range(processes)]
        self.ids: list[str] = []
        self._seen: set[str] = set()
        self._chunk: list[str] = []
        self._dealt = 0
        for w in self.workers:
            w.start()

    def add(self, item_ids: Iterable[str]) -> None:
        for item_id in item_ids:
            if item_id in self._seen:
                continue
            self._seen.add(item_id)
            self.ids.append(item_id)
            self._chunk.append(item_id)
            if len(self._chunk) == BUILD_CHUNK:
                self._deal()

    def _deal(self) -> None:
        _put(self.jobs[self._dealt % self.processes], self._chunk, self.workers)
        self._dealt += 1
        self._chunk = []

    def commit(self, upserts: Iterable[dict] = (), deletes: Iterable[str] = ()) -> None:
        if self._chunk:
            self._deal()
        for queue in self.jobs:
            _put(queue, None, self.workers)
        try:
            segments = _collect(self.workers, self.results, self.processes)
        except BaseException:
            self.cancel()
            raise
        writer = self.ix.writer(timeout=5.0)
        try:
            reader = writer.reader()
            for item_id in [*self.ids, *deletes]:
                if ("id", item_id) in reader:  # a term lookup; most ids are new to the index
                    writer.delete_by_term("id", item_id)
            for doc in upserts:
                writer.update_document(**whoosh_fields(index_fields(doc)))
            final = list(writer.segments)  # the existing segments, with the deletions marked
            if writer._added:
                final.append(writer._finalize_segment())
            else:
                writer._close_segment()
            writer._commit_toc(final + segments)
            writer._finish()
        except BaseException:
            writer.cancel()
            raise

    def cancel(self) -> None:
        for w in self.workers:
            if w.is_alive():
                w.terminate()
        for w in self.workers:
            w.join(timeout=5)


def rebuild_serial(ix, docs: Iterable[dict], progress) -> int:
    """The whole index anew from ``docs``, in this process."""
    count = 0

    def chunks():
        nonlocal count
        chunk: list[dict] = []
        for doc in docs:
            chunk.append(doc)
            if len(chunk) == BUILD_CHUNK:
                yield chunk
                count += len(chunk)
                if progress is not None:
                    progress(len(chunk))
                chunk = []
        if chunk:
            yield chunk
            count += len(chunk)
            if progress is not None:
                progress(len(chunk))

    writer = ix.writer(timeout=5.0)  # holds Whoosh's lock and numbers the new generation
    try:
        segments = write_segments(ix, chunks())
        _commit_generation(writer, segments)
    except BaseException:
        writer.cancel()
        raise
    return count


def _commit_generation(writer, segments: list) -> None:
    """What ``commit(mergetype=CLEAR)`` does, with ``segments`` as the whole new generation."""
    writer._close_segment()
    writer._commit_toc(segments)
    writer._finish()


def rebuild_parallel(ix, path, docs: Iterable[dict], processes: int, progress) -> int:
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    writer = ix.writer(timeout=5.0)  # holds Whoosh's lock and numbers the new generation
    # one queue a worker, chunks dealt round-robin: worker 0 gets the first chunk, and its segment comes
    # first, so docnums (which break score ties) follow the input order as far as they can
    jobs = [ctx.Queue(maxsize=4) for _ in range(processes)]
    results = ctx.Queue()
    workers = [ctx.Process(target=_segment_worker, args=(str(path), jobs[number], results, number), daemon=True)
               for number in range(processes)]
    dealt = 0
    count = 0
    try:
        for w in workers:
            w.start()
        chunk: list[dict] = []
        for doc in docs:
            chunk.append(doc)
            if len(chunk) == BUILD_CHUNK:
                _put(jobs[dealt % processes], chunk, workers)
                dealt += 1
                count += len(chunk)
                if progress is not None:
                    progress(len(chunk))
                chunk = []
        if chunk:
            _put(jobs[dealt % processes], chunk, workers)
            count += len(chunk)
            if progress is not None:
                progress(len(chunk))
        for queue in jobs:
            _put(queue, None, workers)
        _commit_generation(writer, _collect(workers, results, processes))
    except BaseException:
        for w in workers:
            if w.is_alive():
                w.terminate()
        writer.cancel()
        raise
    return count

# ------------------------------------------------------------ sync marker
