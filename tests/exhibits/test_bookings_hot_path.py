"""The booking hot path: its reads are one round trip, its rules still hold, its ticket codes stay 80-bit."""
from collections import Counter

from sqlalchemy import event

from exhibits.bookings import service
from exhibits.bookings.tickets import ALPHABET, CODE_CHARS, new_code
from tests.support.bookings import booking_body, first_session, load, people


def _statements(db):
    seen: list[str] = []

    def _before(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement.split(None, 1)[0].upper())

    event.listen(db.engine, "before_cursor_execute", _before)
    return seen, lambda: event.remove(db.engine, "before_cursor_execute", _before)


def test_a_booking_reads_its_rules_in_one_statement(museum_runtime, tmp_path, monkeypatch):
    from exhibits.sqlite_statements import Direct

    load(museum_runtime, tmp_path)
    session_id = first_session(museum_runtime)
    keys = service.Keys.from_secret("test-secret")
    first, second = people(2)
    seen, stop = _statements(museum_runtime.db)
    direct_first = Direct.first
    # on SQLite the rules read runs on its cursor, not through SQLAlchemy's events (test below)
    monkeypatch.setattr(Direct, "first", lambda self, query, values: seen.append("SELECT") or direct_first(self, query, values))
    try:
        service.book(museum_runtime.db, keys, service.parse_request(booking_body(session_id, first)))
    finally:
        stop()
    kinds = Counter(seen)
    # session + activity, suspension, claims, overlapping places, stale offers: one SELECT, not five
    assert kinds["SELECT"] == 1, seen
    assert kinds["UPDATE"] == (0 if museum_runtime.db.is_sqlite else 1), seen
    # the UPDATE and the inserts: through SQLAlchemy on PostgreSQL, on SQLite's cursor directly (test below)
    assert kinds["INSERT"] == (0 if museum_runtime.db.is_sqlite else 4), seen
    # and the rules that SELECT carries still refuse: the same person again the same day
    again = service.parse_request(booking_body(session_id, first))
    try:
        service.book(museum_runtime.db, keys, again)
    except service.Refused as refused:
        assert refused.code == "duplicate"
    else:
        raise AssertionError("a second booking of the same person was taken")
    assert service.book(museum_runtime.db, keys, service.parse_request(booking_body(session_id, second))).booking.status == "confirmed"


def test_ticket_codes_are_16_crockford_characters_of_80_random_bits():
    codes = [new_code() for _ in range(2000)]
    assert len(set(codes)) == len(codes)
    assert all(len(c) == CODE_CHARS and set(c) <= set(ALPHABET) for c in codes)
    # every position takes every character: the 80 bits are spread over all 16 characters
    for position in range(CODE_CHARS):
        assert len({c[position] for c in codes}) == len(ALPHABET), position


def test_a_sold_out_session_refuses_without_queueing_for_the_write_lock(museum_runtime, tmp_path, monkeypatch):
    from sqlalchemy import update

    from exhibits.bookings.models import Session

    load(museum_runtime, tmp_path)
    session_id = first_session(museum_runtime)
    db, keys = museum_runtime.db, service.Keys.from_secret("test-secret")
    with db.session() as s:
        s.execute(update(Session).where(Session.id == session_id).values(remaining=0))
    taken = []
    real = type(db).writing
    monkeypatch.setattr(type(db), "writing", lambda self: taken.append(1) or real(self))
    first, second = people(2)
    try:
        service.book(db, keys, service.parse_request(booking_body(session_id, first, waitlist=False)))
    except service.Refused as refused:
        assert refused.code == "full"
    else:
        raise AssertionError("a sold-out session took a booking")
    assert taken == []
    # with the waiting list asked for, the write runs (and writes the waiting-list entry)
    booked = service.book(db, keys, service.parse_request(booking_body(session_id, second)))
    assert taken and booked.booking.status == "waitlisted"


def test_the_direct_sqlite_inserts_store_what_sqlalchemy_stores(museum_runtime, tmp_path):
    """Every column of the four rows a booking writes, as stored, equals what ``connection.execute`` stores."""
    from sqlalchemy import select, text

    from exhibits.bookings.models import Attendee, Booking, Claim
    from exhibits.models import AuditEntry

    load(museum_runtime, tmp_path)
    session_id = first_session(museum_runtime)
    db, keys = museum_runtime.db, service.Keys.from_secret("test-secret")
    booked = service.book(db, keys, service.parse_request(booking_body(session_id, people(1)[0], email="a@example.org")))
    code = booked.booking.code
    tables = {"booking": Booking, "booking_attendee": Attendee, "booking_claim": Claim, "audit": AuditEntry}
    with db.engine.connect() as connection:
        booking_id = connection.scalar(select(Booking.id).where(Booking.code == code))
        wheres = {"booking": f"id = {booking_id}", "booking_attendee": f"booking_id = {booking_id}",
                  "booking_claim": f"booking_id = {booking_id}", "audit": f"target = '{code}' AND action LIKE 'booking.%'"}
        for name, model in tables.items():
            stored = connection.execute(text(f"SELECT * FROM {name} WHERE {wheres[name]}")).mappings().one()
            row = dict(stored)
            row.pop("id")
            if name == "booking":
                row["code"] = row["code"][::-1]
            if name == "booking_claim":
                row["id_hash"] = "x" + row["id_hash"][1:]
            # back through SQLAlchemy's types (what the ORM would have written), then in again with Core
            typed = connection.execute(select(*[model.__table__.c[k] for k in row]).where(text(wheres[name]))).mappings().one()
            typed = dict(typed)
            typed.update({k: row[k] for k in ("code",) if name == "booking"})
            typed.update({k: row[k] for k in ("id_hash",) if name == "booking_claim"})
            again = connection.execute(model.__table__.insert().values(**typed)).inserted_primary_key[0]
            copy = dict(connection.execute(text(f"SELECT * FROM {name} WHERE id = {again}")).mappings().one())
            copy.pop("id")
            assert copy == row, name
        connection.rollback()


def test_the_rules_read_finds_its_rows_by_index_not_by_walking_the_session(museum_runtime, tmp_path):
    """The read every booking makes must not grow with the session's bookings (a popular session holds hundreds):
    its offers past their time and its people's suspensions are looked up by composite indexes (migration book2)."""
    import pytest
    from sqlalchemy import text

    from exhibits.bookings.models import local_now

    if not museum_runtime.db.is_sqlite:
        pytest.skip("SQLite's query plan (PostgreSQL plans by its statistics)")
    load(museum_runtime, tmp_path)
    session_id = first_session(museum_runtime)
    statement = service._TARGET.params(sid=session_id, hashes=["a" * 64, "b" * 64], now=local_now())
    with museum_runtime.db.engine.connect() as connection:
        sql = str(statement.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
        plan = [row[-1] for row in connection.execute(text("EXPLAIN QUERY PLAN " + sql))]
    assert any("ix_booking_session_status (session_id=? AND status=?)" in step for step in plan), plan
    assert any("ix_booking_suspension_venue_person (venue_id=? AND id_hash=?)" in step for step in plan), plan
    assert not any(step.startswith("SCAN") for step in plan), plan


def test_a_booking_updates_no_index_another_one_already_answers(museum_runtime):
    """Every index is one more B-tree a booking writes inside the write lock: bookings by session (the staff's
    list, a deleted session's cascade) are found by the composite index, so no single-column one is kept
    (migration book3)."""
    import pytest
    from sqlalchemy import inspect, select, text

    from exhibits.bookings.models import Booking

    indexes = {ix["name"]: ix["column_names"] for ix in inspect(museum_runtime.db.engine).get_indexes("booking")}
    assert indexes["ix_booking_session_status"] == ["session_id", "status"]
    assert ["session_id"] not in indexes.values(), indexes
    if not museum_runtime.db.is_sqlite:
        pytest.skip("SQLite's query plan (PostgreSQL plans by its statistics)")
    with museum_runtime.db.engine.connect() as connection:
        sql = str(select(Booking).where(Booking.session_id == 1).compile(
            dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
        plan = [row[-1] for row in connection.execute(text("EXPLAIN QUERY PLAN " + sql))]
    assert plan == ["SEARCH booking USING INDEX ix_booking_session_status (session_id=?)"], plan


def test_the_direct_sqlite_rules_read_answers_what_sqlalchemy_answers(museum_runtime, tmp_path):
    """The rules read runs on SQLite's cursor (exhibits/sqlite_statements.Query): for a booked person, a suspended
    one, strangers, one to three people, an offer past its time and an unknown session, every column (typed:
    datetimes, booleans) equals SQLAlchemy's row of the same statement."""
    from datetime import timedelta

    import pytest
    from sqlalchemy import update

    from exhibits.bookings.models import Activity, Booking, Session, Suspension, local_now

    if not museum_runtime.db.is_sqlite:
        pytest.skip("PostgreSQL reads through SQLAlchemy")
    load(museum_runtime, tmp_path)
    session_id = first_session(museum_runtime)
    db, keys = museum_runtime.db, service.Keys.from_secret("test-secret")
    booked, suspended, stranger, other = people(4)
    service.book(db, keys, service.parse_request(booking_body(session_id, booked)))
    digest = lambda number: keys.hasher.document("resident", number)  # noqa: E731
    now = local_now()
    with db.session() as s:
        venue_id = s.get(Activity, s.get(Session, session_id).activity_id).venue_id
        s.add(Suspension(venue_id=venue_id, id_hash=digest(suspended), until=now + timedelta(days=3)))
        s.commit()
    cases = [[digest(booked)], [digest(suspended)], [digest(stranger)],
             [digest(stranger), digest(suspended), digest(booked)], [digest(other), digest(stranger)]]

    def both(sid, hashes, at):
        values = {"sid": sid, "hashes": hashes, "now": at}
        with db.engine.connect() as connection:
            expected = connection.execute(service._TARGET, values).first()
            connection.rollback()
            direct = service._read_target(connection, values)
        return expected, direct

    answers = []
    for hashes in cases:
        for at in (now, now + timedelta(days=5)):
            expected, direct = both(session_id, hashes, at)
            assert tuple(direct) == tuple(expected), (hashes, at)
            assert direct._asdict() == dict(expected._mapping)
            assert type(direct.starts) is type(expected.starts) and type(direct.waitlist) is bool
            answers.append(direct)
    with db.session() as s:  # the booking becomes an offer past its time: counted as a stale offer
        s.execute(update(Booking).values(status="offered", offer_expires=now - timedelta(minutes=1)))
        s.commit()
    expected, direct = both(session_id, [digest(stranger)], now)
    assert tuple(direct) == tuple(expected) and direct.stale_offers == 1
    assert both(10 ** 6, [digest(stranger)], now) == (None, None)
    # the cases differ where the rules look: a suspension, a claim, an overlap
    assert {a.suspended_until is not None for a in answers} == {True, False}
    assert {bool(a.claimed) for a in answers} == {True, False}
    assert {bool(a.overlapping) for a in answers} == {True, False}
