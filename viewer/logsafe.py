"""Log lines that a request cannot forge: control characters (CR, LF, ESC...) in a message are escaped.

A path such as ``/iiif/3/x%0D%0A2026-01-01 INFO forged`` would otherwise start a new, made-up line
in the log when an error names the path.
"""
from __future__ import annotations

import logging
import re

from flask import Flask

_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f\x85\u2028\u2029]")
LOGGERS = ("werkzeug", "gunicorn.error", "gunicorn.access", "flask_limiter")


def escape(text: str) -> str:
    """``a\\r\\nb`` → ``a\\\\r\\\\nb`` (visible escapes instead of line breaks)."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


class EscapeControlCharacters(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        escaped = escape(message)
        if escaped != message:
            record.msg, record.args = escaped, None
        return True


_FILTER = EscapeControlCharacters()


def init_app(app: Flask) -> None:
    for logger in (app.logger, *(logging.getLogger(name) for name in LOGGERS)):
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
    app.before_request(_refuse_control_characters)


def _refuse_control_characters() -> None:
    """No route names anything with a control character (NUL, CR, LF...): 404 before any lookup.

    PostgreSQL refuses NUL in text, so such a path would otherwise reach the database and fail there.
    """
    from flask import abort, request

    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in request.path):
        abort(404)
