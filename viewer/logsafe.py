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
