"""Printable exhibit labels of a hall: ``/museums/<museum>/halls/<hall>/labels.pdf?per_page=8|12&lang=``.

For the curators of the hall's museum (and admins): about 30 ms of CPU per label, so not for anyone to ask;
a sheet is made once and kept until what it prints changes (:mod:`exhibits.label_cache`), with an ETag.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, g, request
from flask_babel import gettext

from exhibits import catalogue, label_cache, labels
from exhibits.i18n import LANGUAGES
from viewer.blueprints.details import may_curate
from viewer.context import absolute_url, db_session, get_hall_or_404, runtime
from viewer.i18n import current_language, pick

bp = Blueprint("labels", __name__)


@bp.route("/museums/<museum_slug>/halls/<hall_slug>/labels.pdf")
def hall_labels(museum_slug: str, hall_slug: str):
    per_page = request.args.get("per_page", "8")
    if per_page not in ("8", "12"):
        abort(400, gettext("per_page must be 8 or 12 (labels on each A4 page)"))
    lang = request.args.get("lang") or current_language()
    if lang not in LANGUAGES:
        abort(400, gettext("lang must be one of %(languages)s", languages=", ".join(LANGUAGES)))
    hall = get_hall_or_404(museum_slug, hall_slug)
    # staff only: a sheet of a large hall takes seconds of CPU (a QR code and a layout per label)
    if not may_curate(hall.museum.slug):
        abort(403, gettext("Label sheets are printed by the museum's curators: log in to the workspace first."))
    items = catalogue.hall_items(db_session(), hall.id, preview=bool(g.get("preview")))
    if not items:
        abort(404, gettext("This hall has no objects on view, so there are no labels to print."))
    sheet = labels.labels_for(items, lambda item_id: absolute_url("public.item", item_id=item_id, lang=lang), lang)
    variant = f"hall-{hall.id}-{lang}-{per_page}-{'preview' if g.get('preview') else 'public'}"
    try:
        pdf, key, _made = label_cache.cached_sheet(runtime().settings.cache_root, variant, sheet, int(per_page),
                                                   title=pick(hall.title) or hall.slug)
    except labels.NoFontError as exc:  # the operator's fix, said plainly (error pages hide 5xx details)
        current_app.logger.error("labels.pdf: %s", exc)
        return Response(str(exc) + "\n", status=503, mimetype="text/plain")
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="labels-{hall.slug}-{lang}-{per_page}.pdf"'
    response.headers["Cache-Control"] = "private, max-age=60"
    response.set_etag(key)
    return response.make_conditional(request)
