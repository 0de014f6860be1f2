"""OAI-PMH 2.0 at ``/oai`` (GET or POST) and the schema of the richer ``jinshi`` format."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, request, send_file

from exhibits import oai
from viewer.context import base_url, db_session, runtime
from viewer.http_cache import conditional

bp = Blueprint("oai", __name__)

SCHEMAS = Path(oai.__file__).with_name("schemas")


@bp.route("/oai", methods=["GET", "POST"])
def endpoint():
    args = request.form if request.method == "POST" else request.args
    settings = runtime().settings
    from exhibits.site import current

    title = current(db_session()).title
    names = [v for lang in ("zh", "en", "none") for v in title.get(lang, [])[:1]]
    repository = oai.Repository(base_url=base_url(), secret=settings.secret_key, admin_email=settings.admin_email,
                                **({"name": " · ".join(names)} if names else {}))
    answer = oai.respond(db_session(), repository, {name: args.getlist(name) for name in args})
    response = Response(answer.body, mimetype="text/xml")
    response.headers["Cache-Control"] = "public, max-age=60"
    return conditional(response, etag=answer.etag, last_modified=answer.last_modified)


@bp.route(oai.RECORD_SCHEMA_PATH)
def jinshi_schema():
    response = send_file(SCHEMAS / "jinshi-record-1.0.xsd", mimetype="application/xml", conditional=True)
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
