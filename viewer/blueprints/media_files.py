"""Placeholder: filled in by its owner."""
from flask import Blueprint

bp = Blueprint("media_files", __name__)
