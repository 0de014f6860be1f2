"""Helpers shared by the tests: media files made on the spot, a private PostgreSQL server."""
