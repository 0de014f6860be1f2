"""viewer.limits: named budgets from JINSHI_RATE_LIMITS, shared between the views that name them."""
import dataclasses

import pytest
from flask import Flask

from viewer import limits
from viewer.app import create_app


def _app(spec: str) -> Flask:
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "test"

    @app.route("/login", methods=["GET", "POST"])
    @limits.limit("login", methods=["POST"])
    def login():
        return "ok"

    @app.route("/api/login", methods=["POST"])
    @limits.limit("login")
    def api_login():
        return "ok"

    @app.route("/free")
    def free():
        return "ok"

    limits.init_app(app, spec)
    return app


def test_a_budget_is_shared_by_its_views_and_answers_429_with_retry_after():
    client = _app("login=3/minute").test_client()
    assert [client.post("/login").status_code for _ in range(2)] == [200, 200]
    assert client.post("/api/login").status_code == 200
    refused = client.post("/login")
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert client.post("/api/login").status_code == 429
    # GET /login is not limited (methods=["POST"]), nor is an unmarked view
    assert client.get("/login").status_code == 200
    assert all(client.get("/free").status_code == 200 for _ in range(10))


def test_clients_are_counted_apart():
    client = _app("login=1/minute").test_client()
    assert client.post("/login", environ_base={"REMOTE_ADDR": "192.0.2.1"}).status_code == 200
    assert client.post("/login", environ_base={"REMOTE_ADDR": "192.0.2.1"}).status_code == 429
    assert client.post("/login", environ_base={"REMOTE_ADDR": "192.0.2.2"}).status_code == 200


def test_off_disables_every_limit_and_defaults_apply_otherwise():
    client = _app("off").test_client()
    assert all(client.post("/login").status_code == 200 for _ in range(30))
    assert limits.parse("")["login"] == limits.DEFAULTS["login"]
    assert limits.parse("booking=5/minute;100/day")["booking"] == "5/minute;100/day"


@pytest.mark.parametrize("spec, named", [
    ("login", "'login' is not name=rate"),
    ("logon=5/minute", "unknown limit 'logon'"),
    ("login=often", "login='often' is not a rate"),
])
def test_a_bad_setting_names_the_entry(spec, named):
    with pytest.raises(limits.RateLimitConfigError, match=named):
        limits.parse(spec)


def test_an_unknown_budget_name_fails_at_import_time():
    with pytest.raises(KeyError, match="DEFAULTS"):
        limits.limit("everything")


def test_the_app_factory_reads_the_setting(museum_runtime):
    museum_runtime.settings = dataclasses.replace(museum_runtime.settings, rate_limits="login=often")
    with pytest.raises(limits.RateLimitConfigError, match="JINSHI_RATE_LIMITS"):
        create_app(runtime=museum_runtime)


def test_the_client_key_keeps_no_address_in_the_clear():
    app = _app("login=1/minute")
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": "203.0.113.7"}):
        key = limits.client_key()
    assert "203.0.113.7" not in key and len(key) == 32
