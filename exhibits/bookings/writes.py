"""The write of a booking: its places taken and its rows inserted, in one transaction.

PostgreSQL writes each booking in its own transaction: the conditional UPDATE's row lock queues bookings of one
session and leaves the others alone.

SQLite has one write lock for the whole file, and a release-time rush puts every booking in line for it. Each
transaction costs the lock's hand-over between processes, ``BEGIN IMMEDIATE``, a commit, and, for each statement,
a wait for the GIL, which the worker's other threads hold while they parse and answer requests. So the bookings
waiting in one process are written together (group commit): the thread that gets the lock takes every booking
queued behind it and writes them all in one transaction with a few ``executemany`` statements, then each waiting
thread reads its own outcome. Places are counted in Python under the lock (nobody else can write meanwhile) and
taken with the same conditional UPDATE, whose row count must agree; a unique index that refuses one booking of a
batch (the same person booked elsewhere an instant ago) rolls the batch back, and each of its bookings is then
written alone, so only that one fails.
"""
from __future__ import annotations

import threading
import weakref
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable

from sqlalchemy import bindparam, update

from exhibits.bookings.errors import Refused
from exhibits.bookings.models import Attendee, Booking, Claim, Session
from exhibits.db import Database, PerDatabase
from exhibits.models import AuditEntry
from exhibits.sqlite_statements import INTEGRITY_ERRORS, Compiled, Direct

_SESSIONS = Session.__table__
TAKE = (update(_SESSIONS)
        .where(_SESSIONS.c.id == bindparam("sid"), _SESSIONS.c.remaining >= bindparam("n"), _SESSIONS.c.state == "open")
        .values(remaining=_SESSIONS.c.remaining - bindparam("n")))
INSERT_BOOKING = Booking.__table__.insert()
INSERT_ATTENDEES = Attendee.__table__.insert()
INSERT_CLAIMS = Claim.__table__.insert()
INSERT_AUDIT = AuditEntry.__table__.insert()
BOOKING_COLUMNS = ["code", "session_id", "status", "size", "name", "phone_hash", "phone_masked", "email", "lang",
                   "request_key", "created", "anonymised"]


@dataclass
class PendingBooking:
    """A booking that passed its rules and waits to be written; the writer fills in its outcome."""

    session_id: int
    size: int
    #: The booking row's values without ``id`` and ``status``.
    values: dict[str, Any]
    #: Attendee and claim rows without ``booking_id``.
    attendees: list[dict[str, Any]]
    claims: list[dict[str, Any]]
    #: Audit row without ``action``.
    audit: dict[str, Any]
    #: Join the waiting list when there are not enough places (else: refused "full").
    waitlist: bool
    #: Run in the booking's transaction once its rows exist (its mail): (connection, booking id, status).
    after_insert: Callable[[Any, int, str], None] | None = None
    booking_id: int | None = None
    status: str = ""
    error: BaseException | None = None
    finished: bool = field(default=False, repr=False)

    def raise_error(self) -> None:
        if self.error is not None:
            raise self.error


def _rows(item: PendingBooking, booking_id: int, status: str) -> tuple[dict, list[dict], list[dict], dict]:
    booking = {**item.values, "id": booking_id, "status": status}
    attendees = [{**row, "booking_id": booking_id} for row in item.attendees]
    claims = [{**row, "booking_id": booking_id} for row in item.claims]
    audit = {**item.audit, "action": f"booking.{status}"}
    return booking, attendees, claims, audit


def write_one(connection: Any, item: PendingBooking) -> None:
    """Write ``item`` on ``connection`` inside the caller's transaction (PostgreSQL): its outcome, or raise."""
    if connection.execute(TAKE, {"sid": item.session_id, "n": item.size}).rowcount == 1:
        status = "confirmed"
    elif item.waitlist:
        status = "waitlisted"
    else:
        raise Refused("full")
    booking_id = connection.execute(INSERT_BOOKING, {**item.values, "status": status}).inserted_primary_key[0]
    _, attendees, claims, audit = _rows(item, booking_id, status)
    connection.execute(INSERT_ATTENDEES, attendees)
    connection.execute(INSERT_CLAIMS, claims)
    connection.execute(INSERT_AUDIT, audit)
    if item.after_insert is not None:
        item.after_insert(connection, booking_id, status)
    item.booking_id, item.status = booking_id, status


# ---------------------------------------------------------------- SQLite: group commit

_COMPILED: dict[str, Compiled] = {}


def _compiled(dialect: Any) -> dict[str, Compiled]:
    """The statements compiled for SQLite once (exhibits/sqlite_statements.py: same SQL, same values)."""
    if not _COMPILED:
        _COMPILED.update(
            take=Compiled(TAKE, dialect),
            booking=Compiled(INSERT_BOOKING, dialect, ["id", *BOOKING_COLUMNS]),
            attendees=Compiled(INSERT_ATTENDEES, dialect, ["booking_id", "position", "name", "id_type", "id_hash",
                                                           "id_masked", "checked_in_by", "noshow"]),
            claims=Compiled(INSERT_CLAIMS, dialect, ["booking_id", "activity_id", "day", "id_hash"]),
            audit=Compiled(INSERT_AUDIT, dialect, ["at", "actor", "action", "target", "details"]),
        )
    return _COMPILED


class _Duplicate(Exception):
    """What the claims' (or request keys') unique index would say to the second of two bookings in one batch."""


class GroupCommit:
    """The bookings of one process waiting for one SQLite file's write lock, written a batch at a time."""

    def __init__(self, db: Database) -> None:
        self._db = weakref.ref(db)
        self._queued: list[PendingBooking] = []
        self._changed = threading.Condition()
        self._writing = False

    def write(self, item: PendingBooking, connection: Any) -> None:
        """Write ``item`` (alone or with others queued meanwhile); return when it is committed, or raise its error.

        One thread at a time writes for the process: it takes the write lock, then every booking queued by then.
        The others wait here, not on the lock (the lock is handed between processes, and a thread that only learns
        its booking is written must not take a turn at it); one whose booking is still queued writes next.

        ``connection`` (the caller's, idle) writes the batch if this thread is the one to write it: a thread that
        waited here for its turn must not need a second connection from a pool its waiting peers may have emptied."""
        with self._changed:
            self._queued.append(item)
            while not item.finished and self._writing:
                self._changed.wait()
            if item.finished:
                item.raise_error()
                return
            self._writing = True
        try:
            db = self._db()
            with db.writing():
                with self._changed:
                    batch, self._queued = self._queued, []
                self._commit(connection, batch)
        finally:
            with self._changed:
                if not item.finished and item in self._queued:  # the lock was never had: not written, not queued
                    self._queued.remove(item)
                self._writing = False
                self._changed.notify_all()
        item.raise_error()

    def _commit(self, connection: Any, batch: list[PendingBooking]) -> None:
        try:
            try:
                self._transaction(connection, batch)
            except Exception as exc:
                if len(batch) == 1:
                    batch[0].error = exc
                    return
                for item in batch:  # one of them was refused (an index, its mail): each alone, so only it fails
                    try:
                        self._transaction(connection, [item])
                    except Exception as alone:
                        item.error = alone
        finally:
            for item in batch:
                if not item.status and item.error is None:  # the writer stopped halfway (its worker is exiting)
                    item.error = RuntimeError("the write of this booking was interrupted; nothing was booked")
                item.finished = True

    def _transaction(self, connection: Any, batch: list[PendingBooking]) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            outcomes = self._write(connection, batch)
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
        for item, (booking_id, status, error) in zip(batch, outcomes):
            item.booking_id, item.status, item.error = booking_id, status, error

    def _write(self, connection: Any, batch: list[PendingBooking]) -> list[tuple[int | None, str, BaseException | None]]:
        statements = _compiled(connection.dialect)
        direct = Direct(connection)
        try:
            sids = sorted({item.session_id for item in batch})
            free = {sid: remaining for sid, remaining, state in direct.rows(
                f"SELECT id, remaining, state FROM {_SESSIONS.name} WHERE id IN ({', '.join('?' * len(sids))})", sids)
                if state == "open"}
            taken: Counter[int] = Counter()
            claimed: set[tuple] = set()
            keys: set[str] = set()
            decided: list[tuple[PendingBooking, str | BaseException]] = []
            for item in batch:  # in the order they came: the first in line gets the last places
                item_claims = {(c["activity_id"], c["day"], c["id_hash"]) for c in item.claims}
                key = item.values.get("request_key")
                if item_claims & claimed or (key and key in keys):
                    decided.append((item, _Duplicate()))
                    continue
                if free.get(item.session_id, -1) >= item.size:
                    free[item.session_id] -= item.size
                    taken[item.session_id] += item.size
                    status = "confirmed"
                elif item.waitlist:
                    status = "waitlisted"
                else:
                    decided.append((item, Refused("full")))
                    continue
                claimed |= item_claims
                if key:
                    keys.add(key)
                decided.append((item, status))
            if taken and direct.many(statements["take"], [{"sid": s, "n": n} for s, n in taken.items()]) != len(taken):
                raise RuntimeError("places changed while this process held the write lock")
            written = [(item, outcome) for item, outcome in decided if isinstance(outcome, str)]
            next_id = (direct.scalar(f"SELECT COALESCE(MAX(id), 0) FROM {Booking.__tablename__}") or 0) + 1
            rows = [_rows(item, next_id + n, status) for n, (item, status) in enumerate(written)]
            if rows:
                direct.insert_many(statements["booking"], [r[0] for r in rows])
                direct.insert_many(statements["attendees"], [a for r in rows for a in r[1]])
                direct.insert_many(statements["claims"], [c for r in rows for c in r[2]])
                direct.insert_many(statements["audit"], [r[3] for r in rows])
        finally:
            direct.close()
        ids = {id(item): row[0]["id"] for (item, _), row in zip(written, rows)}
        for item, outcome in written:
            if item.after_insert is not None:
                item.after_insert(connection, ids[id(item)], outcome)
        return [(ids.get(id(item)), outcome if isinstance(outcome, str) else "",
                 None if isinstance(outcome, str) else outcome) for item, outcome in decided]


_BATCHES: PerDatabase[GroupCommit] = PerDatabase()


def group_commit(db: Database) -> GroupCommit:
    """The group commit of ``db`` in this process."""
    return _BATCHES.get(db, lambda: GroupCommit(db))


def duplicate_errors() -> tuple[type[BaseException], ...]:
    """Errors of a write meaning "a unique index refused it" (the caller then looks for a repeated form)."""
    return (_Duplicate, *INTEGRITY_ERRORS)
