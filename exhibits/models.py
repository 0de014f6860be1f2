"""The catalogue's tables: museums, halls, sections, items, assets, jobs, users.

Human-readable values are language maps, ``{"zh": [...], "en": [...]}`` as in IIIF,
stored as JSON. Profile fields (period, material, ...) live in ``Item.metadata_``
keyed by field name, each a language map, so the profile can grow without a migration.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

LangMap = dict[str, list[str]]


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, LangMap: JSON, list[Any]: JSON}


class Museum(Base):
    __tablename__ = "museum"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[LangMap] = mapped_column(JSON, default=dict)
    summary: Mapped[LangMap] = mapped_column(JSON, default=dict)
    position: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    halls: Mapped[list["Hall"]] = relationship(
        back_populates="museum", order_by="Hall.position", cascade="all, delete-orphan"
    )


class Hall(Base):
    __tablename__ = "hall"

    id: Mapped[int] = mapped_column(primary_key=True)
    museum_id: Mapped[int] = mapped_column(ForeignKey("museum.id", ondelete="CASCADE"), index=True)
    #: Hall slugs are unique across museums: ``/iiif/halls/<hall>/collection`` names no museum.
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[LangMap] = mapped_column(JSON, default=dict)
    summary: Mapped[LangMap] = mapped_column(JSON, default=dict)
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: :class:`exhibits.states.Publication`; halls from a halls file are published.
    publication: Mapped[str] = mapped_column(String(16), default="published")
    #: The item whose first image stands for the hall (chosen by a curator among the hall's items).
    cover_item: Mapped[str | None] = mapped_column(String(128))
    #: The walk-through room's plan: gallery, corridor or ring (``layout:`` in the halls file).
    layout: Mapped[str] = mapped_column(String(16), default="gallery", server_default="gallery")
    updated: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    museum: Mapped[Museum] = relationship(back_populates="halls")
    sections: Mapped[list["Section"]] = relationship(
        back_populates="hall", order_by="Section.position", cascade="all, delete-orphan"
    )


class Section(Base):
    __tablename__ = "section"
    __table_args__ = (UniqueConstraint("hall_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hall_id: Mapped[int] = mapped_column(ForeignKey("hall.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(64))
    title: Mapped[LangMap] = mapped_column(JSON, default=dict)
    summary: Mapped[LangMap] = mapped_column(JSON, default=dict)
    position: Mapped[int] = mapped_column(Integer, default=0)

    hall: Mapped[Hall] = relationship(back_populates="sections")


class Item(Base):
    """One catalogue record; the public sees it only under :func:`exhibits.states.visible`."""

    __tablename__ = "item"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    museum_id: Mapped[int] = mapped_column(ForeignKey("museum.id"), index=True)
    hall_id: Mapped[int | None] = mapped_column(ForeignKey("hall.id"), index=True)
    section_id: Mapped[int | None] = mapped_column(ForeignKey("section.id"), index=True)
    title: Mapped[LangMap] = mapped_column(JSON, default=dict)
    description: Mapped[LangMap] = mapped_column(JSON, default=dict)
    #: Profile fields: ``{"material": {"zh": ["青铜"], "en": ["bronze"]}, ...}``
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", JSON, default=dict)
    object_type: Mapped[str | None] = mapped_column(String(64), index=True)
    date_start: Mapped[int | None] = mapped_column(Integer, index=True)
    date_end: Mapped[int | None] = mapped_column(Integer, index=True)
    accession_number: Mapped[str | None] = mapped_column(String(128), index=True)
    rights: Mapped[str | None] = mapped_column(String(512))
    #: Hash of the metadata row and file hashes last ingested, so re-running a batch skips unchanged items.
    source_hash: Mapped[str | None] = mapped_column(String(64))
    #: The metadata CSV the item was last ingested from (its path for the CLI, ``upload:<name>`` for web jobs)
    #: and its row there, so a later run of that CSV can report the items it no longer lists.
    source: Mapped[str | None] = mapped_column(String(500), index=True)
    source_row: Mapped[int | None] = mapped_column(Integer)
    #: :class:`exhibits.states.ItemState`: what ingest made of it.
    state: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    error: Mapped[str | None] = mapped_column(Text)
    #: :class:`exhibits.states.Publication`: the curator's decision (draft, published, withdrawn).
    publication: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow, index=True)

    museum: Mapped[Museum] = relationship()
    hall: Mapped[Hall | None] = relationship()
    section: Mapped[Section | None] = relationship()
    assets: Mapped[list["Asset"]] = relationship(
        back_populates="item", order_by="Asset.position", cascade="all, delete-orphan"
    )

    @property
    def visible(self) -> bool:
        from exhibits.states import is_visible

        return is_visible(self)


class Asset(Base):
    """One file of an item: an image, a 3D model, a video, a caption track..."""

    __tablename__ = "asset"
    __table_args__ = (UniqueConstraint("item_id", "sha256", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[str] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    #: Content address of the original in the media store.
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    #: 'image', 'model', 'video', 'audio', 'caption', 'chapters', 'transcript', 'companion'
    kind: Mapped[str] = mapped_column(String(16))
    role: Mapped[str] = mapped_column(String(32), default="main")
    mime: Mapped[str] = mapped_column(String(128))
    filename: Mapped[str] = mapped_column(String(512))
    size: Mapped[int] = mapped_column(BigInteger)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    duration: Mapped[float | None] = mapped_column(Float)
    language: Mapped[str | None] = mapped_column(String(16))
    #: Derivatives and kind-specific facts (vertex counts, codecs, ...).
    info: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    item: Mapped[Item] = relationship(back_populates="assets")

    @property
    def image_id(self) -> str | None:
        """The IIIF Image API identifier: the original's SHA-256 (immutable, cacheable)."""
        return self.sha256 if self.kind == "image" else None


class Job(Base):
    """A unit of background work (web uploads); the queue's state lives in the catalogue."""

    __tablename__ = "job"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    log: Mapped[list[Any]] = mapped_column(JSON, default=list)
    error: Mapped[str | None] = mapped_column(Text)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    #: Who asked for the job (an Identity's name); the job runs with that identity's permissions.
    owner: Mapped[str] = mapped_column(String(128), default="", index=True)
    #: Per-file results, the objects ``jinshi ingest --json`` prints (ingest.jobs keeps them).
    files: Mapped[list[Any]] = mapped_column(JSON, default=list)
    #: What the run found beyond its files: ``{"missing": [item ids the CSV no longer lists]}``.
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: The worker running it ("host:pid") and until when its claim holds without a heartbeat.
    worker: Mapped[str | None] = mapped_column(String(128))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    finished: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class User(Base):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16), default="curator")
    museums: Mapped[list[Any]] = mapped_column(JSON, default=list)
    #: Venue slugs a staff member runs (bookings, check-in), like ``museums`` for collections.
    venues: Mapped[list[Any]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Wrong passwords in a row; at :data:`exhibits.accounts.MAX_FAILED_LOGINS` the account is locked a while.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: Bumped at logout: every session cookie carrying an older generation stops working (server-side logout).
    session_generation: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditEntry(Base):
    """Append-only record of every change, login, failed login and token use (who, when, what)."""

    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    #: The acting user's name ('cli' for the command line, '' for an anonymous visitor).
    actor: Mapped[str] = mapped_column(String(128), default="", index=True)
    #: Dotted verb: 'item.publish', 'item.edit', 'login.failed', 'booking.create', ...
    action: Mapped[str] = mapped_column(String(64), index=True)
    #: What it acted on: 'item:<id>', 'hall:<slug>', 'session:<id>', 'user:<name>'.
    target: Mapped[str] = mapped_column(String(256), default="", index=True)
    #: Details (changed fields with before/after, reasons); never personal data in the clear.
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Change(Base):
    """Append-only log of visible changes, for IIIF Change Discovery and OAI-PMH.

    Written only through :func:`exhibits.changes.record_change`.
    """

    __tablename__ = "change"
    __table_args__ = (Index("ix_change_kind_target", "kind", "item_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The target: an item id (kind 'item') or 'museum/<slug>', 'hall/<slug>' (kind 'collection').
    item_id: Mapped[str] = mapped_column(String(128), index=True)
    #: 'item' (a manifest, an OAI-PMH record) or 'collection' (a museum's or hall's IIIF collection)
    kind: Mapped[str] = mapped_column(String(16), default="item", server_default="item")
    #: 'Create', 'Update', 'Delete' (Activity Streams types)
    action: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    #: The item's OAI-PMH set when the change happened (``museum`` or ``museum:hall``), kept for deleted records.
    set_spec: Mapped[str | None] = mapped_column(String(160), index=True)
