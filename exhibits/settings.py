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
    #: ``JINSHI_RATE_LIMITS``: ``login=10/minute,booking=20/minute``, or ``off`` (tests, benchmarks).
    rate_limits: str = ""
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
    def media_root(self) -> Path:
        return self.home / "media"

    @property
    def cache_root(self) -> Path:
        return self.home / "cache"

    @property
    def uploads_root(self) -> Path:
        return self.home / "uploads"
