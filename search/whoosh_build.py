"""Building a Whoosh index: the serial writer and the parallel one (worker processes that each
analyse documents and write a segment of their own, committed together as the new generation)."""
from __future__ import annotations

import time
from typing import Iterable

from whoosh import index as windex
from whoosh.writing import CLEAR

from search.documents import index_fields
from search.whoosh_schema import whoosh_fields

BUILD_LIMIT_MB = 256
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


def _segment_worker(path: str, jobs, results, number: int) -> None:
    """A build process: analyse documents and write them into one new segment of its own."""
    from whoosh.writing import SegmentWriter

    try:
        ix = windex.open_dir(path)
        writer = SegmentWriter(ix, _lk=False, limitmb=BUILD_LIMIT_MB, compound=False)
        added = 0
        try:
            while True:
                chunk = jobs.get()
                if chunk is None:
                    break
                for doc in chunk:
                    writer.add_document(**whoosh_fields(index_fields(doc)))
                    added += 1
            if added:
                segment = writer._finalize_segment()
            else:
                writer._close_segment()
                segment = None
        except BaseException:
            writer.cancel()
            raise
        results.put(("ok", number, segment))
    except BaseException as exc:  # reported to the parent, which cancels the build
        results.put(("error", number, f"{type(exc).__name__}: {exc}"))


def rebuild_serial(ix, docs: Iterable[dict], progress) -> int:
    count = 0
    writer = ix.writer(timeout=5.0, limitmb=BUILD_LIMIT_MB)
    try:
        for doc in docs:
            writer.add_document(**whoosh_fields(index_fields(doc)))
            count += 1
            if progress is not None and count % 100 == 0:
                progress(100)
        writer.commit(mergetype=CLEAR)
    except BaseException:
        writer.cancel()
        raise
    if progress is not None and count % 100:
        progress(count % 100)
    return count

def rebuild_parallel(ix, path, docs: Iterable[dict], processes: int, progress) -> int:
    import multiprocessing
    import queue as queue_mod

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
            if value is not None:
                segments.append((number, value))
        for w in workers:
            w.join()
        # what commit(mergetype=CLEAR) does, with the workers' segments as the new generation
        writer._close_segment()
        writer._commit_toc([segment for _n, segment in sorted(segments, key=lambda ns: ns[0])])
        writer._finish()
    except BaseException:
        for w in workers:
            if w.is_alive():
                w.terminate()
        writer.cancel()
        raise
    return count

# ------------------------------------------------------------ sync marker
