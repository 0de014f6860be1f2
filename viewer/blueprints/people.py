"""Pages of the ICH hall's people: ``/people`` and ``/people/<slug>`` (public; their works only when visible)."""
from __future__ import annotations

from flask import Blueprint, abort, g, render_template
from flask_babel import lazy_gettext

from exhibits import linked_data, people
from viewer.context import base_url, db_session
from viewer.i18n import current_language

bp = Blueprint("people", __name__)

LEVEL_LABELS = {
    "national": lazy_gettext("National representative inheritor"),
    "provincial": lazy_gettext("Provincial representative inheritor"),
    "city": lazy_gettext("City representative inheritor"),
    "county": lazy_gettext("County representative inheritor"),
}


def level_label(level: str | None) -> str:
    return str(LEVEL_LABELS.get(level or "", ""))


def inheritors_of(item) -> list:
    """The people an item's inheritor field names (links and JSON-LD of the item page; read once per request)."""
    cache = g.setdefault("people_for", {})
    if item.id not in cache:
        cache[item.id] = people.for_item(db_session(), item)
    return cache[item.id]


@bp.app_context_processor
def _helpers() -> dict:
    people_for = inheritors_of

    def people_found(text):
        """People the search page's text names (the search package indexes items; people are few)."""
        return people.find(db_session(), text or "")

    return {"people_for": people_for, "level_label": level_label, "people_found": people_found}


@bp.route("/people")
def index():
    session = db_session()
    everyone = people.all_people(session)
    return render_template("people/index.html", people=everyone,
                           portraits={p.id: people.portrait(session, p) for p in everyone if p.portrait})


@bp.route("/people/<slug>")
def person(slug: str):
    session = db_session()
    found = people.get(session, slug) or abort(404)
    portrait = people.portrait(session, found)
    master = people.master_of(session, found)
    apprentices = people.apprentices_of(session, found)
    base = base_url()
    return render_template(
        "people/person.html", person=found, portrait=portrait, master=master, apprentices=apprentices,
        tree=people.lineage(session, found), works=people.visible_works(session, found),
        share_image=linked_data.share_image(base, portrait),
        jsonld=linked_data.person_jsonld(found, base, current_language(), portrait, master, apprentices),
    )
