"""Curator pages for items: the list with filters, the edit form, files, history, publishing."""
from __future__ import annotations

from flask_babel import gettext
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from exhibits import asset_replace, curation, editing
from exhibits.identity import PermissionDenied
from viewer.auth import current_identity, login_required
from viewer.context import db_session, runtime
from viewer.curator_forms import LANG_COLUMNS, form_fields, langs_of, parse_item_form
from viewer.limits import limit

bp = Blueprint("curator_items", __name__, url_prefix="/curator/items")

PER_PAGE = 50
STATES = ("draft", "published", "withdrawn", "failed", "pending")


@bp.get("/")
@login_required
def index():
    identity = current_identity()
    session = db_session()
    state = request.args.get("state") if request.args.get("state") in STATES else None
    museum = request.args.get("museum") or None
    museums = curation.curated_museums(session, identity)
    if museum and museum not in {m.slug for m in museums}:
        raise PermissionDenied(f"{identity.name} may not work on museum {museum!r}")
    page = max(1, request.args.get("page", 1, type=int) or 1)
    text = (request.args.get("q") or "").strip()[:100] or None
    rows, total = curation.list_items(session, identity, curation.ItemFilter(state=state, museum=museum, text=text),
                                      limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    return render_template("curator/items.html", rows=rows, total=total, page=page, per_page=PER_PAGE,
                           state=state, museum=museum, q=text or "", museums=museums, states=STATES)


@bp.post("/bulk")
@login_required
def bulk():
    action = request.form.get("action")
    ids = request.form.getlist("item")[:500]
    if action not in curation.MOVES or not ids:
        flash(gettext("Choose items and an action."), "error")
    else:
        try:
            moved = curation.set_publication(runtime(), current_identity(), ids, action)
            flash(gettext("Changed: %(n)s.", n=len(moved)), "notice")
        except curation.CurationError as exc:
            flash(str(exc), "error")
    return redirect(request.form.get("back") if (request.form.get("back") or "").startswith("/curator/") else url_for(".index"))


def _render_edit(item_id: str, values=None, errors=None, stale=None, status: int = 200):
    identity = current_identity()
    session = db_session()
    item = curation.get_item(session, identity, item_id)
    current = editing.snapshot(item)
    values = values or current
    return render_template(
        "curator/item_edit.html", item=item, values=values, errors=errors or {}, stale=stale,
        etag=stale["etag"] if stale else editing.etag(item), fields=form_fields(), langs=langs_of(values, current),
        lang_columns=LANG_COLUMNS, history=editing.history(session, identity, item_id),
        sections=item.hall.sections if item.hall else [],
        replacements=asset_replace.replacements(session, identity, item_id), replaceable=asset_replace.REPLACEABLE,
    ), status


@bp.get("/<item_id>")
@login_required
def edit(item_id: str):
    return _render_edit(item_id)


@bp.post("/<item_id>")
@login_required
def save(item_id: str):
    changes = parse_item_form(request.form)
    try:
        _, _, changed = editing.edit(runtime(), current_identity(), item_id, changes, request.form.get("etag"))
    except editing.StaleEdit as exc:
        mine = {**exc.current, **changes}
        differing = [k for k in changes if exc.current.get(k) != changes.get(k)]
        return _render_edit(item_id, values=mine, status=409,
                            stale={"etag": exc.current_etag, "current": exc.current, "fields": differing})
    except editing.ValidationFailed as exc:
        session = db_session()
        current = editing.snapshot(curation.get_item(session, current_identity(), item_id))
        return _render_edit(item_id, values={**current, **changes}, errors=exc.errors, status=400)
    flash(gettext("Saved.") if changed else gettext("Nothing changed."), "notice")
    return redirect(url_for(".edit", item_id=item_id))


@bp.post("/<item_id>/publication")
@login_required
def publication(item_id: str):
    action = request.form.get("action")
    if action not in curation.MOVES:
        abort(400, "unknown action")
    try:
        curation.set_publication(runtime(), current_identity(), [item_id], action)
    except curation.CurationError as exc:
        flash(str(exc), "error")
    return redirect(url_for(".edit", item_id=item_id))


@bp.post("/<item_id>/restore/<int:revision_id>")
@login_required
def restore(item_id: str, revision_id: int):
    try:
        editing.restore(runtime(), current_identity(), item_id, revision_id, request.form.get("etag"))
        flash(gettext("Restored."), "notice")
    except editing.StaleEdit:
        flash(gettext("Someone else saved this item while you were looking at it; check the history and try again."), "error")
    return redirect(url_for(".edit", item_id=item_id))


@bp.post("/<item_id>/assets")
@login_required
def assets(item_id: str):
    try:
        order = [int(v) for v in request.form.getlist("order")]
        remove = [int(v) for v in request.form.getlist("remove")]
    except ValueError:
        abort(400, "order and remove are asset ids")
    move = request.form.get("move", "")
    if move:  # no-JS arrows: "up:<id>" or "down:<id>"
        direction, _, asset_id = move.partition(":")
        if asset_id.isdigit() and int(asset_id) in order:
            at = order.index(int(asset_id))
            to = at - 1 if direction == "up" else at + 1
            if 0 <= to < len(order):
                order[at], order[to] = order[to], order[at]
    try:
        editing.arrange_assets(runtime(), current_identity(), item_id, order, remove, request.form.get("etag"))
    except editing.StaleEdit:
        flash(gettext("Someone else saved this item while you were looking at it; check the history and try again."), "error")
    except editing.ValidationFailed as exc:
        flash(str(exc), "error")
    return redirect(url_for(".edit", item_id=item_id) + "#files")


@bp.post("/<item_id>/assets/<int:asset_id>/replace")
@login_required
@limit("upload")
def replace_asset(item_id: str, asset_id: int):
    """One file of the item replaced by an upload (multipart field ``file``); a job makes its derivatives."""
    import tempfile
    from pathlib import Path

    from viewer.blueprints.jobs_api import queue

    curation.get_item(db_session(), current_identity(), item_id)  # 404/403 before reading the upload
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(gettext("Choose the new file first."), "error")
        return redirect(url_for(".edit", item_id=item_id) + "#files")
    incoming = runtime().settings.home / "incoming"
    incoming.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix="replace-", dir=incoming)
    path = Path(name)
    try:
        with open(fd, "wb") as handle:
            upload.save(handle)
        asset_replace.request_replace(runtime(), current_identity(), item_id, asset_id, upload.filename, path,
                                      queue().enqueue)
        flash(gettext("The new file is being prepared; the item shows the old one until it is ready."), "notice")
    except asset_replace.ReplaceRefused as exc:
        flash(str(exc), "error")
        return _render_edit(item_id, status=400)
    finally:
        path.unlink(missing_ok=True)
    return redirect(url_for(".edit", item_id=item_id) + "#files")


@bp.post("/<item_id>/delete")
@login_required
def delete(item_id: str):
    curation.get_item(db_session(), current_identity(), item_id)  # 404/403 before anything else
    if request.form.get("confirm") != item_id:
        flash(gettext("Type the item's id to confirm the deletion."), "error")
        return redirect(url_for(".edit", item_id=item_id))
    curation.delete_items(runtime(), current_identity(), [item_id])
    flash(gettext("Deleted."), "notice")
    return redirect(url_for(".index"))
