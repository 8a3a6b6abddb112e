"""Users and access: roles, memory-hard password hashes, lock-out, and who is on every event."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from cartox_desktop.services import (
    AccountLocked,
    Actor,
    AuthenticationFailed,
    PermissionDenied,
    ValidationFailed,
    add_user,
    events,
    list_users,
    login,
    set_role,
    unlock_user,
    verify,
)
from cartox_desktop.services.auth import MAX_FAILED
from cartox_desktop.storage import Store
from cartox_desktop.storage.models import User

from .helpers import PASSWORD


def test_first_user_of_an_empty_database_becomes_admin(store: Store) -> None:
    info = add_user(store, None, "first", PASSWORD, "nurse")
    assert info.role == "admin"
    with pytest.raises(AuthenticationFailed, match="admin to act"):
        add_user(store, None, "second", PASSWORD, "nurse")


def test_passwords_are_stored_as_argon2id_hashes(store: Store, admin: Actor) -> None:
    with store.reading() as s:
        stored = s.scalar(select(User.password_hash).where(User.username == "admin"))
    assert stored is not None and stored.startswith("$argon2id$") and PASSWORD not in stored
    for event in events(store):
        assert PASSWORD not in str(event.detail) and "argon2" not in str(event.detail)


def test_only_admins_add_users(store: Store, admin: Actor, nurse: Actor, physician: Actor) -> None:
    for actor in (nurse, physician):
        with pytest.raises(PermissionDenied, match="needs role admin"):
            add_user(store, actor, "eve", PASSWORD, "admin")
    add_user(store, admin, "eve", PASSWORD, "nurse", "Eve Example")
    assert [u.username for u in list_users(store)] == ["admin", "doc", "eve", "nurse"]
    with pytest.raises(ValidationFailed) as caught:
        add_user(store, admin, "EVE", "short", "surgeon")
    assert {e.path for e in caught.value.errors} == {"password", "role"}
    with pytest.raises(ValidationFailed, match="already exists"):
        add_user(store, admin, "EVE", PASSWORD, "nurse")


def test_lock_out_after_repeated_failures_and_admin_unlock(store: Store, admin: Actor, nurse: Actor) -> None:
    for attempt in range(1, MAX_FAILED):
        with pytest.raises(AuthenticationFailed) as caught:
            login(store, "nurse", "guess")
        assert f"{MAX_FAILED - attempt} attempt(s) left" in str(caught.value)
    with pytest.raises(AccountLocked, match="locked until"):
        login(store, "nurse", "guess")
    with pytest.raises(AccountLocked):  # even the right password is refused while locked
        login(store, "nurse", PASSWORD)
    with pytest.raises(PermissionDenied, match="locked"):  # an open session cannot keep writing either
        add_user(store, nurse, "x1", PASSWORD, "nurse")
    with pytest.raises(PermissionDenied):
        unlock_user(store, nurse, "nurse")
    unlock_user(store, admin, "nurse")
    assert login(store, "nurse", PASSWORD).username == "nurse"
    actions = [e.action for e in events(store) if e.actor == "nurse"]
    assert actions.count("login_failed") == MAX_FAILED
    assert "login_refused" in actions
    assert verify(store).ok


def test_unknown_user_and_deactivated_user_are_refused_and_logged(store: Store, admin: Actor,
                                                                  nurse: Actor) -> None:
    with pytest.raises(AuthenticationFailed, match="unknown user name or wrong password"):
        login(store, "mallory", "x")
    set_role(store, admin, "nurse", "nurse", active=False)
    with pytest.raises(AuthenticationFailed, match="deactivated"):
        login(store, "nurse", PASSWORD)
    logged = [(e.action, e.detail.get("username")) for e in events(store) if e.action.startswith("login_")]
    assert ("login_failed", "mallory") in logged and ("login_refused", "nurse") in logged
