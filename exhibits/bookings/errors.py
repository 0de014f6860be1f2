"""What the booking services answer when they cannot do what was asked.

``InvalidInput`` (HTTP 400) names the field; ``Refused`` (HTTP 409) names the reason (DESIGN.md: ``full``,
``duplicate``, ``banned``, ``closed``, and ``overlap``, ``age``, ``already_checked_in``, ``wrong_session``...).
Both carry a ``code`` and parameters, never a sentence: the viewer words them in the visitor's language.
"""
from __future__ import annotations

from typing import Any


class BookingError(Exception):
    status = 400

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(f"{code} {params}" if params else code)


class InvalidInput(BookingError):
    """A form or API field is wrong: ``field`` names it (``party[1].id_number``), ``code`` says how."""

    status = 400

    def __init__(self, field: str, code: str, **params: Any) -> None:
        self.field = field
        super().__init__(code, **params)


class Refused(BookingError):
    """The request is well-formed but cannot be taken now (``code`` is the reason)."""

    status = 409


class NotFound(BookingError):
    status = 404
