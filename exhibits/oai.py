"""OAI-PMH 2.0 repository over the catalogue's change log (no Flask; ``viewer.blueprints.oai`` serves it).

Records are the items the public has seen: each record's datestamp and status come from its
newest row in :mod:`exhibits.changes` (a Delete, or an item no longer visible, is a *deleted*
record, for ever: ``deletedRecord=persistent``). Sets are museums (``copper``) and their halls
(``copper:bronze-vessels``). Lists are read in change-id order; a resumption token carries the
newest change id at the start of the harvest (the *snapshot*) and the last id sent, signed with
the secret key, so a harvest goes on unchanged while records change: every record that existed
when it started arrives exactly once, in its state at the time of its page; changes made during
the harvest are picked up by the next incremental harvest (``from`` = this one's responseDate).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
from dataclasses import dataclass, field

from exhibits.i18n import N_, langmap
from datetime import date, datetime, timedelta, timezone
from typing import Iterable, Mapping, Sequence

from lxml import etree
from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session, aliased, selectinload

from exhibits import links
from exhibits.models import Asset, Change, Hall, Item, Museum, Section
from exhibits.oai_metadata import (  # noqa: F401 - the metadata formats' names, used here and by callers of this module
    DC_NS, OAI_DC_NS, OAI_DC_SCHEMA, RECORD_NS, RECORD_SCHEMA_PATH, XML_LANG, XSI_NS, dc_root, dublin_core,
    jinshi_record, lang_elements,
)
from exhibits.states import Publication, is_visible

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"

GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"
#: Records per ListRecords page and headers per ListIdentifiers page.
RECORDS_PER_PAGE = 500
HEADERS_PER_PAGE = 1000
#: How long a resumption token stays valid.
TOKEN_LIFETIME = timedelta(hours=24)
MAX_ARGUMENT_LENGTH = 2000

VERBS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "Identify": (frozenset(), frozenset()),
    "ListMetadataFormats": (frozenset(), frozenset({"identifier"})),
    "ListSets": (frozenset(), frozenset({"resumptionToken"})),
    "GetRecord": (frozenset({"identifier", "metadataPrefix"}), frozenset()),
    "ListIdentifiers": (frozenset({"metadataPrefix"}), frozenset({"from", "until", "set", "resumptionToken"})),
    "ListRecords": (frozenset({"metadataPrefix"}), frozenset({"from", "until", "set", "resumptionToken"})),
}
SET_SPEC = re.compile(r"[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*\Z")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_SECOND = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z\Z")

E = etree.Element
S = etree.SubElement


class OaiError(Exception):
    """An OAI-PMH error condition: answered with ``<error code=...>`` (HTTP 200, as the protocol says)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Repository:
    """What the protocol answers need besides the catalogue."""

    base_url: str
    secret: str
    #: the site block's title when there is one (viewer.blueprints.oai), else the interface's words in zh and en
    name: str = field(default_factory=lambda: " · ".join(v[0] for v in langmap(N_("Digital Museum")).values()))
    admin_email: str = ""

    @property
    def endpoint(self) -> str:
        return f"{self.base_url}/oai"

    @property
    def repository_id(self) -> str:
        return links.repository_id(self.base_url)

    def oai_id(self, item_id: str) -> str:
        return links.oai_identifier(self.base_url, item_id)

    def item_id(self, identifier: str) -> str | None:
        prefix = f"oai:{self.repository_id}:"
        return identifier[len(prefix):] if identifier.startswith(prefix) and len(identifier) > len(prefix) else None

    @property
    def email(self) -> str:
        if self.admin_email:
            return self.admin_email
        host = self.repository_id
        return f"webmaster@{host}" if "." in host and not host.replace(".", "").isdigit() else "webmaster@localhost.localdomain"


@dataclass
class Answer:
    """A serialised OAI-PMH response and facts for HTTP caching."""

    body: bytes
    #: Digest of the response without its responseDate (same content → same ETag).
    etag: str
    last_modified: datetime | None = None


@dataclass
class _Query:
    verb: str
    prefix: str
    set_spec: str | None = None
    since: datetime | None = None  # inclusive
    before: datetime | None = None  # exclusive (until + granularity)
    from_text: str | None = None
    until_text: str | None = None
    snapshot: int = 0
    after: int = 0
    cursor: int = 0
    total: int = 0
    expires: int = 0
    args: dict = field(default_factory=dict)


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def stamp(value: datetime) -> str:
    return _utc(value).strftime("%Y-%m-%dT%H:%M:%SZ")


def _for_db(session: Session, value: datetime) -> datetime:
    """SQLite keeps naive UTC datetimes; PostgreSQL compares aware ones."""
    value = _utc(value)
    return value.replace(tzinfo=None) if session.get_bind().dialect.name == "sqlite" else value


# ---------------------------------------------------------------- arguments


def _parse_date(name: str, text: str) -> tuple[datetime, str]:
    if _SECOND.match(text):
        try:
            return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc), "second"
        except ValueError:
            pass
    elif _DAY.match(text):
        try:
            return datetime.combine(date.fromisoformat(text), datetime.min.time(), timezone.utc), "day"
        except ValueError:
            pass
    raise OaiError("badArgument", f"{name}={text!r} is not a date: use YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ (UTC)")


_PREFIX = re.compile(r"[A-Za-z0-9\-_.!~*'()]+\Z")


def _echoable(name: str, value: str) -> bool:
    """Whether an argument can be repeated in ``<request>`` as the schema types it."""
    if name == "metadataPrefix":
        return bool(_PREFIX.match(value))
    if name == "set":
        return bool(SET_SPEC.match(value))
    if name in ("from", "until"):
        return bool(_DAY.match(value) or _SECOND.match(value))
    if name == "identifier":
        return not re.search(r"[\s<>\"{}|\\^`]", value)
    return True


def _check_arguments(args: Mapping[str, Sequence[str]]) -> tuple[str, dict[str, str]]:
    verbs = list(args.get("verb", []))
    if not verbs:
        raise OaiError("badVerb", "the verb argument is missing")
    if len(verbs) > 1:
        raise OaiError("badVerb", "the verb argument is repeated")
    verb = verbs[0]
    if verb not in VERBS:
        raise OaiError("badVerb", f"{verb[:100]!r} is not an OAI-PMH verb ({', '.join(VERBS)})")
    required, optional = VERBS[verb]
    single: dict[str, str] = {}
    for name, values in args.items():
        if name == "verb":
            continue
        if name not in required | optional:
            raise OaiError("badArgument", f"{name[:100]!r} is not an argument of {verb}")
        if len(values) != 1:
            raise OaiError("badArgument", f"the argument {name} is repeated")
        if len(values[0]) > MAX_ARGUMENT_LENGTH:
            raise OaiError("badArgument", f"the argument {name} is longer than {MAX_ARGUMENT_LENGTH} characters")
        single[name] = values[0]
    if "resumptionToken" in single:
        if len(single) > 1:
            others = ", ".join(sorted(set(single) - {"resumptionToken"}))
            raise OaiError("badArgument", f"resumptionToken is exclusive: send it without {others}")
        return verb, single
    missing = sorted(required - set(single))
    if missing:
        raise OaiError("badArgument", f"{verb} needs the argument(s) {', '.join(missing)}")
    return verb, single


# ---------------------------------------------------------------- tokens


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(repo: Repository, payload: str) -> str:
    return _b64(hmac.new(repo.secret.encode(), payload.encode(), hashlib.sha256).digest()[:18])


def make_token(repo: Repository, query: _Query, after: int, cursor: int) -> str:
    data = {
        "v": query.verb, "p": query.prefix, "s": query.set_spec, "f": query.from_text, "u": query.until_text,
        "snap": query.snapshot, "a": after, "c": cursor, "n": query.total, "x": query.expires,
    }
    payload = _b64(json.dumps(data, separators=(",", ":")).encode())
    return f"{payload}.{_sign(repo, payload)}"


def read_token(repo: Repository, verb: str, token: str, now: float | None = None) -> _Query:
    payload, _, signature = token.partition(".")
    if not payload or not hmac.compare_digest(signature.encode(), _sign(repo, payload).encode()):
        raise OaiError("badResumptionToken", "the resumptionToken was not issued by this repository")
    try:
        data = json.loads(_unb64(payload))
        if data["v"] != verb:
            raise OaiError("badResumptionToken", f"the resumptionToken belongs to {data['v']}, not {verb}")
        query = _Query(verb=verb, prefix=data["p"], set_spec=data["s"], from_text=data["f"], until_text=data["u"],
                       snapshot=int(data["snap"]), after=int(data["a"]), cursor=int(data["c"]),
                       total=int(data["n"]), expires=int(data["x"]))
    except OaiError:
        raise
    except (ValueError, KeyError, TypeError):
        raise OaiError("badResumptionToken", "the resumptionToken is malformed") from None
    if (now if now is not None else time.time()) > query.expires:
        expired = datetime.fromtimestamp(query.expires, timezone.utc)
        raise OaiError("badResumptionToken", f"the resumptionToken expired at {stamp(expired)}; start the list again")
    _apply_dates(query)
    return query


def _apply_dates(query: _Query) -> None:
    granularity = None
    if query.from_text:
        query.since, granularity = _parse_date("from", query.from_text)
    if query.until_text:
        until, until_granularity = _parse_date("until", query.until_text)
        if granularity and granularity != until_granularity:
            raise OaiError("badArgument", "from and until must have the same granularity")
        query.before = until + (timedelta(days=1) if until_granularity == "day" else timedelta(seconds=1))
        if query.since and query.since >= query.before:
            raise OaiError("badArgument", f"from={query.from_text} is after until={query.until_text}")


# ---------------------------------------------------------------- the repository


def respond(session: Session, repo: Repository, args: Mapping[str, Sequence[str]], now: datetime | None = None) -> Answer:
    """Answer one OAI-PMH request (``args``: each argument name with all the values sent)."""
    now = now or datetime.now(timezone.utc)
    root = E(f"{{{OAI_NS}}}OAI-PMH", nsmap={None: OAI_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_NS} {OAI_SCHEMA}")
    response_date = S(root, "responseDate")
    response_date.text = stamp(now)
    request = S(root, "request")
    request.text = repo.endpoint
    last_modified = None
    try:
        verb, single = _check_arguments(args)
        request.set("verb", verb)
        for name, value in single.items():
            if _echoable(name, value):
                request.set(name, value)
        handler = _HANDLERS[verb]
        last_modified = handler(session, repo, single, root, now)
    except OaiError as error:
        if error.code in ("badVerb", "badArgument"):
            for name in list(request.attrib):
                del request.attrib[name]  # the protocol: no attributes when the request itself is wrong
        for child in list(root)[2:]:
            root.remove(child)
        element = S(root, "error", code=error.code)
        element.text = error.message
    body = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    digest = hashlib.sha256(body.replace(response_date.text.encode(), b"", 1)).hexdigest()[:32]
    return Answer(body=body, etag=digest, last_modified=last_modified)


def _identify(session: Session, repo: Repository, args: dict, root, now: datetime):
    earliest = session.scalar(select(func.min(Change.at)).where(Change.kind == "item"))
    node = S(root, "Identify")
    for tag, text in (
        ("repositoryName", repo.name), ("baseURL", repo.endpoint), ("protocolVersion", "2.0"),
        ("adminEmail", repo.email), ("earliestDatestamp", stamp(earliest or now)),
        ("deletedRecord", "persistent"), ("granularity", GRANULARITY),
    ):
        S(node, tag).text = text
    host = repo.repository_id
    if re.fullmatch(r"[a-zA-Z][a-zA-Z0-9\-]*(\.[a-zA-Z][a-zA-Z0-9\-]*)+", host):
        ns = "http://www.openarchives.org/OAI/2.0/oai-identifier"
        description = S(node, "description")
        ident = S(description, f"{{{ns}}}oai-identifier", nsmap={None: ns})
        ident.set(f"{{{XSI_NS}}}schemaLocation", f"{ns} http://www.openarchives.org/OAI/2.0/oai-identifier.xsd")
        for tag, text in (("scheme", "oai"), ("repositoryIdentifier", host), ("delimiter", ":"),
                          ("sampleIdentifier", repo.oai_id("item-1"))):
            S(ident, f"{{{ns}}}{tag}").text = text
    return None


def formats(repo: Repository) -> list[tuple[str, str, str]]:
    return [
        ("oai_dc", OAI_DC_SCHEMA, OAI_DC_NS),
        ("jinshi", repo.base_url + RECORD_SCHEMA_PATH, RECORD_NS),
    ]


def _list_metadata_formats(session: Session, repo: Repository, args: dict, root, now: datetime):
    if "identifier" in args:
        _latest_of(session, repo, args["identifier"])
    node = S(root, "ListMetadataFormats")
    for prefix, schema, namespace in formats(repo):
        entry = S(node, "metadataFormat")
        S(entry, "metadataPrefix").text = prefix
        S(entry, "schema").text = schema
        S(entry, "metadataNamespace").text = namespace
    return None


def _joined(value: dict | None, fallback: str) -> str:
    texts = [v for lang in ("zh", "en") for v in (value or {}).get(lang, [])[:1]]
    texts += [v[0] for lang, v in (value or {}).items() if lang not in ("zh", "en") and v]
    return " · ".join(dict.fromkeys(texts)) or fallback


def sets(session: Session) -> list[tuple[str, Museum | Hall]]:
    """Every set: each museum, then each of its published halls."""
    result: list[tuple[str, Museum | Hall]] = []
    for museum in session.scalars(select(Museum).options(selectinload(Museum.halls)).order_by(Museum.position, Museum.slug)):
        result.append((museum.slug, museum))
        for hall in museum.halls:
            if hall.publication == Publication.PUBLISHED:
                result.append((f"{museum.slug}:{hall.slug}", hall))
    return result


def _list_sets(session: Session, repo: Repository, args: dict, root, now: datetime):
    if "resumptionToken" in args:
        raise OaiError("badResumptionToken", "ListSets is answered in one response; this repository issued no token for it")
    node = S(root, "ListSets")
    for spec, place in sets(session):
        entry = S(node, "set")
        S(entry, "setSpec").text = spec
        S(entry, "setName").text = _joined(place.title, spec)
        description = S(entry, "setDescription")
        dc = dc_root(description)
        lang_elements(dc, f"{{{DC_NS}}}title", place.title)
        lang_elements(dc, f"{{{DC_NS}}}description", place.summary)
        if isinstance(place, Hall):
            S(dc, f"{{{DC_NS}}}identifier").text = f"{repo.base_url}/museums/{place.museum.slug}/halls/{place.slug}"
        else:
            S(dc, f"{{{DC_NS}}}identifier").text = f"{repo.base_url}/museums/{place.slug}"
    return None


def _known_set(session: Session, spec: str) -> bool:
    museum_slug, _, hall_slug = spec.partition(":")
    if ":" in hall_slug:
        return False
    if not hall_slug:
        return session.scalar(select(Museum.id).where(Museum.slug == museum_slug)) is not None
    return session.scalar(
        select(Hall.id).join(Museum, Hall.museum_id == Museum.id).where(Museum.slug == museum_slug, Hall.slug == hall_slug)
    ) is not None


def _check_prefix(repo: Repository, prefix: str) -> None:
    if prefix not in {p for p, _, _ in formats(repo)}:
        raise OaiError("cannotDisseminateFormat", f"no metadata format {prefix[:100]!r}; ListMetadataFormats lists them (oai_dc, jinshi)")


def _latest_of(session: Session, repo: Repository, identifier: str) -> Change:
    item_id = repo.item_id(identifier)
    change = None
    if item_id is not None:
        change = session.scalar(
            select(Change).where(Change.kind == "item", Change.item_id == item_id).order_by(Change.id.desc()).limit(1)
        )
    if change is None:
        raise OaiError("idDoesNotExist", f"no record {identifier[:200]!r} in this repository (identifiers look like {repo.oai_id('<item>')})")
    return change


def _get_record(session: Session, repo: Repository, args: dict, root, now: datetime):
    _check_prefix(repo, args["metadataPrefix"])
    change = _latest_of(session, repo, args["identifier"])
    items = _load_items(session, [change.item_id], args["metadataPrefix"])
    node = S(root, "GetRecord")
    _record(node, repo, change, items.get(change.item_id), args["metadataPrefix"], with_metadata=True)
    return _utc(change.at)


def _latest_rows(session: Session, query: _Query, after: int, limit: int | None):
    newer = aliased(Change)
    conditions = [
        # kind || '' : walk the primary key in id order (a page is a range of ids), not the kind index and a sort
        Change.kind.concat("") == "item", Change.id > after, Change.id <= query.snapshot,
        ~exists().where(newer.kind == "item", newer.item_id == Change.item_id, newer.id > Change.id, newer.id <= query.snapshot),
    ]
    if query.since is not None:
        conditions.append(Change.at >= _for_db(session, query.since))
    if query.before is not None:
        conditions.append(Change.at < _for_db(session, query.before))
    if query.set_spec:
        conditions.append(or_(Change.set_spec == query.set_spec,
                              and_(Change.set_spec > query.set_spec + ":", Change.set_spec < query.set_spec + ";")))
    return and_(*conditions)


def _list(session: Session, repo: Repository, args: dict, root, now: datetime, verb: str):
    if "resumptionToken" in args:
        query = read_token(repo, verb, args["resumptionToken"], now.timestamp())
    else:
        query = _Query(verb=verb, prefix=args["metadataPrefix"], set_spec=args.get("set"),
                       from_text=args.get("from"), until_text=args.get("until"))
        _check_prefix(repo, query.prefix)
        _apply_dates(query)
        if query.set_spec is not None and (not SET_SPEC.match(query.set_spec) or not _known_set(session, query.set_spec)):
            raise OaiError("badArgument", f"no set {query.set_spec[:100]!r}; ListSets lists them")
        query.snapshot = session.scalar(select(func.max(Change.id))) or 0
        query.total = session.scalar(select(func.count()).select_from(Change).where(_latest_rows(session, query, 0, None))) or 0
        query.expires = int((now + TOKEN_LIFETIME).timestamp())
        if query.total == 0:
            raise OaiError("noRecordsMatch", "no records match these arguments")
    size = RECORDS_PER_PAGE if verb == "ListRecords" else HEADERS_PER_PAGE
    rows = list(session.scalars(
        select(Change).where(_latest_rows(session, query, query.after, size)).order_by(Change.id).limit(size + 1)
    ))
    more = len(rows) > size
    rows = rows[:size]
    if not rows:
        raise OaiError("noRecordsMatch", "no records match these arguments")
    node = S(root, verb)
    items = _load_items(session, [row.item_id for row in rows], query.prefix if verb == "ListRecords" else None)
    newest = None
    for row in rows:
        item = items.get(row.item_id)
        if verb == "ListRecords":
            _record(node, repo, row, item, query.prefix, with_metadata=True)
        else:
            _header(node, repo, row, item)
        at = _utc(row.at)
        newest = at if newest is None or at > newest else newest
    if more or query.after:
        cursor = query.cursor + len(rows)
        token = S(node, "resumptionToken", completeListSize=str(max(query.total, cursor, 1)), cursor=str(query.cursor))
        if more:
            token.set("expirationDate", stamp(datetime.fromtimestamp(query.expires, timezone.utc)))
            token.text = make_token(repo, query, rows[-1].id, cursor)
    return newest


@dataclass
class _Record:
    """The columns of an item that records need, read without the ORM (a page is hundreds of them)."""

    id: str
    title: dict
    description: dict
    metadata_: dict
    object_type: str | None
    date_start: int | None
    date_end: int | None
    accession_number: str | None
    rights: str | None
    state: str
    publication: str
    museum: Museum | None = None
    hall: Hall | None = None
    section: Section | None = None
    assets: list = field(default_factory=list)


def _load_items(session: Session, ids: Iterable[str], prefix: str | None) -> dict[str, _Record]:
    ids = list(ids)
    if not ids:
        return {}
    rows = session.execute(select(
        Item.id, Item.title, Item.description, Item.metadata_, Item.object_type, Item.date_start, Item.date_end,
        Item.accession_number, Item.rights, Item.state, Item.publication, Item.museum_id, Item.hall_id, Item.section_id,
    ).where(Item.id.in_(ids))).all()
    museums = _by_id(session, Museum, {r.museum_id for r in rows})
    halls = _by_id(session, Hall, {r.hall_id for r in rows if r.hall_id is not None})
    sections = _by_id(session, Section, {r.section_id for r in rows if r.section_id is not None})
    records = {
        r.id: _Record(r.id, r.title or {}, r.description or {}, r.metadata_ or {}, r.object_type, r.date_start, r.date_end,
                      r.accession_number, r.rights, r.state, r.publication, museums.get(r.museum_id),
                      halls.get(r.hall_id), sections.get(r.section_id))
        for r in rows
    }
    if prefix is not None:  # records (not bare headers) list the media
        for asset in session.execute(select(
                Asset.item_id, Asset.kind, Asset.mime, Asset.sha256, Asset.filename, Asset.width, Asset.height,
                Asset.duration, Asset.language).where(Asset.item_id.in_(ids)).order_by(Asset.item_id, Asset.position)):
            records[asset.item_id].assets.append(asset)
    return records


def _by_id(session: Session, model, ids: set) -> dict:
    return {row.id: row for row in session.scalars(select(model).where(model.id.in_(ids)))} if ids else {}


def _public(change: Change, item: Item | None) -> bool:
    return change.action != "Delete" and item is not None and is_visible(item)


def _header(parent, repo: Repository, change: Change, item: Item | None):
    header = S(parent, "header")
    if not _public(change, item):
        header.set("status", "deleted")
    S(header, "identifier").text = repo.oai_id(change.item_id)
    S(header, "datestamp").text = stamp(change.at)
    spec = change.set_spec
    if item is not None and _public(change, item) and item.museum is not None:
        spec = f"{item.museum.slug}:{item.hall.slug}" if item.hall is not None else item.museum.slug
    if spec:
        museum_slug = spec.split(":", 1)[0]
        S(header, "setSpec").text = museum_slug
        if spec != museum_slug:
            S(header, "setSpec").text = spec
    return header


def _record(parent, repo: Repository, change: Change, item: Item | None, prefix: str, with_metadata: bool):
    record = S(parent, "record")
    _header(record, repo, change, item)
    if with_metadata and _public(change, item):
        metadata = S(record, "metadata")
        if prefix == "oai_dc":
            dublin_core(metadata, item, repo.base_url)
        else:
            jinshi_record(metadata, item, repo.base_url)
    return record


_HANDLERS = {
    "Identify": _identify,
    "ListMetadataFormats": _list_metadata_formats,
    "ListSets": _list_sets,
    "GetRecord": _get_record,
    "ListIdentifiers": lambda s, r, a, root, now: _list(s, r, a, root, now, "ListIdentifiers"),
    "ListRecords": lambda s, r, a, root, now: _list(s, r, a, root, now, "ListRecords"),
}
