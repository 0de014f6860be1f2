"""Errors raised by media/ for a file it cannot take; the message names the problem for a person."""


class MediaError(ValueError):
    """A file is unreadable, truncated, hostile or of an unsupported kind."""


class UnsupportedMedia(MediaError):
    """The file's content is of a kind Jinshi does not ingest."""
