"""Test data for bookings: an activities file with dates relative to today, and valid document numbers."""
from __future__ import annotations

from exhibits.bookings.documents import check_character

ACTIVITIES_YAML = """\
venues:
  - slug: copper-museum
    title: {zh: 铜陵铜博物馆（实体馆）, en: Tongling Copper Museum}
    address: {zh: 铜陵市铜官区长江西路, en: "Changjiang West Road, Tongling"}
    closed_days: [mon]
    activities:
      - slug: timed-entry
        title: {zh: 预约入馆, en: Timed entry}
        capacity: 200
        per_booking: 5
        opens_days_before: 7
        sessions: {days: [tue, wed, thu, fri, sat, sun], times: ["09:00-11:00", "13:00-15:00"], from: today, to: today+14}
  - slug: ich-workshop-room
    title: {zh: 非遗工坊, en: ICH workshop room}
    noshow: {limit: 2, suspend_days: 30}
    activities:
      - slug: paper-cutting
        kind: workshop
        title: {zh: 剪纸体验课, en: "Paper-cutting <workshop> & tea"}
        summary: {zh: 跟传承人学剪纸。, en: Learn paper-cutting from an inheritor.}
        capacity: 20
        per_booking: 3
        min_age: 8
        opens_days_before: 30
        cancel_hours_before: 2
        offer_hours: 6
        sessions:
          - {days: [mon, tue, wed, thu, fri, sat, sun], times: ["14:00-16:00", "15:00-17:00"], from: today+1, to: today+10}
"""


def resident(birth: str = "19900101", seq: int = 123, region: str = "340702") -> str:
    """A resident ID number with a correct check character (Tongling Tongguan district by default)."""
    first = f"{region}{birth}{seq:03d}"
    return first + check_character(first)


def people(count: int, start: int = 0) -> list[str]:
    return [resident(seq=start + i) if start + i < 1000 else resident(birth="19851231", seq=start + i - 1000)
            for i in range(count)]


def load(runtime, tmp_path, text: str = ACTIVITIES_YAML):
    from exhibits.bookings.activities import load_activities

    path = tmp_path / "activities.yaml"
    path.write_text(text, encoding="utf-8")
    return load_activities(runtime.db, path)


def first_session(runtime, activity: str = "paper-cutting"):
    """The first session of ``activity`` (id, starts) that is open for booking now."""
    from exhibits.bookings import catalogue

    with runtime.db.session() as s:
        act = catalogue.activity(s, activity)
        view = next(v for v in catalogue.sessions(s, [act.id]) if v.state == "open")
        return view.session.id


def booking_body(session_id: int, number: str | None = None, **extra) -> dict:
    body = {"session": session_id, "name": "张三", "phone": "13812345678", "id_type": "resident",
            "id_number": number or resident()}
    body.update(extra)
    return body
