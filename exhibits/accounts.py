"""Accounts: users, passwords (argon2), login with lock-out, personal API tokens.

Every function that changes something takes the acting :class:`Identity` first, checks it,
and writes its audit row in the same transaction. The viewer builds identities with
:func:`identity_of`; nothing here knows about Flask.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Iterable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from exhibits.accounts_models import ApiToken
from exhibits.audit import record
from exhibits.identity import Identity, PermissionDenied, require_admin
from exhibits.models import Museum, User

ROLES = ("curator", "admin")
#: Wrong passwords in a row that lock an account, and for how long.
MAX_FAILED_LOGINS = 10
LOCK_DURATION = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024
TOKEN_PREFIX = "jst_"
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")

_hasher = PasswordHasher()
#: Verified against when the user does not exist, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


class AccountError(ValueError):
    """A request about accounts that cannot be done (bad name, unknown museum, short password...)."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class LoginRefused(Exception):
    """Wrong name or password, disabled or locked account (one message for all: no account probing)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # 'invalid' | 'locked' | 'disabled'


def now() -> datetime:
    return datetime.now(timezone.utc)


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite gives naive datetimes back; they were stored as UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment


def identity_of(user: User, via: str = "session") -> Identity:
    return Identity(
        name=user.name, role=user.role, user_id=user.id,
        museums=frozenset(user.museums or ()), venues=frozenset(user.venues or ()), via=via,
    )


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters", "password")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"the password may have at most {MAX_PASSWORD_LENGTH} characters", "password")


def get_user(session: Session, name: str) -> User | None:
    return session.scalar(select(User).where(User.name == name))


def _require_user(session: Session, name: str) -> User:
    user = get_user(session, name)
    if user is None:
        raise AccountError(f"no user named {name!r}", "name")
    return user


def add_user(session: Session, identity: Identity, name: str, role: str, password: str,
             museums: Iterable[str] = (), venues: Iterable[str] = ()) -> User:
    """Create an account (admins only). Museums must exist; venues are checked by their own module."""
    require_admin(identity)
    if not NAME_PATTERN.match(name or ""):
        raise AccountError("a user name is 1-64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit", "name")
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}, not {role!r}", "role")
    check_password_rules(password)
    if get_user(session, name) is not None:
        raise AccountError(f"a user named {name!r} already exists", "name")
    museums = sorted(set(museums))
    known = set(session.scalars(select(Museum.slug).where(Museum.slug.in_(museums))))
    unknown = [slug for slug in museums if slug not in known]
    if unknown:
        raise AccountError(f"unknown museum {', '.join(unknown)}", "museum")
    user = User(name=name, role=role, password_hash=hash_password(password), museums=museums,
                venues=sorted(set(venues)), active=True, failed_logins=0, session_generation=0)
    session.add(user)
    session.flush()
    record(session, identity, "user.add", f"user:{name}", role=role, museums=museums, venues=user.venues)
    return user


def set_password(session: Session, identity: Identity, name: str, password: str) -> None:
    """Admins set anyone's password; a user may set their own. Ends the user's other sessions."""
    if identity.name != name:
        require_admin(identity)
    check_password_rules(password)
    user = _require_user(session, name)
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    user.session_generation += 1
    record(session, identity, "user.password", f"user:{name}")


def set_active(session: Session, identity: Identity, name: str, active: bool) -> None:
    """Disable (or enable again) an account; disabling ends its sessions and its tokens stop working."""
    require_admin(identity)
    user = _require_user(session, name)
    user.active = active
    if active:
        user.failed_logins = 0
        user.locked_until = None
    else:
        user.session_generation += 1
    record(session, identity, "user.enable" if active else "user.disable", f"user:{name}")


def list_users(session: Session, identity: Identity) -> list[User]:
    require_admin(identity)
    return list(session.scalars(select(User).order_by(User.name)))


def fingerprint(secret_key: str, value: str) -> str:
    """A keyed hash that lets the audit log tell repeated addresses apart without storing them."""
    return hmac.new(secret_key.encode(), value.encode(), hashlib.sha256).hexdigest()[:16]


def authenticate(session: Session, name: str, password: str, client: str = "") -> User:
    """Check a login; counts failures, locks after :data:`MAX_FAILED_LOGINS`, and audits every attempt.

    ``client`` is a keyed fingerprint of the caller's address (never the address itself).
    The caller commits the session whether the login succeeded or not (failures are recorded).
    """
    user = get_user(session, name) if name and len(name) <= 128 else None
    if user is None:
        _verify(_DUMMY_HASH, password)
        record(session, None, "login.failed", f"user:{name[:100]}", reason="unknown user", client=client)
        raise LoginRefused("invalid")
    if not user.active:
        _verify(_DUMMY_HASH, password)
        record(session, None, "login.failed", f"user:{name}", reason="disabled", client=client)
        raise LoginRefused("disabled")
    locked = _aware(user.locked_until)
    if locked is not None and locked > now():
        record(session, None, "login.failed", f"user:{name}", reason="locked", client=client)
        raise LoginRefused("locked")
    if not _verify(user.password_hash, password):
        user.failed_logins = (user.failed_logins or 0) + 1
        record(session, None, "login.failed", f"user:{name}", reason="wrong password",
               failures=user.failed_logins, client=client)
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until = now() + LOCK_DURATION
            user.failed_logins = 0
            record(session, None, "login.locked", f"user:{name}",
                   minutes=int(LOCK_DURATION.total_seconds() // 60), client=client)
            raise LoginRefused("locked")
        raise LoginRefused("invalid")
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    record(session, identity_of(user), "login", f"user:{name}", client=client)
    return user


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def logout(session: Session, user_id: int) -> None:
    """End every session of this user on the server (their cookies carry the old generation)."""
    user = session.get(User, user_id)
    if user is not None:
        user.session_generation += 1
        record(session, identity_of(user), "logout", f"user:{user.name}")


def session_user(session: Session, user_id: int, generation: int) -> User | None:
    """The user a session cookie names, if that session has not been ended and the account works."""
    user = session.get(User, user_id)
    if user is None or not user.active or user.session_generation != generation:
        return None
    return user


# -- personal API tokens ---------------------------------------------------------------------

@dataclass(frozen=True)
class IssuedToken:
    token: str  # shown once, never stored
    prefix: str
    id: int


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(session: Session, identity: Identity, name: str, label: str = "") -> IssuedToken:
    """A new personal API token for ``name`` (admins, or the user for themselves)."""
    if identity.name != name:
        require_admin(identity)
    user = _require_user(session, name)
    if not user.active:
        raise AccountError(f"user {name!r} is disabled", "name")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, token_hash=_token_hash(token), prefix=token[:12], label=label[:128])
    session.add(row)
    session.flush()
    record(session, identity, "token.issue", f"user:{name}", token=row.prefix, label=row.label)
    return IssuedToken(token=token, prefix=row.prefix, id=row.id)


def revoke_tokens(session: Session, identity: Identity, name: str, prefix: str | None = None) -> int:
    """Revoke one token (by its prefix) or all tokens of a user; returns how many were revoked."""
    if identity.name != name:
        require_admin(identity)
    user = _require_user(session, name)
    query = select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked.is_(None))
    if prefix:
        query = query.where(ApiToken.prefix == prefix)
    revoked = 0
    for row in session.scalars(query):
        row.revoked = now()
        revoked += 1
        record(session, identity, "token.revoke", f"user:{name}", token=row.prefix)
    if prefix and not revoked:
        raise AccountError(f"user {name!r} has no active token starting {prefix!r}", "token")
    return revoked


def tokens_of(session: Session, identity: Identity, name: str) -> list[ApiToken]:
    if identity.name != name:
        require_admin(identity)
    user = _require_user(session, name)
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)))


def token_user(session: Session, token: str, client: str = "", what: str = "") -> User | None:
    """The user a bearer token belongs to (and record its use), or None if unknown, revoked or disabled."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(token)))
    if row is None or row.revoked is not None or not row.user.active:
        return None
    row.last_used = now()
    record(session, identity_of(row.user, via="token"), "token.use", f"user:{row.user.name}",
           token=row.prefix, request=what[:200], client=client)
    return row.user


__all__ = [
    "AccountError", "LoginRefused", "PermissionDenied", "add_user", "authenticate", "identity_of", "issue_token",
    "list_users", "logout", "revoke_tokens", "session_user", "set_active", "set_password", "token_user", "tokens_of",
]
