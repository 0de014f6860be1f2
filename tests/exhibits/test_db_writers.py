"""SQLite writers of one process queue for the write lock instead of starving in SQLite's busy handler."""
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import event, text

from exhibits.db import Database


def test_a_burst_of_write_transactions_all_commit_within_a_short_busy_timeout(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'writers.sqlite3'}")

    @event.listens_for(db.engine, "connect")
    def _short_timeout(dbapi_connection, _record):
        dbapi_connection.execute("PRAGMA busy_timeout=300")  # 0.3 s, against 2.4 s of queued work below

    with db.engine.begin() as connection:
        connection.execute(text("CREATE TABLE counter (n INTEGER)"))
        connection.execute(text("INSERT INTO counter VALUES (0)"))

    def write(_):
        with db.write_connection() as connection:
            n = connection.execute(text("SELECT n FROM counter")).scalar()
            time.sleep(0.02)  # a write transaction that takes a while, as under load
            connection.execute(text("UPDATE counter SET n = :n"), {"n": n + 1})
        return threading.get_ident()

    with ThreadPoolExecutor(max_workers=40) as pool:
        list(pool.map(write, range(120)))  # raises "database is locked" if a writer gave up
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT n FROM counter")).scalar() == 120  # and none lost an update
    db.dispose()


def _write_from_another_process(url: str, writes: int, failures) -> None:
    db = Database(url)

    @event.listens_for(db.engine, "connect")
    def _no_waiting(dbapi_connection, _record):
        dbapi_connection.execute("PRAGMA busy_timeout=0")  # any contention with another writer fails at once

    def write(_):
        with db.write_connection() as connection:
            n = connection.execute(text("SELECT n FROM counter")).scalar()
            time.sleep(0.002)
            connection.execute(text("UPDATE counter SET n = :n"), {"n": n + 1})

    try:
        with ThreadPoolExecutor(max_workers=6) as pool:
            list(pool.map(write, range(writes)))
    except Exception as error:  # noqa: BLE001 - reported to the parent, which fails the test
        failures.put(repr(error))
    db.dispose()


def test_writers_of_several_processes_take_turns_instead_of_colliding(tmp_path):
    """Gunicorn's workers are processes: their writers must queue too, not meet in SQLite's busy handler."""
    import multiprocessing

    url = f"sqlite:///{tmp_path / 'writers.sqlite3'}"
    db = Database(url)
    with db.engine.begin() as connection:
        connection.execute(text("CREATE TABLE counter (n INTEGER)"))
        connection.execute(text("INSERT INTO counter VALUES (0)"))
    context = multiprocessing.get_context("fork")
    failures = context.Queue()
    processes = [context.Process(target=_write_from_another_process, args=(url, 30, failures)) for _ in range(4)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
    errors = [failures.get() for _ in range(failures.qsize())] if not failures.empty() else []
    assert errors == [] and all(p.exitcode == 0 for p in processes)
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT n FROM counter")).scalar() == 120
    db.dispose()
