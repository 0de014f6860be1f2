"""Reading the audit log (admins only): filters, pages, CSV export."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from exhibits.identity import Identity, require_admin
from exhibits.models import AuditEntry

CSV_COLUMNS = ("at", "actor", "action", "target", "details")


@dataclass(frozen=True)
class AuditFilter:
    actor: str | None = None
    action: str | None = None  # exact ('login.failed') or a prefix ending in '.' ('item.')
    target: str | None = None  # exact, or a prefix ending in ':' ('item:')
    since: datetime | None = None
    until: datetime | None = None


def _query(where: AuditFilter):
    query = select(AuditEntry)
    if where.actor:
        query = query.where(AuditEntry.actor == where.actor)
    if where.action:
        query = query.where(AuditEntry.action.startswith(where.action, autoescape=True)
                            if where.action.endswith(".") else AuditEntry.action == where.action)
    if where.target:
        query = query.where(AuditEntry.target.startswith(where.target, autoescape=True)
                            if where.target.endswith(":") else AuditEntry.target == where.target)
    if where.since:
        query = query.where(AuditEntry.at >= where.since)
    if where.until:
        query = query.where(AuditEntry.at < where.until)
    return query


def entries(session: Session, identity: Identity, where: AuditFilter = AuditFilter(), limit: int = 100,
            offset: int = 0) -> tuple[list[AuditEntry], int]:
    """Newest first, with the total count for paging."""
    require_admin(identity)
    query = _query(where)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = list(session.scalars(query.order_by(AuditEntry.id.desc()).offset(offset).limit(limit)))
    return rows, total


def actions(session: Session, identity: Identity) -> list[str]:
    require_admin(identity)
    return list(session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))


def _cell(value: str) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas: quote them (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def csv_rows(session: Session, identity: Identity, where: AuditFilter = AuditFilter(), batch: int = 1000) -> Iterator[str]:
    """The matching entries as CSV text, oldest first, streamed in batches."""
    require_admin(identity)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    yield "\ufeff" + buffer.getvalue()  # a BOM, so Excel on Chinese Windows reads UTF-8
    last = 0
    while True:
        rows = list(session.scalars(_query(where).where(AuditEntry.id > last).order_by(AuditEntry.id).limit(batch)))
        if not rows:
            return
        buffer.seek(0)
        buffer.truncate()
        for row in rows:
            details = json.dumps(row.details or {}, ensure_ascii=False, sort_keys=True)
            writer.writerow([row.at.isoformat(), _cell(row.actor), _cell(row.action), _cell(row.target), _cell(details)])
        last = rows[-1].id
        yield buffer.getvalue()
