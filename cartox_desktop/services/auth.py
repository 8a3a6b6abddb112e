"""Local users, roles, login with lock-out, and electronic signatures.

Passwords are hashed with argon2id (argon2-cffi defaults: t=3, m=64 MiB, p=4, the RFC 9106
low-memory profile; engineering-notes §7), never stored or logged in clear. After
``MAX_FAILED`` wrong passwords in a row (logins or signatures) the account is locked for
``LOCK_MINUTES``; every login, failure and lock is an audit event (21 CFR 11.10(d), 11.300(d)).
A signature is the password re-entered at the moment of signing plus its meaning
(21 CFR 11.50, 11.200(a)): the event records who signed, when, and what the signature means.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cartox_desktop.storage.models import ROLES, User
from cartox_desktop.storage.snapshot import PRIVATE_KEYS, record_hash_of
from cartox_desktop.storage.store import Store

from . import audit
from .common import acting_user, require_role, stamps, utc_now
from .dto import SIGNATURE_MEANINGS, Actor, Signature, UserInfo
from .errors import AccountLocked, AuthenticationFailed, FieldIssue, NotFound, ValidationFailed

MAX_FAILED = 5
LOCK_MINUTES = 15
MIN_PASSWORD_LENGTH = 8
USERNAME_RE = re.compile(r"^[A-Za-z0-9._-]{2,64}$")

_hasher = PasswordHasher()


def configure_hashing(time_cost: int = 3, memory_cost_kib: int = 65536, parallelism: int = 4) -> None:
    """Change the argon2 cost (tests use a cheap setting; production keeps the defaults).
    Existing hashes still verify; they are re-hashed at the next successful login."""
    global _hasher
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost_kib, parallelism=parallelism)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _password_ok(stored_hash: str, password: str) -> bool:
    try:
        return bool(_hasher.verify(stored_hash, password))
    except (VerificationError, InvalidHashError):
        return False


_DUMMY_HASH: str | None = None


def _burn_time(password: str) -> None:
    """Verify against a dummy hash so an unknown user name takes as long as a wrong password."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = _hasher.hash("cartox-dummy-password")
    _password_ok(_DUMMY_HASH, password)


def user_info(u: User) -> UserInfo:
    return UserInfo(u.id, u.username, u.display_name, u.role, bool(u.active), u.failed_logins, u.locked_until,
                    u.created_at, u.created_by)


def actor_of(u: User) -> Actor:
    return Actor(u.id, u.username, u.display_name, u.role)


def _public(snapshot: str) -> dict[str, Any]:
    import json

    return {k: v for k, v in json.loads(snapshot).items() if k not in PRIVATE_KEYS}


def _audit_user(session: Session, actor: str, action: str, user: User, **detail: Any) -> None:
    session.flush()
    text, digest = record_hash_of("user", user)
    audit.append(session, actor=actor, action=action, entity="user", entity_id=user.id, record_hash=digest,
                 detail={"record": _public(text), **detail})


def count_users(store: Store) -> int:
    with store.reading() as session:
        return int(session.scalar(select(func.count()).select_from(User)) or 0)


def list_users(store: Store) -> list[UserInfo]:
    with store.reading() as session:
        return [user_info(u) for u in session.scalars(select(User).order_by(User.username))]


def _check_new_user(username: str, password: str, role: str, display_name: str, min_length: int) -> None:
    errors: list[FieldIssue] = []
    if not USERNAME_RE.match(username or ""):
        errors.append(FieldIssue("username", username, "2–64 characters: letters, digits, '.', '_' or '-'"))
    if role not in ROLES:
        errors.append(FieldIssue("role", role, f"accepted: {', '.join(ROLES)}"))
    if len(password or "") < min_length:
        errors.append(FieldIssue("password", "(hidden)", f"too short: at least {min_length} characters"))
    if not display_name.strip() or len(display_name) > 200:
        errors.append(FieldIssue("display_name", display_name, "1–200 characters"))
    if errors:
        raise ValidationFailed(errors, "new user")


def add_user(store: Store, actor: Actor | None, username: str, password: str, role: str,
             display_name: str | None = None, *, min_password_length: int = MIN_PASSWORD_LENGTH) -> UserInfo:
    """Add a local user. Only an admin may (11.10(g)); the very first user of an empty database
    needs no acting user and always becomes an admin, so someone can administer the ward."""
    display_name = display_name if display_name is not None else username
    _check_new_user(username, password, role, display_name, min_password_length)
    password_hash = hash_password(password)  # ~0.1 s: outside the write lock
    with store.writing() as session:
        existing = int(session.scalar(select(func.count()).select_from(User)) or 0)
        if existing == 0:
            role = "admin"
            acting_name = actor.username if actor else username
        else:
            if actor is None:
                raise AuthenticationFailed(
                    "user: adding a user needs an admin to act (--user ADMIN); only the first user of an "
                    "empty database can be added without one")
            acting = acting_user(session, actor)
            require_role(acting, ("admin",), "adding a user")
            acting_name = acting.username
        if session.scalar(select(User.id).where(func.lower(User.username) == username.lower())) is not None:
            raise ValidationFailed([FieldIssue("username", username, "already exists; choose another name")],
                                   "new user")
        utc, _ = stamps()
        user = User(username=username, display_name=display_name, role=role, password_hash=password_hash,
                    active=True, failed_logins=0, locked_until=None, created_at=utc,
                    created_by=None if existing == 0 else acting_name)
        session.add(user)
        _audit_user(session, acting_name, "create", user, first_user=True if existing == 0 else None)
        return user_info(user)


def _register_failure(session: Session, user: User, action: str) -> str | None:
    """Count a wrong password; lock the account at ``MAX_FAILED``. Returns the lock end or None."""
    user.failed_logins = (user.failed_logins or 0) + 1
    locked = None
    if user.failed_logins >= MAX_FAILED:
        locked = stamps(utc_now() + timedelta(minutes=LOCK_MINUTES))[0]
        user.locked_until = locked
    _audit_user(session, user.username, action, user, failed_logins=user.failed_logins, locked_until=locked)
    return locked


def _is_locked(user: User) -> bool:
    return bool(user.locked_until and user.locked_until > stamps()[0])


def login(store: Store, username: str, password: str, *, workstation: str | None = None) -> Actor:
    """Check a password; returns the ``Actor`` to pass to every service. Audited either way."""
    with store.reading() as session:
        user = session.scalar(select(User).where(User.username == username))
        stored = user.password_hash if user else None
        locked = user is not None and _is_locked(user)
    ok = False
    if stored is None:
        _burn_time(password)
    elif not locked:
        ok = _password_ok(stored, password)
    error: AuthenticationFailed
    with store.writing() as session:  # the failure is committed, then raised
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            audit.append(session, actor=username or "?", action="login_failed",
                         detail={"username": username, "reason": "unknown user", "workstation": workstation})
            error = AuthenticationFailed(f"user {username!r}: unknown user name or wrong password")
        elif _is_locked(user):
            audit.append(session, actor=username, action="login_refused",
                         detail={"username": username, "reason": "account locked", "locked_until": user.locked_until,
                                 "workstation": workstation})
            error = AccountLocked(
                f"user {username!r} is locked until {user.locked_until} (UTC) after {MAX_FAILED} wrong passwords; "
                "wait or ask an admin to unlock", user.locked_until)
        elif not user.active:
            audit.append(session, actor=username, action="login_refused",
                         detail={"username": username, "reason": "deactivated", "workstation": workstation})
            error = AuthenticationFailed(f"user {username!r} is deactivated; ask an admin")
        elif not ok:
            until = _register_failure(session, user, "login_failed")
            if until:
                error = AccountLocked(f"user {username!r}: wrong password; the account is now locked until "
                                      f"{until} (UTC)", until)
            else:
                error = AuthenticationFailed(
                    f"user {username!r}: unknown user name or wrong password "
                    f"({MAX_FAILED - user.failed_logins} attempt(s) left before lock-out)")
        else:
            user.failed_logins = 0
            user.locked_until = None
            if _hasher.check_needs_rehash(user.password_hash):
                user.password_hash = hash_password(password)
            _audit_user(session, username, "login", user, workstation=workstation)
            return actor_of(user)
    raise error


def signature_proof(store: Store, actor: Actor, signature: Signature | None,
                    allowed: tuple[str, ...] = SIGNATURE_MEANINGS) -> dict[str, Any] | None:
    """Check an electronic signature *before* the write transaction (argon2 takes ~0.1 s).

    Returns the signature block stored in the event, or None when no signature was given.
    A wrong password counts towards lock-out and is audited; nothing else is saved.
    """
    if signature is None:
        return None
    if signature.meaning not in allowed:
        raise ValidationFailed([FieldIssue("signature.meaning", signature.meaning,
                                           f"accepted here: {', '.join(allowed)}")], "signature")
    with store.reading() as session:
        user = session.get(User, actor.user_id)
        stored = user.password_hash if user else None
    ok = stored is not None and _password_ok(stored, signature.password)
    if not ok:
        with store.writing() as session:
            user = acting_user(session, actor)
            until = _register_failure(session, user, "signature_failed")
        suffix = f"; the account is now locked until {until} (UTC)" if until else ""
        raise AuthenticationFailed(
            f"signature: the password is not correct for {actor.username!r}; nothing was saved{suffix}")
    utc, local = stamps()
    return {"meaning": signature.meaning, "signed_by": actor.username, "signer_name": actor.display_name,
            "signed_at_utc": utc, "signed_at_local": local}


def unlock_user(store: Store, actor: Actor, username: str) -> UserInfo:
    """An admin clears a lock-out."""
    with store.writing() as session:
        acting = acting_user(session, actor)
        require_role(acting, ("admin",), "unlocking a user")
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise NotFound(f"user {username!r} does not exist")
        user.failed_logins = 0
        user.locked_until = None
        _audit_user(session, acting.username, "unlock", user)
        return user_info(user)


def set_role(store: Store, actor: Actor, username: str, role: str, *, active: bool | None = None) -> UserInfo:
    """An admin changes a user's role or (de)activates the account (users are never deleted)."""
    if role not in ROLES:
        raise ValidationFailed([FieldIssue("role", role, f"accepted: {', '.join(ROLES)}")], "user")
    with store.writing() as session:
        acting = acting_user(session, actor)
        require_role(acting, ("admin",), "changing a role")
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise NotFound(f"user {username!r} does not exist")
        user.role = role
        if active is not None:
            user.active = active
        _audit_user(session, acting.username, "change_role", user)
        return user_info(user)


def change_password(store: Store, actor: Actor, old_password: str, new_password: str) -> None:
    """A user changes their own password (old one required)."""
    if len(new_password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed([FieldIssue("new_password", "(hidden)",
                                           f"too short: at least {MIN_PASSWORD_LENGTH} characters")], "password")
    signature_proof(store, actor, Signature(old_password, "recorded"))
    new_hash = hash_password(new_password)
    with store.writing() as session:
        user = acting_user(session, actor)
        user.password_hash = new_hash
        _audit_user(session, user.username, "change_password", user)

