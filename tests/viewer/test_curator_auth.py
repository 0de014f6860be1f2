"""Logins, logout, lock-out, rate limits, CSRF and API tokens of the curator workspace."""
from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select

from exhibits.accounts_models import ApiToken
from exhibits.models import AuditEntry, User
from tests.support.curators import PASSWORD, add_users, csrf_token, log_in


@pytest.fixture
def users(museum_runtime):
    add_users(museum_runtime)
    return museum_runtime


def audit(runtime, action: str) -> list[AuditEntry]:
    with runtime.db.session() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def test_anonymous_pages_go_to_login_and_api_answers_401(client, users):
    page = client.get("/curator/")
    assert page.status_code == 302 and page.headers["Location"].startswith("/curator/login?next=/curator/")
    api = client.get("/curator/api/me")
    assert api.status_code == 401 and api.json["error"] == "unauthorized"
    assert api.headers["WWW-Authenticate"].startswith("Bearer")


def test_login_then_logout_ends_the_session_on_the_server(client, users):
    answer = log_in(client, "copper")
    assert answer.status_code == 302
    assert client.get("/curator/").status_code == 200
    assert client.get("/curator/api/me").json == {
        "name": "copper", "role": "curator", "museums": ["copper"], "venues": [], "via": "session"}
    cookie = client.get_cookie("session").value
    page_token = csrf_token(client, "/curator/")
    assert client.post("/curator/logout", data={"csrf_token": page_token}).status_code == 302
    assert client.get("/curator/api/me").status_code == 401
    # The cookie from before the logout, replayed, no longer works: the server ended the session.
    client.set_cookie("session", cookie, domain="localhost")
    assert client.get("/curator/api/me").status_code == 401
    assert [e.actor for e in audit(users, "login")] == ["copper"]
    assert [e.actor for e in audit(users, "logout")] == ["copper"]


def test_wrong_password_is_refused_and_audited_without_the_address(client, users):
    answer = log_in(client, "copper", "wrong password!")
    assert answer.status_code == 401
    assert "用户名或密码错误" in answer.get_data(as_text=True)
    assert log_in(client, "nobody", "wrong password!").status_code == 401
    failed = audit(users, "login.failed")
    assert [(e.target, e.details["reason"]) for e in failed] == [("user:copper", "wrong password"), ("user:nobody", "unknown user")]
    assert all("127.0.0.1" not in str(e.details) for e in failed)
    assert len(failed[0].details["client"]) == 16


def test_ten_wrong_passwords_lock_the_account_and_tell_the_admin(app, client, users):
    app.extensions["jinshi_limits"] = None  # the rate limit is tested on its own below
    for _ in range(10):
        assert log_in(client, "copper", "not the password").status_code == 401
    refused = log_in(client, "copper")  # the right password, too late
    assert refused.status_code == 401 and "暂时锁定" in refused.get_data(as_text=True)
    assert client.get("/curator/api/me").status_code == 401
    locked = audit(users, "login.locked")
    assert [e.target for e in locked] == ["user:copper"]
    # Other accounts still work; an admin lifts the lock by enabling the account.
    assert log_in(client, "ich").status_code == 302


def test_login_is_rate_limited_per_address(client, users):
    statuses = [log_in(client, "ich", "wrong wrong wrong").status_code for _ in range(11)]
    assert statuses[:10] == [401] * 10 and statuses[10] == 429


def test_rate_limits_come_from_the_setting(museum_runtime):
    from viewer.app import create_app

    add_users(museum_runtime)
    museum_runtime.settings = dataclasses.replace(museum_runtime.settings, rate_limits="login=2/minute")
    client = create_app(runtime=museum_runtime, TESTING=True).test_client()
    assert [log_in(client, "ich", "wrong wrong").status_code for _ in range(3)] == [401, 401, 429]


def test_unsafe_requests_without_csrf_token_are_refused(client, users):
    log_in(client, "copper")
    assert client.post("/curator/logout").status_code == 400
    assert client.get("/curator/api/me").status_code == 200  # still logged in
    assert client.post("/curator/login", data={"name": "copper", "password": PASSWORD}).status_code == 400


def test_session_cookie_flags(client, users, museum_runtime):
    answer = log_in(client, "copper")
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    from viewer.app import create_app

    museum_runtime.settings = dataclasses.replace(museum_runtime.settings, base_url="https://museum.example")
    secure = create_app(runtime=museum_runtime, TESTING=True).test_client()
    cookie = log_in(secure, "copper").headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie


def test_login_redirects_only_inside_the_site(client, users):
    token = csrf_token(client)
    for target, expected in [("/curator/?a=1", "/curator/?a=1"), ("//evil.example/x", "/curator/"),
                             ("https://evil.example/", "/curator/"), ("/\\evil.example", "/curator/")]:
        client.post("/curator/logout", data={"csrf_token": token})
        answer = client.post("/curator/login", data={"name": "copper", "password": PASSWORD, "next": target,
                                                     "csrf_token": csrf_token(client)})
        assert answer.headers["Location"] == expected, target
        token = csrf_token(client, "/curator/")


def test_cli_tokens_work_are_stored_hashed_and_revocable(cli, users):
    token = cli("user", "token", "ich", "--label", "nightly export").stdout.strip().splitlines()[0]
    assert token.startswith("jst_") and len(token) > 40
    from viewer.app import create_app

    client = create_app(runtime=users, TESTING=True).test_client()
    bearer = {"Authorization": f"Bearer {token}"}
    me = client.get("/curator/api/me", headers=bearer)
    assert me.status_code == 200 and me.json["name"] == "ich" and me.json["via"] == "token"
    assert client.get("/curator/api/me", headers={"Authorization": "Bearer jst_forged"}).status_code == 401
    with users.db.session() as session:
        rows = list(session.scalars(select(ApiToken)))
        assert len(rows) == 1 and token not in (rows[0].token_hash, rows[0].prefix) and rows[0].last_used
    uses = audit(users, "token.use")
    assert uses[0].actor == "ich" and uses[0].details["request"] == "GET /curator/api/me"
    listing = cli("user", "list").stdout
    assert rows[0].prefix in listing
    assert cli("user", "revoke", "ich", rows[0].prefix).exit_code == 0
    assert client.get("/curator/api/me", headers=bearer).status_code == 401


def test_cli_user_add_validates_and_hashes(cli, museum_runtime):
    added = cli("user", "add", "mei", "--role", "curator", "--museum", "copper", "--password-stdin", input=PASSWORD + "\n")
    assert added.exit_code == 0, added.output
    with museum_runtime.db.session() as session:
        user = session.scalar(select(User).where(User.name == "mei"))
        assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
        assert user.museums == ["copper"]
    assert cli("user", "add", "mei", "--role", "curator", "--password-stdin", input=PASSWORD + "\n").exit_code == 1
    unknown = cli("user", "add", "li", "--role", "curator", "--museum", "nowhere", "--password-stdin", input=PASSWORD + "\n")
    assert unknown.exit_code == 1 and "unknown museum nowhere" in unknown.output
    short = cli("user", "add", "li", "--role", "curator", "--password-stdin", input="short\n")
    assert short.exit_code == 1 and "at least 10 characters" in short.output
    bad_name = cli("user", "add", "../x", "--role", "admin", "--password-stdin", input=PASSWORD + "\n")
    assert bad_name.exit_code == 1 and "user name" in bad_name.output


def test_disabled_account_cannot_log_in_or_use_tokens(cli, client, users):
    token = cli("user", "token", "copper").stdout.strip().splitlines()[0]
    log_in(client, "copper")
    assert cli("user", "disable", "copper").exit_code == 0
    assert client.get("/curator/api/me").status_code == 401
    assert client.get("/curator/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert log_in(client, "copper").status_code == 401
    assert cli("user", "enable", "copper").exit_code == 0
    assert log_in(client, "copper").status_code == 302
