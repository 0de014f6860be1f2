"""Booking mails go through a real SMTP server (aiosmtpd) and carry no ID number in full."""
import dataclasses
import email
from datetime import timedelta
import time
from contextlib import contextmanager
from email import policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from exhibits.bookings import mail
from exhibits.bookings.models import OutboxMail, local_now
from tests.support.bookings import booking_body, first_session, load, resident
from tests.viewer.test_cli import free_port


class Inbox:
    def __init__(self) -> None:
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


@contextmanager
def smtp_server(inbox):
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{port}?from=tickets@museum.test"
    finally:
        controller.stop()


@pytest.fixture
def smtp():
    inbox = Inbox()
    with smtp_server(inbox) as url:
        yield inbox, url


def test_confirmation_mail_through_smtp(app, museum_runtime, tmp_path, smtp):
    inbox, url = smtp
    museum_runtime.settings = dataclasses.replace(museum_runtime.settings, smtp_url=url)
    load(museum_runtime, tmp_path)
    session_id = first_session(museum_runtime)
    r = app.test_client().post("/api/bookings?lang=en", json=booking_body(session_id, email="visitor@example.org"))
    assert r.status_code == 201
    deadline = time.monotonic() + 20
    while not inbox.messages and time.monotonic() < deadline:
        time.sleep(0.1)
    [(recipients, message)] = inbox.messages
    assert recipients == ["visitor@example.org"] and message["From"] == "tickets@museum.test"
    assert "Booked:" in message["Subject"]
    body = message.get_body(("plain",)).get_content()
    code = r.get_json()["code"]
    assert f"/tickets/{code}" in body and "3407**********" in body
    assert resident() not in message.as_string() and "13812345678" not in message.as_string()
    [ics] = [part for part in message.iter_attachments() if part.get_filename() == "ticket.ics"]
    content = ics.get_content()
    assert "BEGIN:VEVENT" in (content.decode() if isinstance(content, bytes) else content)
    with museum_runtime.db.session() as s:
        [row] = s.scalars(select(OutboxMail))
        assert row.sent_at is not None and row.attempts == 1


def test_mails_wait_in_the_outbox_without_smtp(app, museum_runtime, tmp_path):
    load(museum_runtime, tmp_path)
    session_id = first_session(museum_runtime)
    r = app.test_client().post("/api/bookings", json=booking_body(session_id, email="visitor@example.org"))
    assert r.status_code == 201
    with museum_runtime.db.session() as s:
        [row] = s.scalars(select(OutboxMail))
        assert row.sent_at is None and "预约成功" in row.subject


class SlowInbox(Inbox):
    """An SMTP server that takes a moment for each mail, as a real one does."""

    async def handle_DATA(self, server, session, envelope):
        import asyncio

        await asyncio.sleep(0.05)
        return await super().handle_DATA(server, session, envelope)


def test_a_burst_of_bookings_sends_each_mail_once(app, museum_runtime, tmp_path, caplog):
    """Each booking with a mail address wakes the delivery: twenty at once must not send a mail twice (SQLite has
    no SKIP LOCKED; it sent 96 mails for these twenty) nor leave a sent mail recorded as unsent."""
    from concurrent.futures import ThreadPoolExecutor

    from tests.support.bookings import people

    inbox = SlowInbox()
    with smtp_server(inbox) as url:
        museum_runtime.settings = dataclasses.replace(museum_runtime.settings, smtp_url=url)
        load(museum_runtime, tmp_path)
        session_id = first_session(museum_runtime, "timed-entry")

        def book(n_number):
            n, number = n_number
            body = booking_body(session_id, number, email=f"visitor{n}@example.org")
            return app.test_client().post("/api/bookings?lang=en", json=body).status_code

        with ThreadPoolExecutor(max_workers=20) as pool:
            assert list(pool.map(book, enumerate(people(20, start=300)))) == [201] * 20
        wait_for(lambda: len(inbox.messages) >= 20)
        time.sleep(0.5)  # a duplicate would come right behind
    assert sorted(r for rs, _ in inbox.messages for r in rs) == sorted(f"visitor{n}@example.org" for n in range(20))
    rows = outbox(museum_runtime)
    assert len(rows) == 20 and all(row.sent_at is not None and row.attempts == 1 for row in rows), rows
    assert "mail delivery failed" not in caplog.text


def wait_for(condition, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)


def outbox(runtime) -> list[OutboxMail]:
    with runtime.db.session() as s:
        return list(s.scalars(select(OutboxMail).order_by(OutboxMail.id)))


def queue_mails(runtime, recipients: list[str]) -> None:
    with runtime.db.session() as s:
        s.add_all([OutboxMail(recipient=r, subject=f"To {r}", body="Hello") for r in recipients])


def test_deliverers_at_once_send_each_mail_once(museum_runtime):
    """The web workers and cron's `jinshi bookings send-mail` may deliver at the same moment: each mail goes
    once, and the SMTP server's slowness holds no write lock meanwhile."""
    from concurrent.futures import ThreadPoolExecutor

    recipients = [f"reader{n}@example.org" for n in range(45)]
    queue_mails(museum_runtime, recipients)
    inbox = SlowInbox()
    with smtp_server(inbox) as url:
        with ThreadPoolExecutor(max_workers=4) as pool:
            counts = list(pool.map(lambda _: mail.deliver(museum_runtime.db, url), range(4)))
    assert sum(c["sent"] for c in counts) == 45 and sum(c["failed"] for c in counts) == 0
    assert sorted(r for rs, _ in inbox.messages for r in rs) == sorted(recipients)
    assert all(row.sent_at is not None and row.attempts == 1 and row.lease_until is None for row in outbox(museum_runtime))


class PickyInbox(Inbox):
    """An SMTP server that refuses one recipient."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("nobody@"):
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_a_refused_mail_fails_alone_and_waits_before_it_is_tried_again(museum_runtime):
    queue_mails(museum_runtime, ["a@example.org", "nobody@example.org", "b@example.org"])
    inbox = PickyInbox()
    with smtp_server(inbox) as url:
        assert mail.deliver(museum_runtime.db, url) == {"sent": 2, "failed": 1}
        refused = next(row for row in outbox(museum_runtime) if row.recipient == "nobody@example.org")
        assert refused.sent_at is None and refused.attempts == 1 and "No such user" in refused.error
        assert refused.lease_until > local_now()  # its next attempt waits
        assert mail.deliver(museum_runtime.db, url) == {"sent": 0, "failed": 0}
        with museum_runtime.db.session() as s:  # the wait is over
            s.get(OutboxMail, refused.id).lease_until = local_now() - timedelta(seconds=1)
        assert mail.deliver(museum_runtime.db, url) == {"sent": 0, "failed": 1}
    assert sorted(r for rs, _ in inbox.messages for r in rs) == ["a@example.org", "b@example.org"]
    assert next(row for row in outbox(museum_runtime) if row.id == refused.id).attempts == 2


def test_a_mail_that_cannot_be_written_fails_alone(museum_runtime):
    """A subject with a line break (an activity's title, say) cannot be a mail header: that mail fails, recorded,
    and the ones beside it go."""
    queue_mails(museum_runtime, ["a@example.org", "b@example.org"])
    with museum_runtime.db.session() as s:
        s.scalars(select(OutboxMail).where(OutboxMail.recipient == "a@example.org")).one().subject = "Booked\nBcc: x@evil.test"
    inbox = Inbox()
    with smtp_server(inbox) as url:
        assert mail.deliver(museum_runtime.db, url) == {"sent": 1, "failed": 1}
    assert [rs for rs, _ in inbox.messages] == [["b@example.org"]]
    broken = next(row for row in outbox(museum_runtime) if row.recipient == "a@example.org")
    assert broken.sent_at is None and broken.attempts == 1 and "ValueError" in broken.error


def test_mails_wait_while_the_smtp_server_is_down_and_go_once_it_is_back(museum_runtime):
    queue_mails(museum_runtime, ["a@example.org", "b@example.org"])
    down = f"smtp://127.0.0.1:{free_port()}?from=tickets@museum.test"  # nobody listens there
    assert mail.deliver(museum_runtime.db, down) == {"sent": 0, "failed": 2}
    rows = outbox(museum_runtime)
    assert all(row.error.startswith("connect:") and row.attempts == 1 and row.sent_at is None for row in rows)
    with museum_runtime.db.session() as s:
        for row in rows:
            s.get(OutboxMail, row.id).lease_until = None
    inbox = Inbox()
    with smtp_server(inbox) as url:
        assert mail.deliver(museum_runtime.db, url) == {"sent": 2, "failed": 0}
    assert sorted(r for rs, _ in inbox.messages for r in rs) == ["a@example.org", "b@example.org"]


def test_the_courier_starts_again_after_it_idled_out(museum_runtime, monkeypatch):
    """A process's courier thread ends when idle; the next mail starts it again."""
    monkeypatch.setattr(mail.Courier, "IDLE_SECONDS", 0.2)
    inbox = Inbox()
    with smtp_server(inbox) as url:
        courier = mail.courier(museum_runtime.db, url)
        queue_mails(museum_runtime, ["first@example.org"])
        courier.poke()
        wait_for(lambda: len(inbox.messages) == 1)
        wait_for(lambda: courier._thread is None, 5)
        assert courier._thread is None
        queue_mails(museum_runtime, ["second@example.org"])
        courier.poke()
        wait_for(lambda: len(inbox.messages) == 2)
    assert [rs for rs, _ in inbox.messages] == [["first@example.org"], ["second@example.org"]]
