"""The curator's upload page (Uppy over tus) and job pages (live progress, replace a failed file, publish)."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext

from exhibits import curation
from exhibits.i18n import N_
from ingest import jobs
from viewer.auth import current_identity, login_required
from viewer.context import db_session, runtime
from viewer.i18n import pick

bp = Blueprint("curator_uploads", __name__, url_prefix="/curator")

#: Job and file states as the pages name them.
STATES = {
    "queued": N_("queued"), "running": N_("running"), "done": N_("done"), "failed": N_("failed"),
    "ingested": N_("ingested"), "unchanged": N_("unchanged"),
    "draft": N_("draft"), "published": N_("published"), "withdrawn": N_("withdrawn"),
}
#: Strings the page scripts show, in the page's language.
SCRIPT_STRINGS = [
    N_("of"), N_("files processed"), N_("Replace this file"), N_("Uploading the replacement…"),
    N_("The replacement is uploaded; the job runs again for it."), N_("Could not replace the file:"),
    N_("Wait until every file is uploaded."), N_("Every file is uploaded. Start the ingest when you are ready."),
    N_("Starting the ingest…"), N_("Could not start the ingest:"), N_("The job stopped:"),
]


def _strings() -> dict[str, str]:
    return {key: gettext(key) for key in [*STATES, *SCRIPT_STRINGS]}


@bp.app_template_filter("job_state")
def job_state(state: str) -> str:
    """A job's or file's state in the page's language."""
    return gettext(STATES[state]) if state in STATES else state


@bp.get("/uploads")
@login_required
def uploads():
    identity = current_identity()
    museums = curation.curated_museums(db_session(), identity)
    places = [{"slug": m.slug, "title": pick(m.title) or m.slug,
               "halls": [{"slug": h.slug, "title": pick(h.title) or h.slug} for h in m.halls]} for m in museums]
    recent = jobs.recent_jobs(runtime(), identity)
    return render_template("curator/uploads.html", places=places, strings=_strings(), recent=recent,
                           max_bytes=runtime().settings.max_file_bytes)


@bp.get("/jobs/<int:job_id>")
@login_required
def job(job_id: int):
    try:
        view = jobs.job_view(runtime(), current_identity(), job_id)
    except jobs.JobError:
        abort(404)
    return render_template("curator/job.html", job=view, strings=_strings(), published=request.args.getlist("published"),
                           withdrawn=request.args.getlist("withdrawn"))


@bp.post("/jobs/<int:job_id>/publish")
@login_required
def publish(job_id: int):
    identity = current_identity()
    try:
        view = jobs.job_view(runtime(), identity, job_id)
    except jobs.JobError:
        abort(404)
    if view["kind"] != "ingest":  # a replaced file keeps its item's publication
        abort(404)
    items = [f["item"] for f in view["files"] if f.get("item") and f["status"] in ("ingested", "unchanged")]
    failed = {f["item"] for f in view["files"] if f["status"] == "failed"}
    moved = curation.set_publication(runtime(), identity, [i for i in items if i not in failed], "publish")
    return redirect(url_for("curator_uploads.job", job_id=job_id, published=moved or ["-"]))


@bp.post("/jobs/<int:job_id>/withdraw-missing")
@login_required
def withdraw_missing(job_id: int):
    """Withdraw the published items the job's CSV no longer lists (the curator ticked them on the job page)."""
    identity = current_identity()
    try:
        view = jobs.job_view(runtime(), identity, job_id)
    except jobs.JobError:
        abort(404)
    reported = {m["item"] for m in view["missing"] if m.get("publication") == "published"}
    chosen = [i for i in request.form.getlist("item") if i in reported]
    moved = curation.set_publication(runtime(), identity, chosen, "withdraw") if chosen else []
    return redirect(url_for("curator_uploads.job", job_id=job_id, withdrawn=moved or ["-"]))
