"""Sessions: a request without the session cookie does not build the cookie signer; a login still works."""
from viewer.cookie_sessions import LazyCookieSessions
from tests.support.curators import add_users, log_in


def test_no_cookie_no_signer_and_a_login_still_holds(app, client, museum_runtime, monkeypatch):
    assert isinstance(app.session_interface, LazyCookieSessions)
    built = []
    real = LazyCookieSessions.get_signing_serializer
    monkeypatch.setattr(LazyCookieSessions, "get_signing_serializer",
                        lambda self, a: built.append(1) or real(self, a))
    assert client.get("/api/activities").status_code == 200
    assert built == []  # the public JSON API: no cookie, no serializer
    add_users(museum_runtime)
    assert log_in(client, "copper").status_code == 302
    assert built  # the login page and the login wrote and read the signed cookie
    me = client.get("/curator/api/me")
    assert me.status_code == 200 and me.get_json()["name"] == "copper"
    client.set_cookie("session", "forged.value.here")
    assert client.get("/curator/api/me").status_code == 401  # a bad signature is still no session
