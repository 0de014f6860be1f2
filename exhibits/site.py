"""The site's own identity: name, logo, tagline, footer, contact, about page, ICP and 公安 filing numbers.

They come from the ``site:`` block of the halls file (``jinshi halls load``) or the admin's form in the
curator workspace, and are stored in one ``site`` row. Without it the pages show neutral defaults
("Digital Museum"), never the demo's names. Both ways in share :func:`clean_values`, so a value the
file refuses is refused by the form with the same message.
"""
from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from exhibits.audit import record
from exhibits.editing import ValidationFailed
from exhibits.identity import Identity, require_admin
from exhibits.people_models import Site

SITE_ID = 1
#: The language-map texts of the site and their length limits (characters per language).
TEXTS: dict[str, int] = {"title": 120, "tagline": 200, "footer": 1000, "contact": 500, "about": 20000}
#: Legal filing numbers shown as written (at most 64 characters each).
NUMBERS = ("icp", "police")
MAX_LOGO_BYTES = 256 * 1024
LOGO_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp", "GIF": "image/gif"}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$")
#: 公安备案号: "皖公网安备 34070202000001号", the record code is its run of digits (usually 14).
_POLICE_CODE = re.compile(r"\d{10,20}")

ICP_URL = "https://beian.miit.gov.cn/"
POLICE_URL = "https://beian.mps.gov.cn/#/query/webSearch?code={code}"


@dataclass(frozen=True)
class SiteInfo:
    """What the pages show; empty maps mean the interface's neutral default."""

    title: dict[str, list[str]] = field(default_factory=dict)
    tagline: dict[str, list[str]] = field(default_factory=dict)
    footer: dict[str, list[str]] = field(default_factory=dict)
    contact: dict[str, list[str]] = field(default_factory=dict)
    about: dict[str, list[str]] = field(default_factory=dict)
    icp: str = ""
    police: str = ""
    logo_sha256: str = ""
    logo_type: str = ""

    @property
    def police_code(self) -> str:
        """The digits of the 公安备案号, for the link to beian.mps.gov.cn."""
        found = _POLICE_CODE.search(self.police)
        return found.group(0) if found else ""

    @property
    def police_url(self) -> str:
        return POLICE_URL.format(code=self.police_code) if self.police_code else ""

    @property
    def icp_url(self) -> str:
        return ICP_URL if self.icp else ""

    @property
    def has_about(self) -> bool:
        return any(self.about.values()) or any(self.contact.values())


DEFAULT = SiteInfo()


def current(session: Session) -> SiteInfo:
    """The stored site identity, or :data:`DEFAULT`."""
    row = session.get(Site, SITE_ID)
    if row is None:
        return DEFAULT
    return SiteInfo(title=row.title or {}, tagline=row.tagline or {}, footer=row.footer or {},
                    contact=row.contact or {}, about=row.about or {}, icp=row.icp or "", police=row.police or "",
                    logo_sha256=row.logo_sha256 or "", logo_type=row.logo_type or "")


def logo(session: Session) -> tuple[bytes, str, str] | None:
    """(bytes, MIME type, SHA-256) of the site's logo, or None."""
    row = session.get(Site, SITE_ID)
    if row is None or not row.logo:
        return None
    return row.logo, row.logo_type, row.logo_sha256


def _clean_text(value: Any, limit: int) -> tuple[str, str | None]:
    if not isinstance(value, str):
        return "", "must be text"
    value = value.replace("\r\n", "\n").strip()
    if _CONTROL.search(value):
        return "", "contains a control character"
    if len(value) > limit:
        return "", f"is {len(value)} characters long (at most {limit})"
    return value, None


def clean_values(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Validate site values (texts as language maps of one string or a list, numbers as text).

    Returns the cleaned values and the problems, keyed ``title.zh``, ``icp``, ...; keys not given are left out.
    """
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, limit in TEXTS.items():
        if name not in values:
            continue
        given = values[name] or {}
        if not isinstance(given, dict):
            errors[name] = "must be a language map like {zh: ..., en: ...}"
            continue
        out: dict[str, list[str]] = {}
        for lang, text in given.items():
            key = f"{name}.{lang}"
            if not isinstance(lang, str) or not (_LANG.match(lang) or lang == "none"):
                errors[key] = f"{str(lang)[:20]!r} is not a language code"
                continue
            texts = text if isinstance(text, list) else [text]
            joined = "\n\n".join(t for t in texts if isinstance(t, str))
            if any(not isinstance(t, str) for t in texts):
                errors[key] = "must be text"
                continue
            cleaned, problem = _clean_text(joined, limit)
            if problem:
                errors[key] = problem
            elif cleaned:
                out[lang] = [cleaned]
        clean[name] = out
    for name in NUMBERS:
        if name not in values:
            continue
        cleaned, problem = _clean_text("" if values[name] is None else str(values[name]), 64)
        if problem:
            errors[name] = problem
        elif name == "icp" and cleaned and "ICP" not in cleaned.upper():
            errors[name] = f"{cleaned!r} is not an ICP filing number (like 皖ICP备12345678号)"
        elif name == "police" and cleaned and not _POLICE_CODE.search(cleaned):
            errors[name] = f"{cleaned!r} has no record code (like 皖公网安备 34070202000001号)"
        else:
            clean[name] = cleaned
    return clean, errors


def check_logo(data: bytes) -> str:
    """The logo's MIME type, judged by its content; ValueError naming the problem otherwise."""
    if len(data) > MAX_LOGO_BYTES:
        raise ValueError(f"is {len(data)} bytes (at most {MAX_LOGO_BYTES})")
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValueError(f"is not a readable image ({exc.__class__.__name__})") from None
    if kind not in LOGO_TYPES:
        raise ValueError(f"is {kind}; a logo is PNG, JPEG, WebP or GIF")
    if width > 2000 or height > 2000:
        raise ValueError(f"is {width}×{height} pixels (at most 2000×2000)")
    return LOGO_TYPES[kind]


def store(session: Session, clean: dict[str, Any], logo_bytes: bytes | None = None, remove_logo: bool = False) -> Site:
    """Write cleaned values (and a checked logo) into the site row; the caller audits and commits."""
    row = session.get(Site, SITE_ID) or Site(id=SITE_ID, title={}, tagline={}, footer={}, contact={}, about={})
    for name, value in clean.items():
        setattr(row, name, value)
    if logo_bytes is not None:
        row.logo, row.logo_type = logo_bytes, check_logo(logo_bytes)
        row.logo_sha256 = hashlib.sha256(logo_bytes).hexdigest()
    elif remove_logo:
        row.logo, row.logo_type, row.logo_sha256 = None, "", ""
    session.add(row)
    return row


def update_site(runtime: Any, identity: Identity, values: dict[str, Any], logo_bytes: bytes | None = None,
                remove_logo: bool = False) -> SiteInfo:
    """The admin's edit: validated, stored and audited in one transaction."""
    require_admin(identity)
    clean, errors = clean_values(values)
    if logo_bytes is not None:
        try:
            check_logo(logo_bytes)
        except ValueError as exc:
            errors["logo"] = f"the logo {exc}"
    if errors:
        raise ValidationFailed(errors)
    with runtime.db.session() as session:
        before = current(session)
        store(session, clean, logo_bytes, remove_logo)
        changed = sorted(k for k, v in clean.items() if getattr(before, k) != v)
        if logo_bytes is not None or (remove_logo and before.logo_sha256):
            changed.append("logo")
        record(session, identity, "site.edit", "site", fields=changed)
        session.flush()
        return current(session)
