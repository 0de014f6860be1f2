"""Engine, sessions and schema migrations for the catalogue.

SQLite (the embedded default) runs in WAL mode so the web server reads while ingest
writes; PostgreSQL is the same code with another URL. The schema is owned by Alembic:
:func:`upgrade` brings any database to the newest revision.
"""
from __future__ import annotations

import logging
import threading
import time
import weakref
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Callable, Generic, Iterator, TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import URL, Connection, Engine, create_engine, event, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

from exhibits.settings import Settings
from exhibits.sqlite_checkpoints import Checkpointer
from exhibits.sqlite_writers import WriterQueue

MIGRATIONS = Path(__file__).with_name("migrations")

log = logging.getLogger(__name__)


class SchemaNotCurrent(RuntimeError):
    """The catalogue's schema is not the one this code needs; ``jinshi migrate`` brings it there."""


#: Bytes a SQLite WAL file is cut back to when it starts over (exhibits/sqlite_checkpoints.py).
WAL_SIZE_LIMIT = 64 * 1024 * 1024


def make_engine(url: str, on_connect: Callable[[], None] | None = None) -> Engine:
    """The engine of ``url``. For SQLite, ``on_connect`` means that something else checkpoints the file
    (exhibits/sqlite_checkpoints.py): its connections do not, and it runs whenever the pool opens one (the database
    starts its checkpointer there, the first connection of each process)."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # a pool as large as a web worker's threads and its background work: a connection returned to a full pool
        # is closed, and the next request opens (and sets up) another
        on_disk = "///" in url and path not in ("", ":memory:")
        pool = {"pool_size": 16, "max_overflow": 16} if on_disk else {}
        engine = create_engine(url, connect_args={"timeout": 30}, **pool)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # pragma: no cover - trivial
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            if on_connect is not None:  # its checkpoints run in a background thread, not inside a writer's commit
                cursor.execute("PRAGMA wal_autocheckpoint=0")
                cursor.execute(f"PRAGMA journal_size_limit={WAL_SIZE_LIMIT}")
                on_connect()
            cursor.close()

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    engine = create_engine(url, pool_recycle=3600)
    _ping_when_idle(engine)
    return engine


#: Seconds a PostgreSQL connection may sit in the pool and still be handed out without a ping.
IDLE_PING_SECONDS = 10.0


def _ping_when_idle(engine: Engine) -> None:
    """Ping a pooled PostgreSQL connection before use only if it sat idle for ``IDLE_PING_SECONDS``.

    SQLAlchemy's ``pool_pre_ping`` pings on every checkout: one more round trip for every request, a fifth of a
    booking's (benchmarks/bookings.py on PostgreSQL: 288–304 bookings/s with it, 365–395 without). A connection in
    constant use is alive; one that sat idle may have been closed by a restart, a failover or a firewall, and is
    replaced before use (a failed ping raises DisconnectionError: the pool opens a fresh connection and tries
    again). A connection dropped while in use fails that statement and SQLAlchemy discards the pool's others."""

    @event.listens_for(engine, "checkin")
    def _idle_from_now(_dbapi_connection, record):
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection, record, _proxy):
        since = record.info.pop("idle_since", None)
        if since is None or time.monotonic() - since < IDLE_PING_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # noqa: BLE001 - whatever the driver says of a dead connection
            raise DisconnectionError(f"pooled connection idle for {time.monotonic() - since:.0f} s is gone") from error


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(engine: Engine) -> None:
    """Migrate the catalogue to the newest schema (idempotent).

    ``heads``: capabilities add their tables as branches off a common revision, merged later.
    """
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        before = set(MigrationContext.configure(connection).get_current_heads())
        command.upgrade(config, "heads")
        after = set(MigrationContext.configure(connection).get_current_heads())
    if before != after:
        log.info("catalogue migrated from %s to %s", ",".join(sorted(before)) or "an empty database",
                 ",".join(sorted(after)))


def schema_heads() -> set[str]:
    """The revisions this code's migrations end in."""
    return set(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


def check_current(engine: Engine) -> None:
    """Raise :class:`SchemaNotCurrent` unless the database is at this code's newest revisions.

    What a web worker does instead of migrating: ``jinshi serve`` migrated once before forking, and a
    server started some other way must be preceded by ``jinshi migrate`` (several workers migrating
    at once would race each other's DDL).
    """
    with engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    wanted = schema_heads()
    if current != wanted:
        where = engine.url.render_as_string(hide_password=True)
        state = ("has no schema yet" if not current else
                 f"is at revision {', '.join(sorted(current))}, this code needs {', '.join(sorted(wanted))}")
        raise SchemaNotCurrent(f"The catalogue {where} {state}: run `jinshi migrate` first "
                               "(`jinshi serve` does it before starting its workers).")


def sqlite_file(engine: Engine | URL) -> Path | None:
    """The file of a SQLite engine or URL (None for an in-memory database)."""
    name = (engine if isinstance(engine, URL) else engine.url).database
    return Path(name).resolve() if name and name != ":memory:" and not name.startswith("file:") else None


class Database:
    """The catalogue database: an engine and a session factory."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        file = sqlite_file(make_url(url)) if self.is_sqlite else None
        # SQLite has one writer at a time and its busy handler makes waiting writers poll, sleeping longer
        # each time; writers queue on this lock instead (exhibits/sqlite_writers.py).
        self._write_lock = WriterQueue(file) if self.is_sqlite else None
        self.checkpointer = Checkpointer(file, self._write_lock) if file is not None else None
        self.engine = make_engine(url, on_connect=self.checkpointer.ensure_running if self.checkpointer else None)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def writing(self):
        """Hold while running a write transaction that begins with ``BEGIN IMMEDIATE`` (SQLite; a no-op
        on PostgreSQL, whose row locks queue writers)."""
        return self._write_lock if self._write_lock is not None else nullcontext()

    @contextmanager
    def write_transaction(self, connection: Connection) -> Iterator[None]:
        """A write transaction on an open connection: the writer queue, ``BEGIN IMMEDIATE`` on SQLite (writers queue
        up instead of failing with "database is locked" halfway), committed at the end, rolled back on an error."""
        with self.writing():
            if connection.dialect.name == "sqlite":
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            elif not connection.in_transaction():
                # begun here, not by a session on the connection: a session joins it, and closing the session
                # leaves it to this commit (one the session began would be rolled back as it closed)
                connection.begin()
            try:
                yield
                connection.commit()
            except BaseException:
                connection.rollback()
                raise

    @contextmanager
    def write_connection(self) -> Iterator[Connection]:
        """A Core connection in a write transaction (the writer queue is taken before a connection, so a waiting
        writer holds none of the pool's)."""
        with self.writing(), self.engine.connect() as connection, self.write_transaction(connection):
            yield connection

    @contextmanager
    def write_session(self) -> Iterator[Session]:
        """:meth:`write_connection` with an ORM session, flushed before the commit. An ordinary transaction on
        PostgreSQL, whose row locks queue writers."""
        with self.write_connection() as connection, Session(bind=connection, expire_on_commit=False) as session:
            yield session
            session.flush()

    @classmethod
    def from_settings(cls, settings: Settings, migrate: bool = True) -> "Database":
        """The catalogue of these settings, migrated (``migrate=True``) or checked to be current."""
        db = cls(settings.database_url)
        try:
            if migrate:
                upgrade(db.engine)
            else:
                check_current(db.engine)
        except BaseException:
            db.dispose()
            raise
        return db

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on error."""
        with self.sessions() as session:
            with session.begin():
                yield session

    def dispose(self) -> None:
        if self.checkpointer is not None:
            self.checkpointer.stop()
        self.engine.dispose()


T = TypeVar("T")


class PerDatabase(Generic[T]):
    """One object for each Database of this process, made on first use and dropped with its Database (the
    bookings' group commit, the outbox's courier)."""

    def __init__(self) -> None:
        self._made: "weakref.WeakKeyDictionary[Database, T]" = weakref.WeakKeyDictionary()
        self._guard = threading.Lock()

    def get(self, db: Database, make: Callable[[], T], keep: Callable[[T], bool] = lambda _found: True) -> T:
        """``db``'s object: made by ``make`` when there is none yet or ``keep`` refuses the one there is."""
        with self._guard:
            found = self._made.get(db)
            if found is None or not keep(found):
                found = self._made[db] = make()
            return found
