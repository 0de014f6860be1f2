"""The Flask app factory."""
from __future__ import annotations

import importlib

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from exhibits.iiif import format_years
from exhibits.profile import FIELDS
from exhibits.rights import rights_uri
from exhibits.settings import Settings
from exhibits.states import hall_is_public
from viewer import auth, compression, cookie_sessions, hosts, http_cache, i18n, limits, logsafe, media_kinds, pictures, security, site_context, visibility
from viewer.context import close_session
from viewer.runtime import Runtime

#: Each module defines ``bp``; order matters only for readability.
BLUEPRINTS = (
    "viewer.blueprints.public",
    "viewer.blueprints.iiif_presentation",
    "viewer.blueprints.iiif_image",
    "viewer.blueprints.media_files",
    "viewer.blueprints.search",
    "viewer.blueprints.vendor",
    "viewer.blueprints.tus",
    "viewer.blueprints.jobs_api",
    "viewer.blueprints.curator_uploads",
    "viewer.blueprints.oai",
    "viewer.blueprints.iiif_activity",
    "viewer.blueprints.api",
    "viewer.blueprints.export",
    "viewer.blueprints.bookings",
    "viewer.blueprints.checkin",
    "viewer.blueprints.curator",
    "viewer.blueprints.curator_api",
    "viewer.blueprints.curator_items",
    "viewer.blueprints.curator_halls",
    "viewer.blueprints.curator_audit",
    "viewer.blueprints.site_pages",
    "viewer.blueprints.people",
    "viewer.blueprints.sharing",
    "viewer.blueprints.curator_site",
    "viewer.blueprints.labels",
    "viewer.blueprints.details",
    "viewer.blueprints.walk",
)

#: Paths whose errors are answered in JSON rather than HTML.
JSON_PREFIXES = ("/api/", "/iiif/", "/curator/api/")


def create_app(settings: Settings | None = None, runtime: Runtime | None = None, migrate: bool = True,
               **config) -> Flask:
    """The app; ``migrate=False`` (what gunicorn's workers get) only checks that the schema is current."""
    runtime = runtime or Runtime(settings, migrate=migrate)
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=runtime.settings.secret_key,
        MAX_CONTENT_LENGTH=runtime.settings.max_file_bytes,
        JSON_AS_ASCII=False,
        SEND_FILE_MAX_AGE_DEFAULT=3600,
    )
    app.config.update(config)
    app.json.ensure_ascii = False
    app.extensions["jinshi"] = runtime
    settings_ = runtime.settings
    # The request guards come first: a foreign Host or a control character in the path is refused
    # before any before_request hook (media visibility, sessions) reaches the database.
    hosts.init_app(app, settings_.base_url, settings_.base_path, settings_.trusted_hosts, settings_.proxies)
    logsafe.init_app(app)
    i18n.init_app(app)
    site_context.init_app(app)
    http_cache.init_app(app)
    cookie_sessions.init_app(app)
    auth.init_app(app)
    visibility.init_app(app)
    for name in BLUEPRINTS:
        app.register_blueprint(importlib.import_module(name).bp)
    limits.init_app(app, runtime.settings.rate_limits, runtime.settings.rate_limit_storage)
    security.init_app(app, https=runtime.settings.base_url.startswith("https://"))
    _register_error_handler(app)
    app.context_processor(_template_helpers)
    pictures.init_app(app)
    media_kinds.init_app(app)
    compression.init_app(app)

    app.teardown_appcontext(close_session)

    return app


def _template_helpers() -> dict:
    # root: the site's sub-path ("" or "/museum"), for the few links written as paths in templates
    return {"profile_fields": FIELDS, "years": format_years, "rights_uri": rights_uri, "root": request.script_root,
            "hall_is_public": hall_is_public}


#: Headers an HTTP error brings (Allow on 405, Retry-After on 429/503, WWW-Authenticate on 401) and keeps.
_KEPT_ERROR_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate", "Content-Range")


def _register_error_handler(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        if request.path.startswith(JSON_PREFIXES):
            response = jsonify(error=error.name, status=error.code, message=error.description)
            response.headers["Access-Control-Allow-Origin"] = "*"
        else:
            from viewer.dead_ends import error_page

            response = app.make_response(error_page(error))
        response.status_code = error.code or 500
        for name, value in error.get_headers():
            if name in _KEPT_ERROR_HEADERS:
                response.headers[name] = value
        if error.response is not None:  # e.g. flask-limiter's 429 carries its own headers
            for name in _KEPT_ERROR_HEADERS:
                if name in error.response.headers:
                    response.headers[name] = error.response.headers[name]
        return response
