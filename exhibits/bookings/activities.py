"""The activities file (``jinshi activities load FILE.yaml``): venues, activities and their recurring sessions.

Validated before anything is written, every problem with its line number; loading again updates in place (matched
by slug). Sessions are generated from ``days × times`` over ``from``–``to``, minus the venue's ``closed`` dates and
``closed_days`` and the activity's ``except`` dates; ``dates`` adds one-off days. Dates may be written relative to
the day of loading (``today``, ``today+30``), which keeps a demo file bookable.

A session that is no longer in the file is deleted only when nobody booked it; a booked one is kept and reported
(staff cancel it explicitly, which tells the visitors). A capacity change applies to the unbooked places only.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

import yaml
from sqlalchemy import func, select

from exhibits import audit
from exhibits.db import Database
from exhibits.halls import YamlFileError, _Reader, compose_file
from exhibits.identity import SYSTEM, Identity, require_venue
from exhibits.bookings.models import Activity, Booking, Session, Venue, local_now

KINDS = ("timed-entry", "lecture", "workshop", "performance")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
TIME_RANGE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")
RELATIVE = re.compile(r"^today(?:\s*([+-])\s*(\d{1,4}))?$")
#: Longest span of one sessions rule: a runaway 'to' must not create a million rows.
MAX_RULE_DAYS = 800
MAX_SESSIONS = 20_000


class ActivitiesFileError(YamlFileError):
    pass


@dataclass
class ActivitySpec:
    slug: str
    title: dict
    summary: dict
    kind: str
    image: str
    capacity: int
    per_booking: int
    min_age: int | None
    max_age: int | None
    opens_days_before: int
    opens_at: str
    closes_hours_before: int
    cancel_hours_before: int
    waitlist: bool
    offer_hours: int
    sessions: list[tuple[datetime, datetime]] = field(default_factory=list)


@dataclass
class VenueSpec:
    slug: str
    title: dict
    summary: dict
    address: dict
    noshow_limit: int
    noshow_window_days: int
    suspend_days: int
    activities: list[ActivitySpec] = field(default_factory=list)


class _ActivitiesReader(_Reader):
    def integer(self, fields: dict, key: str, default: int | None, low: int, high: int) -> int | None:
        node = fields.get(key)
        if node is None:
            return default
        value = node.value if isinstance(node, yaml.ScalarNode) else None
        if value is None or not re.fullmatch(r"-?\d+", str(value)):
            self.fail(node, f"{key} must be a whole number")
            return default
        number = int(value)
        if not low <= number <= high:
            self.fail(node, f"{key} must be between {low} and {high}")
            return default
        return number

    def boolean(self, fields: dict, key: str, default: bool) -> bool:
        node = fields.get(key)
        if node is None:
            return default
        value = str(node.value).lower() if isinstance(node, yaml.ScalarNode) else ""
        if value not in ("true", "false", "yes", "no"):
            self.fail(node, f"{key} must be true or false")
            return default
        return value in ("true", "yes")

    def text(self, fields: dict, key: str, default: str = "") -> str:
        node = fields.get(key)
        if node is None:
            return default
        if not isinstance(node, yaml.ScalarNode):
            self.fail(node, f"{key} must be text")
            return default
        return str(node.value)

    def day(self, node: yaml.Node, what: str, today: date) -> date | None:
        value = str(node.value).strip() if isinstance(node, yaml.ScalarNode) else ""
        relative = RELATIVE.match(value)
        if relative:
            sign, count = relative.groups()
            return today + timedelta(days=(-1 if sign == "-" else 1) * int(count or 0))
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.fail(node, f"{what} {value!r} is not a date (YYYY-MM-DD, today or today+N)")
            return None

    def days(self, fields: dict, key: str, today: date) -> list[date]:
        return [d for n in self.sequence(fields.get(key), key) if (d := self.day(n, key, today)) is not None]


def parse_activities(text: str, path: Path | str = "<activities>", today: date | None = None) -> list[VenueSpec]:
    """Validate an activities file; raise :class:`ActivitiesFileError` listing every problem with its line."""
    today = today or local_now().date()
    reader = _ActivitiesReader()
    root = compose_file(text, path, ActivitiesFileError)
    top = reader.mapping(root, "the file")
    if top is None or "venues" not in top:
        raise ActivitiesFileError(path, reader.problems or ["line 1: missing top-level 'venues' list"])
    venues: list[VenueSpec] = []
    seen_venues: set[str] = set()
    seen_activities: dict[str, int] = {}
    total = 0
    for v_node in reader.sequence(top["venues"], "venues"):
        v = reader.mapping(v_node, "a venue")
        if v is None:
            continue
        slug = reader.slug(v, v_node, "venue")
        if slug and slug in seen_venues:
            reader.fail(v_node, f"venue {slug!r} is defined twice")
        seen_venues.add(slug or "")
        policy = reader.mapping(v["noshow"], "noshow") if "noshow" in v else {}
        venue = VenueSpec(
            slug or "", reader.langmap(v, "title", v_node, True), reader.langmap(v, "summary", v_node, False),
            reader.langmap(v, "address", v_node, False),
            noshow_limit=reader.integer(policy or {}, "limit", 3, 0, 100),
            noshow_window_days=reader.integer(policy or {}, "window_days", 180, 1, 3650),
            suspend_days=reader.integer(policy or {}, "suspend_days", 30, 0, 3650),
        )
        closed = set(reader.days(v, "closed", today))
        closed_days = _weekdays(reader, v, "closed_days", v_node, required=False)
        for a_node in reader.sequence(v.get("activities"), "activities"):
            a = reader.mapping(a_node, "an activity")
            if a is None:
                continue
            a_slug = reader.slug(a, a_node, "activity")
            if a_slug and a_slug in seen_activities:
                reader.fail(a_node, f"activity {a_slug!r} is already defined on line {seen_activities[a_slug]}")
            if a_slug:
                seen_activities[a_slug] = a_node.start_mark.line + 1
            kind = reader.text(a, "kind", "timed-entry")
            if kind not in KINDS:
                reader.fail(a.get("kind", a_node), f"kind {kind!r} must be one of {', '.join(KINDS)}")
            opens_at = reader.text(a, "opens_at", "00:00")
            if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", opens_at):
                reader.fail(a.get("opens_at", a_node), f"opens_at {opens_at!r} must be a time like 17:00")
                opens_at = "00:00"
            capacity = reader.integer(a, "capacity", None, 1, 100_000)
            if capacity is None and "capacity" not in a:
                reader.fail(a_node, f"activity {a_slug!r} has no capacity (places per session)")
            per_booking = reader.integer(a, "per_booking", 1, 1, 50)
            min_age = reader.integer(a, "min_age", None, 0, 120)
            max_age = reader.integer(a, "max_age", None, 0, 120)
            if min_age is not None and max_age is not None and min_age > max_age:
                reader.fail(a.get("max_age"), "max_age is below min_age")
            activity = ActivitySpec(
                a_slug or "", reader.langmap(a, "title", a_node, True), reader.langmap(a, "summary", a_node, False),
                kind, reader.text(a, "image"), capacity or 1, per_booking or 1, min_age, max_age,
                reader.integer(a, "opens_days_before", 7, 0, 365), opens_at,
                reader.integer(a, "closes_hours_before", 0, 0, 24 * 30),
                reader.integer(a, "cancel_hours_before", 2, 0, 24 * 30),
                reader.boolean(a, "waitlist", True), reader.integer(a, "offer_hours", 12, 1, 24 * 14),
            )
            if activity.image and not re.match(r"^(https?://|/)", activity.image):
                reader.fail(a["image"], "image must be an http(s) URL or a path starting with /")
            activity.sessions = _sessions(reader, a, a_node, closed, closed_days, today)
            total += len(activity.sessions)
            venue.activities.append(activity)
        venues.append(venue)
    if total > MAX_SESSIONS:
        reader.fail(root, f"the file makes {total} sessions; at most {MAX_SESSIONS} are loaded at once")
    if reader.problems:
        raise ActivitiesFileError(path, reader.problems)
    return venues


def _weekdays(reader: _ActivitiesReader, fields: dict, key: str, parent: yaml.Node, required: bool) -> set[int]:
    nodes = reader.sequence(fields.get(key), key)
    if required and not nodes:
        reader.fail(fields.get(key, parent), f"{key} must list weekdays (mon … sun)")
    result = set()
    for node in nodes:
        value = str(node.value).lower()[:3] if isinstance(node, yaml.ScalarNode) else ""
        if value not in WEEKDAYS:
            reader.fail(node, f"{key}: {getattr(node, 'value', node)!r} is not a weekday (mon … sun)")
        else:
            result.add(WEEKDAYS.index(value))
    return result


def _sessions(reader, a: dict, a_node, closed: set[date], closed_days: set[int], today: date) -> list[tuple[datetime, datetime]]:
    node = a.get("sessions")
    if node is None:
        reader.fail(a_node, "an activity needs sessions: {days: [...], times: [...], from: ..., to: ...}")
        return []
    rules = node.value if isinstance(node, yaml.SequenceNode) else [node]
    found: dict[datetime, datetime] = {}
    for rule_node in rules:
        rule = reader.mapping(rule_node, "sessions")
        if rule is None:
            continue
        times = []
        for t_node in reader.sequence(rule.get("times"), "times"):
            match = TIME_RANGE.match(str(t_node.value)) if isinstance(t_node, yaml.ScalarNode) else None
            if not match:
                reader.fail(t_node, f"time slot {getattr(t_node, 'value', '')!r} must look like 09:00-11:00")
                continue
            h1, m1, h2, m2 = map(int, match.groups())
            if (h2, m2) <= (h1, m1):
                reader.fail(t_node, f"time slot {t_node.value} ends before it starts")
                continue
            times.append((time(h1, m1), time(h2, m2)))
        if not times:
            reader.fail(rule.get("times", rule_node), "sessions need times, e.g. [\"09:00-11:00\"]")
        days: list[date] = reader.days(rule, "dates", today)
        if "days" in rule or "from" in rule or "to" in rule:
            weekdays = _weekdays(reader, rule, "days", rule_node, required=True)
            start = reader.day(rule["from"], "from", today) if "from" in rule else None
            end = reader.day(rule["to"], "to", today) if "to" in rule else None
            if start is None or end is None:
                if "from" not in rule or "to" not in rule:
                    reader.fail(rule_node, "a recurring rule needs from and to dates")
            elif end < start:
                reader.fail(rule["to"], f"to {end} is before from {start}")
            elif (end - start).days > MAX_RULE_DAYS:
                reader.fail(rule["to"], f"a rule spans at most {MAX_RULE_DAYS} days")
            else:
                days += [start + timedelta(n) for n in range((end - start).days + 1)
                         if (start + timedelta(n)).weekday() in weekdays]
        elif not days:
            reader.fail(rule_node, "sessions need days with from/to, or dates")
        skip = set(reader.days(rule, "except", today)) | closed
        for day in days:
            if day in skip or day.weekday() in closed_days:
                continue
            for begin, end_time in times:
                found[datetime.combine(day, begin)] = datetime.combine(day, end_time)
    return sorted(found.items())


def load_activities(db: Database, path: Path, identity: Identity = SYSTEM, today: date | None = None) -> dict:
    """Create or update venues, activities and sessions from a file; returns counts and warnings."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ActivitiesFileError(path, [f"cannot be read ({exc})"]) from None
    return apply_activities(db, parse_activities(text, path, today), identity, source=str(path))


def apply_activities(db: Database, specs: list[VenueSpec], identity: Identity = SYSTEM, source: str = "") -> dict:
    """Write validated specs in one transaction (the identity must staff every venue in them)."""
    for spec in specs:
        require_venue(identity, spec.slug)
    counts = {"venues": 0, "activities": 0, "sessions": 0, "created": 0, "removed": 0, "warnings": []}
    with db.session() as session:
        for v_pos, spec in enumerate(specs):
            venue = session.scalar(select(Venue).where(Venue.slug == spec.slug)) or Venue(slug=spec.slug)
            venue.title, venue.summary, venue.address, venue.position = spec.title, spec.summary, spec.address, v_pos
            venue.noshow_limit, venue.noshow_window_days, venue.suspend_days = (
                spec.noshow_limit, spec.noshow_window_days, spec.suspend_days)
            session.add(venue)
            session.flush()
            counts["venues"] += 1
            for a_pos, a_spec in enumerate(spec.activities):
                activity = session.scalar(select(Activity).where(Activity.slug == a_spec.slug))
                if activity is None:
                    activity = Activity(slug=a_spec.slug)
                    session.add(activity)
                elif activity.venue_id != venue.id:
                    counts["warnings"].append(f"activity {a_spec.slug!r} moved to venue {spec.slug!r}")
                activity.venue_id = venue.id
                for name in ("title", "summary", "kind", "image", "capacity", "per_booking", "min_age", "max_age",
                             "opens_days_before", "opens_at", "closes_hours_before", "cancel_hours_before",
                             "waitlist", "offer_hours"):
                    setattr(activity, name, getattr(a_spec, name))
                activity.position = a_pos
                session.flush()
                counts["activities"] += 1
                _sync_sessions(session, activity, a_spec, counts)
        audit.record(session, identity, "activities.load", source, venues=counts["venues"],
                     activities=counts["activities"], sessions=counts["sessions"])
    return counts


def _sync_sessions(session, activity: Activity, spec: ActivitySpec, counts: dict) -> None:
    existing = {s.starts: s for s in session.scalars(select(Session).where(Session.activity_id == activity.id))}
    booked = dict(session.execute(
        select(Booking.session_id, func.count()).join(Session, Session.id == Booking.session_id)
        .where(Session.activity_id == activity.id).group_by(Booking.session_id)).all())
    wanted = dict(spec.sessions)
    for starts, ends in spec.sessions:
        row = existing.get(starts)
        if row is None:
            session.add(Session(activity_id=activity.id, starts=starts, ends=ends, capacity=spec.capacity,
                                remaining=spec.capacity))
            counts["created"] += 1
        else:
            row.ends = ends
            if row.capacity != spec.capacity:
                held = row.capacity - row.remaining
                if spec.capacity < held:
                    counts["warnings"].append(
                        f"{activity.slug} {starts:%Y-%m-%d %H:%M}: {held} places are booked, capacity kept at {held}")
                new_capacity = max(spec.capacity, held)
                row.remaining += new_capacity - row.capacity
                row.capacity = new_capacity
        counts["sessions"] += 1
    for starts, row in existing.items():
        if starts in wanted:
            continue
        if booked.get(row.id):
            counts["warnings"].append(
                f"{activity.slug} {starts:%Y-%m-%d %H:%M} is no longer in the file but has bookings: kept "
                "(cancel it in the curator workspace to tell the visitors)")
            counts["sessions"] += 1
        else:
            session.delete(row)
            counts["removed"] += 1
