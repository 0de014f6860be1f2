"""One clear line, not a traceback, when a configured service cannot be reached (the CLI's catch-all)."""
from __future__ import annotations

from exhibits.settings import Settings


def _redacted(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - not a database URL: show only its scheme and host part
        return url.split("@")[-1]


def describe_unreachable(exc: BaseException, settings: Settings | None = None) -> str | None:
    """The line to print for a service that cannot be reached, or None when ``exc`` is something else."""
    from sqlalchemy.exc import InterfaceError, OperationalError

    first = (str(getattr(exc, "orig", None) or exc).strip().splitlines() or [type(exc).__name__])[0][:200]
    if isinstance(exc, (OperationalError, InterfaceError)):
        settings = settings or Settings.from_env()
        url = _redacted(settings.database_url or "")
        return f"cannot reach the catalogue database {url} (JINSHI_DATABASE_URL): {first}"
    from elastic_transport import ConnectionError as ESConnectionError
    from elastic_transport import ConnectionTimeout

    if isinstance(exc, (ESConnectionError, ConnectionTimeout)):
        settings = settings or Settings.from_env()
        return f"cannot reach the search service {_redacted(settings.search_url or '')} (JINSHI_SEARCH_URL): {first}"
    return None
