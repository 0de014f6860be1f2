"""Security headers on every response (flask-talisman): CSP, frame-ancestors, nosniff, Referrer-Policy.

Scripts come only from this origin or carry the request's nonce (``{{ csp_nonce() }}`` in a
template); there is no ``unsafe-inline`` for scripts. Styles keep ``unsafe-inline`` because Mirador
(JSS) and model-viewer inject style elements and a few templates use ``style=`` attributes.

Two kinds of page get a different policy, chosen by path so the routes need no decorator:

* the embed page ``/items/<item>/embed`` may be framed by any site (``frame-ancestors *``, no
  ``X-Frame-Options``); every other response may only be framed by this site;
* the Mirador page may open manifests and images from any IIIF server (``?manifest=`` takes an
  absolute http(s) URL), so its ``connect-src`` and ``img-src`` allow http(s) origins.
"""
from __future__ import annotations

import re

from flask import Flask, request
from flask_talisman import Talisman

SELF = "'self'"

#: The policy of every response unless a rule below changes it.
POLICY: dict[str, str] = {
    "default-src": SELF,
    # model-viewer (three.js) compiles WebAssembly; 'wasm-unsafe-eval' allows that and no JavaScript eval
    "script-src": f"{SELF} 'wasm-unsafe-eval'",
    "style-src": f"{SELF} 'unsafe-inline'",
    "img-src": f"{SELF} data: blob:",
    "media-src": f"{SELF} blob:",
    # three.js (model-viewer) reads a GLB's embedded textures through blob: and data: URLs
    "connect-src": f"{SELF} blob: data:",
    "worker-src": f"{SELF} blob:",
    "font-src": f"{SELF} data:",
    "object-src": "'none'",
    "base-uri": SELF,
    "form-action": SELF,
    "frame-ancestors": SELF,
}

EMBED_PATH = re.compile(r"/items/[^/]+/embed/?\Z")
MIRADOR_PATH = re.compile(r"/mirador/?\Z")


def policy_for(path: str) -> dict[str, str]:
    """The Content-Security-Policy directives for a request path (without the nonce)."""
    policy = dict(POLICY)
    if EMBED_PATH.match(path):
        policy["frame-ancestors"] = "*"
    if MIRADOR_PATH.match(path):
        policy["connect-src"] = f"{SELF} http: https: blob: data:"
        policy["img-src"] = f"{SELF} http: https: data: blob:"
    return policy


#: Policy strings split where the nonce goes, by policy (there are three: default, embed, Mirador).
_POLICY_STRINGS: dict[tuple, list[str]] = {}


class _Talisman(Talisman):
    """Talisman whose per-request options depend on the path (embed, Mirador) rather than on decorators.

    Talisman asks for a request's options four times (HTTPS check, nonce, headers, policy string); they are
    worked out once a request and kept on it (the booking API is a hot path: this was a tenth of its CPU).
    """

    def _get_local_options(self):
        options = getattr(request, "_jinshi_talisman_options", None)
        if options is None:
            options = dict(super()._get_local_options())
            path = request.path
            options["content_security_policy"] = policy_for(path)
            if EMBED_PATH.match(path):
                options["frame_options"] = None
            request._jinshi_talisman_options = options
        return options

    def _parse_policy(self, policy):
        """Talisman's policy string, joined once for each policy (the nonce is the only part that changes)."""
        if not isinstance(policy, dict):
            return super()._parse_policy(policy)
        key = tuple(policy.items())
        parts = _POLICY_STRINGS.get(key)
        if parts is None:
            nonce_in = self._get_local_options()["content_security_policy_nonce_in"] or ()
            marked = [f"{section} {content}" + ("\0" if section in nonce_in else "") for section, content in policy.items()]
            parts = _POLICY_STRINGS.setdefault(key, "; ".join(marked).split("\0"))
        nonce = getattr(request, "csp_nonce", None)
        return (f" 'nonce-{nonce}'" if nonce is not None else "").join(parts)

    def _set_referrer_policy_headers(self, headers):
        """Keep a stricter policy a view set itself (tickets carry their manage token: ``no-referrer``)."""
        if "Referrer-Policy" not in headers:
            super()._set_referrer_policy_headers(headers)


def init_app(app: Flask, https: bool) -> Talisman:
    """Install the headers. ``https``: the site's public URL is https, so HSTS is sent (behind a proxy too)."""
    return _Talisman(
        app,
        force_https=False,  # the proxy (deploy/nginx.conf) redirects; the app may sit on plain loopback
        strict_transport_security=https,
        strict_transport_security_include_subdomains=False,
        content_security_policy=POLICY,
        content_security_policy_nonce_in=["script-src"],
        frame_options="SAMEORIGIN",
        referrer_policy="strict-origin-when-cross-origin",
        session_cookie_secure=https,
        session_cookie_http_only=True,
        x_xss_protection=False,  # obsolete; modern browsers ignore or misuse it
        permissions_policy={"camera": "(self)", "microphone": "()", "geolocation": "()"},
    )
