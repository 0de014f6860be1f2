"""The audit log: one row per change, written in the same transaction as the change itself."""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from exhibits.identity import Identity
from exhibits.models import AuditEntry


def record(session: Session, identity: Identity | None, action: str, target: str = "", **details: Any) -> AuditEntry:
    """Add an audit row to ``session`` (committed, or rolled back, with the change it describes)."""
    entry = AuditEntry(actor=identity.name if identity else "", action=action, target=target, details=details)
    session.add(entry)
    return entry
