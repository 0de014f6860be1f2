"""Shared by the 3D and AV handlers: store companion originals, undo them if the handler fails."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

from media.store import MediaStore, atomic_path

FACTS = "facts.json"  # cached handler facts beside the derivatives (not served)


class StoredCompanions:
    """Companion originals stored by one handler run; ``rollback`` removes the ones it created.

    An original that was already in the store is never removed: another asset may use it
    (a created one cannot be: its content was not in the store before).
    """

    def __init__(self, store: MediaStore, max_bytes: int | None) -> None:
        self.store = store
        self.max_bytes = max_bytes
        self.created: list[str] = []

    def put(self, path: Path) -> tuple[str, int]:
        stored = self.store.put_file(path, max_bytes=self.max_bytes)
        if stored.created:
            self.created.append(stored.sha256)
        return stored.sha256, stored.size

    def rollback(self) -> None:
        for sha in self.created:
            self.store.delete(sha)
        self.created.clear()

    def __enter__(self) -> "StoredCompanions":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.rollback()


def cached_facts(store: MediaStore, sha256: str, names: list[str], key: Any) -> dict | None:
    """Facts of an earlier run when every derivative in ``names`` exists and ``key`` matches."""
    path = store.derivative_path(sha256, FACTS)
    if not path.is_file() or not all(store.derivative_path(sha256, n).is_file() for n in names):
        return None
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return saved.get("facts") if saved.get("key") == key else None


def save_facts(store: MediaStore, sha256: str, facts: dict, key: Any) -> None:
    with atomic_path(store.derivative_path(sha256, FACTS)) as tmp:
        tmp.write_text(json.dumps({"key": key, "facts": facts}, ensure_ascii=False), encoding="utf-8")


def out_fn(store: MediaStore, sha256: str) -> Callable[[str], Path]:
    return lambda name: store.derivative_path(sha256, name)
