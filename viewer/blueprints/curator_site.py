"""The admin's form for the site's identity (name, logo, tagline, footer, contact, about, filing numbers)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext

from exhibits import site as site_service
from exhibits.editing import ValidationFailed
from exhibits.identity import require_admin
from viewer.auth import current_identity, login_required
from viewer.context import runtime
from viewer.site_context import current_site

bp = Blueprint("curator_site", __name__, url_prefix="/curator/site")

#: Languages the form offers for each text.
FORM_LANGUAGES = ("zh", "en", "zh-Hant")


def _values() -> dict:
    values: dict = {}
    for name in site_service.TEXTS:
        values[name] = {lang: request.form.get(f"{name}.{lang}", "") for lang in FORM_LANGUAGES
                        if request.form.get(f"{name}.{lang}", "").strip()}
    for name in site_service.NUMBERS:
        values[name] = request.form.get(name, "")
    return values


@bp.get("/")
@login_required
def edit():
    require_admin(current_identity())
    return render_template("curator/site.html", info=current_site(), errors={}, form=None, languages_=FORM_LANGUAGES)


@bp.post("/")
@login_required
def save():
    identity = current_identity()
    require_admin(identity)
    upload = request.files.get("logo")
    logo = upload.read(site_service.MAX_LOGO_BYTES + 1) if upload and upload.filename else None
    try:
        site_service.update_site(runtime(), identity, _values(), logo_bytes=logo, remove_logo=bool(request.form.get("remove_logo")))
    except ValidationFailed as exc:
        return render_template("curator/site.html", info=current_site(), errors=exc.errors, form=request.form,
                               languages_=FORM_LANGUAGES), 400
    flash(gettext("Saved."), "notice")
    return redirect(url_for(".edit"))
