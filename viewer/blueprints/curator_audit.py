"""The audit log for admins: every change, login, failed login and token use, filterable, as CSV."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from flask import Blueprint, Response, render_template, request, stream_with_context

from exhibits import audit_view
from exhibits.identity import require_admin
from viewer.auth import current_identity, login_required
from viewer.context import db_session

bp = Blueprint("curator_audit", __name__, url_prefix="/curator/audit")

PER_PAGE = 100


def _day(name: str, errors: dict[str, str]) -> datetime | None:
    text = (request.args.get(name) or "").strip()
    if not text:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=timezone.utc)
    except ValueError:
        errors[name] = "a date as YYYY-MM-DD"
        return None


def _filter() -> tuple[audit_view.AuditFilter, dict[str, str]]:
    errors: dict[str, str] = {}
    since = _day("from", errors)
    until = _day("to", errors)
    where = audit_view.AuditFilter(
        actor=(request.args.get("actor") or "").strip()[:128] or None,
        action=(request.args.get("action") or "").strip()[:64] or None,
        target=(request.args.get("target") or "").strip()[:256] or None,
        since=since, until=until + timedelta(days=1) if until else None,
    )
    return where, errors


@bp.get("/")
@login_required
def index():
    identity = current_identity()
    require_admin(identity)
    where, errors = _filter()
    page = max(1, request.args.get("page", 1, type=int) or 1)
    session = db_session()
    rows, total = audit_view.entries(session, identity, where, limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    return render_template("curator/audit.html", rows=rows, total=total, page=page, per_page=PER_PAGE,
                           errors=errors, actions=audit_view.actions(session, identity), args=request.args)


@bp.get("/audit.csv")
@login_required
def export():
    identity = current_identity()
    require_admin(identity)
    where, _ = _filter()
    rows = audit_view.csv_rows(db_session(), identity, where)
    return Response(stream_with_context(rows), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="jinshi-audit.csv"',
                             "Cache-Control": "private, no-store"})
