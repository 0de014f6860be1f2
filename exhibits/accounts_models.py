"""Tables of the curator's workspace: personal API tokens and the edit history of items."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exhibits.models import Base, User, utcnow


class ApiToken(Base):
    """A personal API token for scripts. Only its SHA-256 is stored; the token itself is shown once."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    #: SHA-256 (hex) of the whole token: tokens are 256 random bits, so a fast hash is safe here.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: The first characters of the token, so a user can tell their tokens apart in a list.
    prefix: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(String(128), default="")
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()


class ItemRevision(Base):
    """One change of an item's record: who, when, which fields, before and after (for history and restore)."""

    __tablename__ = "item_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[str] = mapped_column(String(128), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(128), default="")
    #: 'edit', 'restore', 'ingest' (a changed CSV row overwrote the record), 'assets'
    action: Mapped[str] = mapped_column(String(32))
    #: ``{field: value}`` before and after, only for the fields that changed.
    before: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    after: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
