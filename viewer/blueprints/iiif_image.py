"""Placeholder: filled in by its owner."""
from flask import Blueprint

bp = Blueprint("iiif_image", __name__)
