"""Tables of the site's own identity (name, legal footer) and of the ICH hall's people (inheritors)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from exhibits.models import Base, LangMap, utcnow


class Site(Base):
    """One row (id 1): what the public pages call this site. No row: the neutral defaults."""

    __tablename__ = "site"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[LangMap] = mapped_column(JSON, default=dict)
    tagline: Mapped[LangMap] = mapped_column(JSON, default=dict)
    footer: Mapped[LangMap] = mapped_column(JSON, default=dict)
    contact: Mapped[LangMap] = mapped_column(JSON, default=dict)
    about: Mapped[LangMap] = mapped_column(JSON, default=dict)
    #: The ICP filing number (ICP备案号) and the public-security filing (公安备案号), shown as written.
    icp: Mapped[str] = mapped_column(String(64), default="")
    police: Mapped[str] = mapped_column(String(64), default="")
    #: A small PNG/JPEG/WebP/GIF logo, kept in the catalogue so every web server has it.
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)
    logo_type: Mapped[str] = mapped_column(String(32), default="")
    logo_sha256: Mapped[str] = mapped_column(String(64), default="")
    updated: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class Person(Base):
    """An inheritor (传承人) of an ICH item; public like the halls, never a draft."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[LangMap] = mapped_column(JSON, default=dict)
    #: national | provincial | city | county (exhibits.people.LEVELS)
    level: Mapped[str] = mapped_column(String(16), default="")
    #: The ICH item(s) the person carries, e.g. {"zh": ["铜陵铜雕"], "en": ["Tongling copper carving"]}
    ich: Mapped[LangMap] = mapped_column(JSON, default=dict)
    region: Mapped[LangMap] = mapped_column(JSON, default=dict)
    summary: Mapped[LangMap] = mapped_column(JSON, default=dict)
    #: An item id or an image id (SHA-256) whose image is the portrait, shown only while that item is visible.
    portrait: Mapped[str] = mapped_column(String(128), default="")
    master_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), index=True)
    born: Mapped[int | None] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
