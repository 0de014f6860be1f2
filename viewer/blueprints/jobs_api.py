"""``POST /curator/api/jobs`` (turn uploads into an ingest job), ``GET /curator/api/jobs`` (the user's jobs:
ingest and file replacements), ``GET /curator/api/jobs/<id>`` (its progress) and
``POST /curator/api/jobs/<id>/retry`` (again, with failed files replaced). The work is in ingest.jobs."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, jsonify, request

from exhibits.identity import PermissionDenied
from ingest import jobs
from ingest.queue import JobQueue
from viewer.auth import api_auth, current_identity
from viewer.context import base_url, runtime
from viewer.limits import limit

bp = Blueprint("jobs_api", __name__, url_prefix="/curator/api/jobs")


def queue() -> JobQueue:
    if "jinshi.queue" not in current_app.extensions:
        current_app.extensions["jinshi.queue"] = JobQueue(runtime().settings)
    return current_app.extensions["jinshi.queue"]


def _refused(status: int, problems: list[str]) -> Response:
    response = jsonify(error="; ".join(problems), problems=problems, status=status)
    response.status_code = status
    return response


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise jobs.JobError(400, ["the request body must be a JSON object"])
    return body


@bp.post("")
@api_auth
@limit("upload")
def create() -> Response:
    identity = current_identity()
    try:
        body = _body()
        job_id = jobs.submit(runtime(), identity, body.get("uploads"), body.get("metadata"),
                             body.get("museum") or None, body.get("hall") or None, queue().enqueue)
    except jobs.JobError as exc:
        return _refused(exc.status, exc.problems)
    except PermissionDenied as exc:
        return _refused(403, [str(exc)])
    response = _accepted(job_id)
    response.headers["Location"] = response.json["url"]
    return response


def _accepted(job_id: int) -> Response:
    """202: the job is queued; its state is at the URL given."""
    response = jsonify(id=job_id, url=f"{base_url()}{bp.url_prefix}/{job_id}")
    response.status_code = 202
    return response


@bp.get("")
@api_auth
def index() -> Response:
    """``?limit=`` (up to 100), ``?before=<id>`` (the next page), ``?kind=ingest|replace``, ``?state=``."""
    identity = current_identity()
    try:
        limit = _int_arg("limit", 20)
        before = _int_arg("before", None)
        found = jobs.list_jobs(runtime(), identity, limit=limit, before=before,
                               kind=request.args.get("kind") or None, state=request.args.get("state") or None)
    except jobs.JobError as exc:
        return _refused(exc.status, exc.problems)
    for job in found:
        job["url"] = f"{base_url()}{bp.url_prefix}/{job['id']}"
    more = len(found) == min(max(1, limit), jobs.MAX_LIST) and found
    next_url = None
    if more:
        args = {k: v for k, v in request.args.items() if k != "before"}
        next_url = f"{base_url()}{bp.url_prefix}?{urlencode({**args, 'before': found[-1]['id']})}"
    response = jsonify(jobs=found, next=next_url)
    response.headers["Cache-Control"] = "no-store"
    return response


def _int_arg(name: str, default: int | None) -> int | None:
    text = request.args.get(name)
    if text is None or text == "":
        return default
    if not text.isascii() or not text.isdigit() or len(text) > 12:
        raise jobs.JobError(400, [f"{name}: give a whole number, not {text[:20]!r}"])
    return int(text)


@bp.get("/<int:job_id>")
@api_auth
def show(job_id: int) -> Response:
    identity = current_identity()
    try:
        response = jsonify(jobs.job_view(runtime(), identity, job_id))
    except jobs.JobError as exc:
        return _refused(exc.status, exc.problems)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/<int:job_id>/retry")
@api_auth
def retry(job_id: int) -> Response:
    identity = current_identity()
    try:
        jobs.retry(runtime(), identity, job_id, _body().get("replace", {}), queue().enqueue)
    except jobs.JobError as exc:
        return _refused(exc.status, exc.problems)
    except PermissionDenied as exc:
        return _refused(403, [str(exc)])
    return _accepted(job_id)
