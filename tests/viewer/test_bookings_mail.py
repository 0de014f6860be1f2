"""Booking mails go through a real SMTP server (aiosmtpd) and carry no ID number in full."""
import dataclasses
import email
import time
from email import policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from exhibits.bookings.models import OutboxMail
from tests.support.bookings import booking_body, first_session, load, resident


class Inbox:
    def __init__(self) -> None:
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


@pytest.fixture
def smtp():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, f"smtp://127.0.0.1:{port}?from=tickets@museum.test"
    controller.stop()


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
