"""Who is acting, and what they may do: the permission checks every service calls.

An :class:`Identity` is built by the viewer (session cookie or API token) or by the CLI
(:data:`SYSTEM`, the server's own operator). Services take it as their first argument and call
:func:`require`; views and commands never decide permissions themselves.

Roles (DESIGN.md): ``admin`` may do everything; ``curator`` works on the museums and venues
listed on the account (and staff of venues are curators or admins scoped with ``--venue``).
"""
from __future__ import annotations

from dataclasses import dataclass, field


class PermissionDenied(Exception):
    """The identity may not do this (HTTP 403)."""


@dataclass(frozen=True)
class Identity:
    name: str
    role: str  # 'admin' | 'curator'
    user_id: int | None = None
    museums: frozenset[str] = field(default_factory=frozenset)
    venues: frozenset[str] = field(default_factory=frozenset)
    #: How the identity was established: 'session', 'token', 'cli'.
    via: str = "session"

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def can_curate(self, museum_slug: str | None) -> bool:
        """May read drafts of, edit, upload to and publish in this museum."""
        return self.is_admin or (museum_slug is not None and museum_slug in self.museums)

    def can_staff(self, venue_slug: str | None) -> bool:
        """May run this venue: sessions, bookings, check-in."""
        return self.is_admin or (venue_slug is not None and venue_slug in self.venues)


#: The operator at the server's command line (``jinshi items publish``, ingest): an admin.
SYSTEM = Identity(name="cli", role="admin", via="cli")


def require(allowed: bool, message: str = "not allowed") -> None:
    if not allowed:
        raise PermissionDenied(message)


def require_admin(identity: Identity) -> None:
    require(identity.is_admin, f"{identity.name} is not an admin")


def require_museum(identity: Identity, museum_slug: str | None) -> None:
    require(identity.can_curate(museum_slug), f"{identity.name} may not work on museum {museum_slug!r}")


def require_venue(identity: Identity, venue_slug: str | None) -> None:
    require(identity.can_staff(venue_slug), f"{identity.name} may not work at venue {venue_slug!r}")
