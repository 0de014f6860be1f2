"""SQLite's booking writes, grouped: the bookings waiting for the write lock in one process are written in one
transaction, each with the outcome it would have had alone, in the order they came."""
import threading
import time

import pytest
from sqlalchemy import event, func, select, text, update

from exhibits.bookings import service, writes
from exhibits.bookings.models import Attendee, Booking, Claim, Session
from tests.support.bookings import booking_body, first_session, load, people


@pytest.fixture
def sqlite_runtime(museum_runtime):
    if not museum_runtime.db.is_sqlite:
        pytest.skip("group commit is SQLite's (PostgreSQL writes each booking under its row lock)")
    return museum_runtime


def _transactions(db) -> list[str]:
    began: list[str] = []

    def _before(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("BEGIN"):
            began.append(statement)

    event.listen(db.engine, "before_cursor_execute", _before)
    return began


def _book_together(db, keys, bodies: list[dict]) -> list[object]:
    """Book ``bodies`` from as many threads, all queued behind the write lock before any is written; each
    thread's Booked or exception, in the order the bookings were queued."""
    outcomes: dict[int, object] = {}
    batches = writes.group_commit(db)

    def attempt(index: int) -> None:
        try:
            outcomes[index] = service.book(db, keys, service.parse_request(bodies[index]))
        except Exception as exc:  # noqa: BLE001 - the outcome under test
            outcomes[index] = exc

    threads = []
    with db.writing():  # as if another process were writing: everyone queues
        for index in range(len(bodies)):
            thread = threading.Thread(target=attempt, args=(index,))
            thread.start()
            threads.append(thread)
            deadline = time.monotonic() + 30
            while len(batches._queued) < index + 1 and time.monotonic() < deadline:
                time.sleep(0.002)  # queue them one by one, so the order is known
        assert len(batches._queued) == len(bodies)
    for thread in threads:
        thread.join(60)
    return [outcomes[i] for i in range(len(bodies))]


def test_bookings_queued_together_are_written_in_one_transaction_first_come_first_served(sqlite_runtime, tmp_path):
    db = sqlite_runtime.db
    load(sqlite_runtime, tmp_path)
    session_id = first_session(sqlite_runtime)
    with db.session() as s:
        s.execute(update(Session).where(Session.id == session_id).values(remaining=5))
    keys = service.Keys.from_secret("test-secret")
    numbers = people(9)
    bodies = [booking_body(session_id, n, waitlist=i % 2 == 0) for i, n in enumerate(numbers)]
    # the first booking takes two people: 2 + 1 + 1 + 1 = 5 places for the first four
    bodies[0]["party"] = [{"name": "李四", "id_type": "resident", "id_number": people(1, start=500)[0]}]
    began = _transactions(db)
    outcomes = _book_together(db, keys, bodies)

    assert len(began) == 1, began  # nine bookings, one write transaction
    statuses = [o.booking.status if isinstance(o, service.Booked) else o.code for o in outcomes]
    # then the session is full: the waiting list for those who asked for it (even), "full" for the others
    assert statuses == ["confirmed"] * 4 + ["waitlisted", "full", "waitlisted", "full", "waitlisted"]
    with db.session() as s:
        assert s.get(Session, session_id).remaining == 0
        stored = {b.code: b for b in s.scalars(select(Booking).where(Booking.session_id == session_id))}
        assert len(stored) == 7  # the two refused left nothing
        for outcome in outcomes:
            if isinstance(outcome, service.Booked):
                row = stored[outcome.booking.code]
                assert (row.id, row.status, row.size) == (outcome.booking.id, outcome.booking.status, outcome.booking.size)
                attendees = s.scalars(select(Attendee).where(Attendee.booking_id == row.id)).all()
                assert len(attendees) == row.size
                assert s.scalar(select(func.count()).select_from(Claim).where(Claim.booking_id == row.id)) == row.size
        actions = s.execute(text("SELECT action, COUNT(*) FROM audit WHERE action LIKE 'booking.%' GROUP BY action")).all()
        assert dict(actions) == {"booking.confirmed": 4, "booking.waitlisted": 3}


def test_the_same_person_twice_in_one_batch_is_refused_the_second_time(sqlite_runtime, tmp_path):
    db = sqlite_runtime.db
    load(sqlite_runtime, tmp_path)
    session_id = first_session(sqlite_runtime)
    keys = service.Keys.from_secret("test-secret")
    first, second = people(2)
    outcomes = _book_together(db, keys, [booking_body(session_id, first), booking_body(session_id, first),
                                         booking_body(session_id, second)])
    assert isinstance(outcomes[0], service.Booked) and outcomes[0].booking.status == "confirmed"
    assert isinstance(outcomes[1], service.Refused) and outcomes[1].code == "duplicate"
    assert isinstance(outcomes[2], service.Booked) and outcomes[2].booking.status == "confirmed"


def test_a_double_submitted_form_in_one_batch_answers_the_booking_it_made(sqlite_runtime, tmp_path):
    db = sqlite_runtime.db
    load(sqlite_runtime, tmp_path)
    session_id = first_session(sqlite_runtime)
    keys = service.Keys.from_secret("test-secret")
    body = booking_body(session_id, people(1)[0], request_key="k" * 24)
    outcomes = _book_together(db, keys, [body, dict(body)])
    assert [o.repeated for o in outcomes] == [False, True]
    assert outcomes[0].booking.code == outcomes[1].booking.code
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Booking)) == 1


def test_a_booking_the_index_refuses_fails_alone_and_the_rest_of_its_batch_is_written(sqlite_runtime, tmp_path, monkeypatch):
    """Between a booking's reads and its batch, another process booked the same person: the claims' unique index
    refuses the batch, which is written again one booking at a time."""
    db = sqlite_runtime.db
    load(sqlite_runtime, tmp_path)
    session_id = first_session(sqlite_runtime)
    keys = service.Keys.from_secret("test-secret")
    numbers = people(4)
    # the third person's claim appears once the reads are done (the other process's commit)
    elsewhere = service.parse_request(booking_body(session_id, numbers[2]))
    real_write = writes.GroupCommit.write
    sneaked = []

    def write(self, item, connection):
        if not sneaked and item.claims[0]["id_hash"] == keys.hasher.document("resident", elsewhere.people[0].document.number):
            sneaked.append(1)
            with db.engine.begin() as other:  # the rows the other process committed
                booking_id = other.execute(Booking.__table__.insert().values(
                    code="OTHERPROCESS0000", session_id=session_id, status="confirmed", size=1, name="x",
                    created=item.values["created"])).inserted_primary_key[0]
                other.execute(Claim.__table__.insert().values(booking_id=booking_id, **item.claims[0]))
        return real_write(self, item, connection)

    monkeypatch.setattr(writes.GroupCommit, "write", write)
    outcomes = _book_together(db, keys, [booking_body(session_id, n) for n in numbers])
    assert [o.booking.status if isinstance(o, service.Booked) else o.code for o in outcomes] == \
        ["confirmed", "confirmed", "duplicate", "confirmed"]
    with db.session() as s:
        held = s.scalar(select(func.sum(Booking.size)).where(Booking.session_id == session_id, Booking.code != "OTHERPROCESS0000"))
        assert held == 3
        capacity = s.get(Session, session_id)
        assert capacity.remaining == capacity.capacity - 3
