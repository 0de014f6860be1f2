"""SQLite's WAL is checkpointed by a background thread of each process, never inside a writer's commit (which
holds the write lock for every process while it copies pages and fsyncs the file)."""
import multiprocessing
import sqlite3
import threading
import time

from sqlalchemy import text

from exhibits.db import Database

ROW = "x" * 3000  # most of a page: one frame a row


def _database(tmp_path, name="wal.sqlite3") -> Database:
    db = Database(f"sqlite:///{tmp_path / name}")
    with db.writing(), db.engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)"))
    return db


def _write(db: Database, rows: int) -> None:
    for _ in range(rows):
        with db.writing(), db.engine.begin() as connection:
            connection.execute(text("INSERT INTO t (body) VALUES (:b)"), {"b": ROW})


def _wal_state(path) -> tuple[int, int]:
    """The WAL's frames and how many of them are in the database file, asked of SQLite from outside."""
    connection = sqlite3.connect(path)
    try:
        _busy, frames, copied = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    finally:
        connection.close()
    return frames, copied


def _rows_in_the_file(path) -> int:
    """The rows of ``t`` in the database file alone, without the WAL (and without checkpointing anything)."""
    connection = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    try:
        return connection.execute("SELECT count(*) FROM t").fetchone()[0]
    except sqlite3.OperationalError:  # not even the table is there yet
        return 0
    finally:
        connection.close()


def _wait_for(condition, seconds=15.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_commits_leave_the_wal_to_the_checkpointer(tmp_path):
    db = _database(tmp_path)
    db.checkpointer.stop()  # nobody checkpoints now: what the commits did alone shows
    _write(db, 1500)
    frames, copied = _wal_state(tmp_path / "wal.sqlite3")
    # SQLite's own checkpoint would have copied and restarted the WAL at each 1,000 pages, inside a commit
    assert frames >= 1500
    db.dispose()


def test_the_background_thread_copies_the_wal_into_the_file_and_the_wal_starts_over(tmp_path):
    db = _database(tmp_path)
    db.checkpointer.interval = 0.05
    _write(db, 300)
    path = tmp_path / "wal.sqlite3"
    assert _rows_in_the_file(path) == 0
    assert _wait_for(lambda: _rows_in_the_file(path) == 300)
    _write(db, 5)
    frames, _ = _wal_state(path)
    assert frames < 30  # the next writer started the WAL over from its beginning (it held 300 pages and more)
    db.dispose()


def test_under_writes_that_never_pause_the_wal_still_starts_over_past_its_limit(tmp_path):
    db = _database(tmp_path)
    db.checkpointer.stop()
    db.checkpointer.limit_frames = 200
    path = tmp_path / "wal.sqlite3"
    stop = threading.Event()

    def keep_writing() -> None:
        while not stop.is_set():
            _write(db, 1)

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        assert _wait_for(lambda: _wal_state(path)[0] > 400)
        frames, copied = db.checkpointer.checkpoint()  # while the writer goes on
        assert frames == copied  # the second pass, inside the writer queue, copied everything
    finally:
        stop.set()
        writer.join()
    _write(db, 1)
    assert _wal_state(path)[0] < frames  # a writer started the WAL over from its beginning
    db.dispose()


def test_the_checkpointer_runs_once_a_process_and_stops_with_its_database(tmp_path):
    db = _database(tmp_path)

    def mine() -> list[threading.Thread]:
        return [t for t in threading.enumerate() if t.name == "sqlite-checkpoints wal.sqlite3"]

    assert len(mine()) == 1
    with db.engine.connect(), db.engine.connect(), db.engine.connect():  # more connections: still one thread
        assert len(mine()) == 1
    db.dispose()
    assert mine() == []


def _child_has_a_checkpointer(db: Database, answers) -> None:
    db.engine.dispose(close=False)  # the parent's connections are the parent's (SQLAlchemy's advice after fork)
    with db.engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    answers.put(sum(t.name.startswith("sqlite-checkpoints") for t in threading.enumerate()))


def test_a_forked_process_starts_its_own_checkpointer(tmp_path):
    """Threads do not survive fork (gunicorn's workers are forks): the child's first connection starts one."""
    db = _database(tmp_path)
    context = multiprocessing.get_context("fork")
    answers = context.Queue()
    child = context.Process(target=_child_has_a_checkpointer, args=(db, answers))
    child.start()
    child.join(30)
    assert child.exitcode == 0 and answers.get(timeout=5) == 1
    db.dispose()


def test_an_in_memory_database_has_no_checkpointer():
    db = Database("sqlite://")
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA wal_autocheckpoint")).scalar() == 1000
    assert db.checkpointer is None
    db.dispose()
