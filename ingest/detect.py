"""The content sniffer under the name DESIGN's data flow gives it: it is :mod:`media.detect`.

Kept for plugins written against ``ingest.detect`` (``Detected``) and the documents that name it."""
from media.detect import EXTENSIONS, HEAD, MODEL_BUFFER, Detected, describe_unknown, detect, mislabelled

__all__ = ["EXTENSIONS", "HEAD", "MODEL_BUFFER", "Detected", "describe_unknown", "detect", "mislabelled"]
