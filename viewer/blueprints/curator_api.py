"""The curator API (scripts and the workspace's own pages): bearer token or session cookie + CSRF header."""
from __future__ import annotations

from flask import Blueprint, jsonify

from viewer.auth import api_auth, current_identity

bp = Blueprint("curator_api", __name__, url_prefix="/curator/api")


@bp.get("/me")
@api_auth
def me():
    """Who the credentials belong to, and what they may work on."""
    identity = current_identity()
    return jsonify(name=identity.name, role=identity.role, museums=sorted(identity.museums),
                   venues=sorted(identity.venues), via=identity.via)
