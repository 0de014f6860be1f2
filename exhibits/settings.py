"""Configuration read from the environment (DESIGN.md, "Contracts").

Every part of Jinshi takes a :class:`Settings`; nothing else reads ``os.environ``.
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Mapping


@dataclass(frozen=True)
class Settings:
    """Where Jinshi keeps its data and how it is reached from outside."""

    home: Path
    #: Public base URL used in IIIF ids; empty means "the host the request came to".
    base_url: str = ""
    database_url: str = ""
    search_url: str = ""
    secret_key: str = ""
    #: Largest image (in pixels) ingest accepts; protects against decompression bombs.
    max_image_pixels: int = 400_000_000
    #: Largest upload or ingested file in bytes.
    max_file_bytes: int = 4 * 1024**3
    #: Job queue: empty means huey's SQLite storage in ``home``; ``redis://…`` a shared Redis.
    queue_url: str = ""
    #: Contact address harvesters see in OAI-PMH Identify (``JINSHI_ADMIN_EMAIL``).
    admin_email: str = ""
    #: Where booking mails go (``smtp://host:port?from=...``); empty: they wait in the outbox.
    smtp_url: str = ""
    #: ``name=rate,...`` for viewer.limits (login, booking, upload); ``off`` disables them (tests only).
    rate_limits: str = ""
    #: flask-limiter storage (``memory://`` per process; ``redis://…`` to share counters between workers).
    rate_limit_storage: str = "memory://"
    #: Size limit of the IIIF render cache (least recently used entries are evicted beyond it).
    cache_max_bytes: int = 4 * 1024**3
    #: Extra ``Host`` names accepted when base_url is unset (comma-separated in JINSHI_TRUSTED_HOSTS).
    trusted_hosts: tuple[str, ...] = ()
    #: Proxies whose ``X-Forwarded-*`` headers are believed (JINSHI_PROXIES: addresses and hop counts).
    proxies: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if env is None else env
        home = Path(env.get("JINSHI_HOME", "./var")).expanduser().resolve()
        return cls(
            home=home,
            base_url=env.get("JINSHI_BASE_URL", "").rstrip("/"),
            database_url=env.get("JINSHI_DATABASE_URL", ""),
            search_url=env.get("JINSHI_SEARCH_URL", ""),
            secret_key=env.get("JINSHI_SECRET_KEY", ""),
            max_image_pixels=int(env.get("JINSHI_MAX_IMAGE_PIXELS", 400_000_000)),
            max_file_bytes=int(env.get("JINSHI_MAX_FILE_BYTES", 4 * 1024**3)),
            queue_url=env.get("JINSHI_QUEUE_URL", ""),
            admin_email=env.get("JINSHI_ADMIN_EMAIL", "").strip(),
            smtp_url=env.get("JINSHI_SMTP_URL", ""),
            rate_limits=env.get("JINSHI_RATE_LIMITS", ""),
            rate_limit_storage=env.get("JINSHI_RATE_LIMIT_STORAGE", "") or "memory://",
            cache_max_bytes=_size(env, "JINSHI_CACHE_MAX_BYTES", 4 * 1024**3),
            trusted_hosts=tuple(h.strip().lower() for h in env.get("JINSHI_TRUSTED_HOSTS", "").split(",") if h.strip()),
            proxies=env.get("JINSHI_PROXIES", "").strip(),
        ).resolved()

    def resolved(self) -> "Settings":
        """Fill the defaults that depend on ``home``."""
        return replace(
            self,
            database_url=self.database_url or f"sqlite:///{self.home / 'catalogue.sqlite3'}",
            search_url=self.search_url or str(self.home / "index"),
            secret_key=self.secret_key or self._stored_secret(),
            queue_url=self.queue_url or f"sqlite:///{self.home / 'queue.sqlite3'}",
        )

    def _stored_secret(self) -> str:
        """A secret key kept in JINSHI_HOME so sessions survive restarts when none is configured."""
        path = self.home / "secret_key"
        try:
            return path.read_text().strip()
        except FileNotFoundError:
            self.home.mkdir(parents=True, exist_ok=True)
            key = secrets.token_hex(32)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(key)
            os.replace(tmp, path)
            return key

    @property
    def base_path(self) -> str:
        """The path part of base_url (``/museum`` for ``https://www.example.gov.cn/museum``), or ''."""
        from urllib.parse import urlsplit

        return urlsplit(self.base_url).path.rstrip("/")

    @property
    def media_root(self) -> Path:
        return self.home / "media"

    @property
    def cache_root(self) -> Path:
        return self.home / "cache"

    @property
    def uploads_root(self) -> Path:
        return self.home / "uploads"


_UNITS = {"": 1, "B": 1, "K": 1024, "KB": 1024, "M": 1024**2, "MB": 1024**2, "G": 1024**3, "GB": 1024**3,
          "T": 1024**4, "TB": 1024**4}


def _size(env: Mapping[str, str], name: str, default: int) -> int:
    """A byte count such as ``4294967296``, ``500M`` or ``4GB`` (binary units); the error names the variable."""
    text = env.get(name, "").strip()
    if not text:
        return default
    number = text.rstrip("bBkKmMgGtT ")
    unit = text[len(number):].strip().upper()
    try:
        value = float(number) * _UNITS[unit]
    except (ValueError, KeyError):
        raise ValueError(f"{name}={text!r} is not a size such as 4GB or 500M") from None
    if value < 0:
        raise ValueError(f"{name}={text!r} must not be negative")
    return int(value)
