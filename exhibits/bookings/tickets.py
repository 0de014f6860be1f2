"""Ticket codes, the signed token a ticket's QR code carries, manage links, and iCalendar.

- The code is 80 random bits (``secrets``) in Crockford base32, 16 characters shown in groups of four; it is
  what staff type at the door and what the ticket URL names.
- The QR code carries ``<code>.<signature>`` (itsdangerous, HMAC-SHA256 with a key derived from
  JINSHI_SECRET_KEY and the salt ``jinshi.ticket``): an edited or invented token fails the signature at the door
  before the database is asked.
- The manage token (cancel, change, see or delete one's data) is an HMAC of the code, so it can be shown again
  on a double submit without being stored.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime

from itsdangerous import BadSignature, Signer

from exhibits.bookings.models import ZONE

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
CODE_CHARS = 16  # 16 × 5 = 80 bits


def new_code() -> str:
    """80 bits from one ``secrets.token_bytes`` call, five bits a character (one urandom read, not sixteen)."""
    bits = int.from_bytes(secrets.token_bytes(CODE_CHARS * 5 // 8), "big")
    return "".join(ALPHABET[(bits >> shift) & 31] for shift in range(CODE_CHARS * 5 - 5, -1, -5))


def normalise_code(text: str) -> str:
    """What a person typed (spaces, dashes, lower case, O for 0, I/L for 1) → the stored code."""
    value = re.sub(r"[\s\-]", "", str(text or "")).upper()
    return value.translate(str.maketrans("OIL", "011"))


def display_code(code: str) -> str:
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


class TicketSigner:
    def __init__(self, secret_key: str) -> None:
        self._signer = Signer(secret_key, salt="jinshi.ticket", digest_method=hashlib.sha256)
        self._manage_key = hmac.new(secret_key.encode(), b"jinshi/bookings/manage/v1", hashlib.sha256).digest()

    def token(self, code: str) -> str:
        return self._signer.sign(code).decode()

    def code_of(self, token: str) -> str | None:
        """The code a QR token carries, or None when the signature does not match (forged or edited)."""
        token = str(token or "").strip()
        try:
            code = self._signer.unsign(token).decode()
        except (BadSignature, UnicodeError, ValueError):
            return None
        # base64 leaves spare bits in the last character: only the canonical spelling is the token we issued
        return code if hmac.compare_digest(self.token(code), token) else None

    def manage_token(self, code: str) -> str:
        return hmac.new(self._manage_key, code.encode(), hashlib.sha256).hexdigest()[:32]

    def manage_ok(self, code: str, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(self.manage_token(code), str(token))


def ics_datetime(value: datetime) -> datetime:
    """Session times are China's wall clock; calendars get them with their zone."""
    return value.replace(tzinfo=ZONE)
