"""Flask's signed-cookie sessions, without building the signer for a request that brings no session cookie.

Flask makes an itsdangerous serializer (key derivation included) at the start of every request, cookie or not;
most requests (the public JSON APIs, images, a booking) carry none. Same cookies, same signatures, same answers.
"""
from __future__ import annotations

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface


class LazyCookieSessions(SecureCookieSessionInterface):
    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)


def init_app(app: Flask) -> None:
    app.session_interface = LazyCookieSessions()
