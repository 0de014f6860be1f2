"""Keyed hashes and masked forms of ID and phone numbers (PIPL: never stored, shown or logged in full).

The key is derived from ``JINSHI_SECRET_KEY`` for this one purpose, so the hashes cannot be recomputed by anyone
holding only the database (an unkeyed hash of an 18-digit number with a known structure is brute-forced in minutes),
and a hash from one deployment matches nothing in another.
"""
from __future__ import annotations

import hashlib
import hmac


class Hasher:
    def __init__(self, secret_key: str) -> None:
        if not secret_key:
            raise ValueError("bookings need a secret key (JINSHI_SECRET_KEY)")
        self._key = hmac.new(secret_key.encode(), b"jinshi/bookings/personal-id/v1", hashlib.sha256).digest()

    def digest(self, kind: str, value: str) -> str:
        """HMAC-SHA256 of a normalised value, tagged with its kind (``resident``, ``phone``, ...)."""
        return hmac.new(self._key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()

    def document(self, id_type: str, number: str) -> str:
        # Passports of one holder can be typed as 'passport' or a permit type by mistake: the resident kind
        # stays apart (18 digits), every other kind is hashed by its number alone.
        return self.digest("resident" if id_type == "resident" else "document", number)

    def phone(self, phone: str) -> str:
        return self.digest("phone", phone)


def mask(value: str) -> str:
    """``340702199001011234`` → ``3407**********1234``; shorter numbers keep fewer characters."""
    if len(value) >= 12:
        return value[:4] + "*" * (len(value) - 8) + value[-4:]
    if len(value) >= 6:
        return value[:2] + "*" * (len(value) - 4) + value[-2:]
    return "*" * len(value)


def mask_phone(phone: str) -> str:
    """``13812345678`` → ``138****5678``."""
    if len(phone) >= 8:
        return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
    return "*" * len(phone)


def token_hash(token: str) -> str:
    """Unkeyed SHA-256 for random bearer tokens (manage links): 192 random bits need no key."""
    return hashlib.sha256(token.encode()).hexdigest()
