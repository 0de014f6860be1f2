"""The outbox: mails are rows written in the transaction that caused them, delivered later over SMTP.

``JINSHI_SMTP_URL`` (``smtp://user:password@host:587?starttls=1&from=tickets@museum.example``, ``smtps://...`` for
implicit TLS); unset, mails wait in the outbox. :func:`deliver` sends what is pending; the booking pages wake the process's
:class:`Courier` to call it in the background after a commit, and ``jinshi bookings send-mail`` does it from cron. Mails carry the masked ID
number at most, never the number.
"""
from __future__ import annotations

import logging
import os
import smtplib
import ssl
import threading
import weakref
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session as OrmSession

from exhibits.bookings.models import Booking, OutboxMail, local_now
from exhibits.bookings.tickets import display_code
from exhibits.db import Database, PerDatabase

if TYPE_CHECKING:  # pragma: no cover
    from exhibits.bookings.service import Keys

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
#: Mails a deliverer claims at once, and how long they are its own.
CLAIM_BATCH = 20
LEASE = timedelta(minutes=10)
#: After a failed attempt a mail waits this long, times its attempts, before the next.
RETRY_AFTER = timedelta(minutes=1)

_TEXT = {
    "zh": {
        "confirmed": ("预约成功：{title}", "{name}，您好：\n\n您已预约「{title}」。\n时间：{when}\n地点：{venue}\n人数：{size}\n证件：{ids}\n票号：{code}\n\n电子票（入场时出示二维码）：{ticket}\n取消或修改：{manage}\n"),
        "waitlisted": ("已加入候补：{title}", "{name}，您好：\n\n「{title}」（{when}）已约满，您已排入候补名单。有名额时我们会为您保留并通知您。\n查看或取消：{manage}\n"),
        "offered": ("候补名额已为您保留：{title}", "{name}，您好：\n\n「{title}」（{when}）有名额了，已为您保留至 {until}。请在此之前确认：{manage}\n逾期名额将让给下一位候补者。\n"),
        "session_cancelled": ("活动取消：{title}", "{name}，您好：\n\n很抱歉，「{title}」（{when}）已取消，您的预约（票号 {code}）随之取消。\n"),
        "capacity_changed": ("名额变更：{title}", "{name}，您好：\n\n「{title}」（{when}）的名额已调整为 {capacity} 人。您的预约（票号 {code}）状态：{status}。\n详情：{ticket}\n"),
        "status": {"confirmed": "已确认", "waitlisted": "候补中", "offered": "名额保留中", "cancelled": "已取消"},
    },
    "en": {
        "confirmed": ("Booked: {title}", "Hello {name},\n\nYou are booked for “{title}”.\nWhen: {when}\nWhere: {venue}\nPeople: {size}\nDocuments: {ids}\nTicket: {code}\n\nYour ticket (show its QR code at the door): {ticket}\nCancel or change: {manage}\n"),
        "waitlisted": ("On the waiting list: {title}", "Hello {name},\n\n“{title}” ({when}) is full; you are on its waiting list. When a place comes free we hold it for you and write again.\nSee or cancel: {manage}\n"),
        "offered": ("A place is held for you: {title}", "Hello {name},\n\nA place for “{title}” ({when}) is held for you until {until}. Confirm it before then: {manage}\nAfter that it goes to the next person waiting.\n"),
        "session_cancelled": ("Cancelled: {title}", "Hello {name},\n\nWe are sorry: “{title}” ({when}) is cancelled, and with it your booking (ticket {code}).\n"),
        "capacity_changed": ("Places changed: {title}", "Hello {name},\n\n“{title}” ({when}) now has {capacity} places. Your booking (ticket {code}) is: {status}.\nDetails: {ticket}\n"),
        "status": {"confirmed": "confirmed", "waitlisted": "on the waiting list", "offered": "a place is held for you", "cancelled": "cancelled"},
    },
}


def _texts(lang: str) -> dict:
    if lang == "zh-Hant":
        from opencc import OpenCC

        convert = OpenCC("s2twp").convert
        zh = _TEXT["zh"]
        return {k: ({s: convert(t) for s, t in v.items()} if isinstance(v, dict) else tuple(convert(t) for t in v))
                for k, v in zh.items()}
    return _TEXT.get(lang, _TEXT["zh"])


def _pick(value: dict, lang: str) -> str:
    for code in (lang, "zh" if lang.startswith("zh") else "en", "zh", "en", "none", *value):
        if value.get(code):
            return "; ".join(value[code])
    return ""


def queue_booking_mail(session: OrmSession, keys: "Keys", booking: Booking, kind: str, **extra) -> OutboxMail | None:
    """Add the mail of ``kind`` for ``booking`` to the outbox (in the caller's transaction)."""
    if not booking.email:
        return None
    lang = booking.lang or "zh"
    texts = _texts(lang)
    target = booking.session
    activity = target.activity
    ticket = f"{keys.base_url}/tickets/{booking.code}"
    manage = f"{ticket}?token={keys.signer.manage_token(booking.code)}"
    values = {
        "name": booking.name, "title": _pick(activity.title, lang), "venue": _pick(activity.venue.title, lang),
        "when": f"{target.starts:%Y-%m-%d %H:%M}–{target.ends:%H:%M}", "size": booking.size,
        "ids": ", ".join(a.id_masked for a in booking.attendees), "code": display_code(booking.code),
        "ticket": ticket, "manage": manage,
        "until": f"{booking.offer_expires:%Y-%m-%d %H:%M}" if booking.offer_expires else "",
        "capacity": target.capacity, "status": texts["status"].get(booking.status, booking.status),
    }
    values.update(extra)
    subject, body = texts[kind]
    attachments = []
    if kind == "confirmed":
        from exhibits.bookings.calendar import ticket_ics

        attachments.append({"filename": "ticket.ics", "content_type": "text/calendar",
                            "data": ticket_ics(booking, ticket, lang).decode()})
    row = OutboxMail(recipient=booking.email, subject=subject.format(**values), body=body.format(**values),
                     attachments=attachments, created=local_now())
    session.add(row)
    return row


@dataclass(frozen=True)
class SmtpTarget:
    host: str
    port: int
    username: str
    password: str
    implicit_tls: bool
    starttls: bool
    sender: str

    @classmethod
    def parse(cls, url: str) -> "SmtpTarget":
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("JINSHI_SMTP_URL must look like smtp://host:port or smtps://user:password@host")
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        implicit = parts.scheme == "smtps"
        return cls(
            host=parts.hostname, port=parts.port or (465 if implicit else 25),
            username=unquote(parts.username or ""), password=unquote(parts.password or ""),
            implicit_tls=implicit, starttls=query.get("starttls", "0") in ("1", "true", "yes"),
            sender=query.get("from") or f"noreply@{parts.hostname}",
        )


def _message(row: OutboxMail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = row.recipient
    message["Subject"] = row.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1])
    message.set_content(row.body)
    for attachment in row.attachments or []:
        maintype, subtype = attachment["content_type"].split("/", 1)
        message.add_attachment(attachment["data"].encode(), maintype=maintype, subtype=subtype,
                               filename=attachment["filename"])
    return message


def deliver(db: Database, smtp_url: str, limit: int = 100) -> dict:
    """Send up to ``limit`` pending mails; a failure is recorded on the row and retried later.

    Mails are claimed ``CLAIM_BATCH`` at a time in a short write transaction (``lease_until``), sent with no
    transaction open, and their outcome recorded in another: several deliverers at once (the web workers, cron's
    ``jinshi bookings send-mail``) send each mail once, on SQLite too, and an SMTP server's slowness holds no lock.
    A deliverer that dies mid-batch leaves its mails to the next one when the lease runs out (at worst a mail it had
    sent goes twice; none is lost)."""
    counts = {"sent": 0, "failed": 0}
    if not smtp_url:
        return counts
    target = SmtpTarget.parse(smtp_url)
    while counts["sent"] + counts["failed"] < limit:
        rows = _claim(db, min(CLAIM_BATCH, limit - counts["sent"] - counts["failed"]))
        if not rows:
            break
        errors = _send(target, rows)
        _record(db, rows, errors)
        failed = sum(1 for error in errors.values() if error)
        counts["failed"] += failed
        counts["sent"] += len(rows) - failed
    return counts


def _claim(db: Database, limit: int) -> list[OutboxMail]:
    now = local_now()
    free = and_(OutboxMail.sent_at.is_(None), OutboxMail.attempts < MAX_ATTEMPTS,
                or_(OutboxMail.lease_until.is_(None), OutboxMail.lease_until <= now))
    with db.write_session() as session:  # SQLite: BEGIN IMMEDIATE, one claimer at a time
        ids = session.scalars(select(OutboxMail.id).where(free).order_by(OutboxMail.id).limit(limit)
                              .with_for_update(skip_locked=True)).all()  # PostgreSQL: rows another claim holds are skipped
        if not ids:
            return []
        session.execute(update(OutboxMail).where(OutboxMail.id.in_(ids)).values(lease_until=now + LEASE))
        return list(session.scalars(select(OutboxMail).where(OutboxMail.id.in_(ids)).order_by(OutboxMail.id)))


def _send(target: SmtpTarget, rows: list[OutboxMail]) -> dict[int, str]:
    """Each row's error ("" when sent), over one SMTP connection."""
    try:
        client = (smtplib.SMTP_SSL(target.host, target.port, timeout=20, context=ssl.create_default_context())
                  if target.implicit_tls else smtplib.SMTP(target.host, target.port, timeout=20))
    except OSError as exc:
        return {row.id: f"connect: {exc}"[:500] for row in rows}
    errors: dict[int, str] = {}
    try:
        with client:
            if target.starttls:
                client.starttls(context=ssl.create_default_context())
            if target.username:
                client.login(target.username, target.password)
            for row in rows:
                try:
                    client.send_message(_message(row, target.sender))
                    errors[row.id] = ""
                except (smtplib.SMTPException, ValueError, TypeError) as exc:  # refused, or a row no mail can carry
                    errors[row.id] = f"{type(exc).__name__}: {exc}"[:500]
    except (OSError, smtplib.SMTPException) as exc:  # the server went away (or refused the login) mid-batch
        for row in rows:
            errors.setdefault(row.id, f"{type(exc).__name__}: {exc}"[:500])
    return errors


def _record(db: Database, rows: list[OutboxMail], errors: dict[int, str]) -> None:
    now = local_now()
    with db.write_session() as session:
        for row in rows:
            error = errors.get(row.id) or ""
            attempts = row.attempts + 1
            session.execute(update(OutboxMail).where(OutboxMail.id == row.id).values(
                attempts=attempts, error=error, sent_at=None if error else now,
                lease_until=now + RETRY_AFTER * attempts if error else None))


class Courier:
    """The one thread of a process that delivers the outbox when told new mail waits (:meth:`poke`).

    The web pages poke it after each commit that queued a mail; a burst of bookings wakes it once or a few times,
    not a thread and an SMTP connection each. It delivers until nothing is pending, then waits; idle for
    ``IDLE_SECONDS`` it ends, and the next poke starts it again (in a forked worker too)."""

    IDLE_SECONDS = 30.0

    def __init__(self, db: Database, smtp_url: str) -> None:
        self._db = weakref.ref(db)
        self.smtp_url = smtp_url
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pid = 0

    def poke(self) -> None:
        with self._lock:
            self._wake.set()
            if self._thread is None or self._pid != os.getpid() or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="mail courier", daemon=True)
                self._pid = os.getpid()
                self._thread.start()

    def _run(self) -> None:
        while True:
            if not self._wake.wait(self.IDLE_SECONDS):
                with self._lock:
                    if not self._wake.is_set():  # a poke after this sees no thread and starts one
                        self._thread = None
                        return
                continue
            self._wake.clear()
            db = self._db()
            if db is None:
                return
            try:
                while sum(deliver(db, self.smtp_url).values()):
                    pass  # a full batch: there may be more
            except Exception:  # noqa: BLE001 - a mail server being down must not stop the next pokes; rows keep the error
                log.exception("mail delivery failed (the mails stay in the outbox)")
            finally:
                del db


_COURIERS: PerDatabase[Courier] = PerDatabase()


def courier(db: Database, smtp_url: str) -> Courier:
    """The courier of ``db``'s outbox in this process (a new one when JINSHI_SMTP_URL changed)."""
    return _COURIERS.get(db, lambda: Courier(db, smtp_url), keep=lambda found: found.smtp_url == smtp_url)
