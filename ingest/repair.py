"""Derivatives checked against the catalogue, and re-made from the originals (``jinshi verify --repair``).

Originals are the truth and derivatives can always be made again (README, "Where the data
lives"): after a restore of the catalogue and the originals, or a disc error, every missing
or damaged derivative is re-made by the same handler that made it at ingest.
"""
from __future__ import annotations

import json
import struct
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import select

from exhibits.models import Asset
from ingest.handlers import MediaFile, handler_for
from ingest.plugins import media_kind
from media.detect import detect
from media.store import MediaStore

TRACK_KINDS = ("captions", "chapters", "transcript")


@dataclass
class Damage:
    """One original whose derivatives are missing or damaged."""

    sha256: str
    kind: str
    items: list[str]
    problems: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"sha256": self.sha256, "kind": self.kind, "items": self.items, "problems": self.problems}


def expected_derivatives(asset: Asset) -> list[str]:
    """The derivative names an asset of this kind has once ingested (its media kind says which)."""
    kind = media_kind(asset.kind)
    if kind is not None:
        return list(kind.derivatives)
    if asset.kind in TRACK_KINDS and (asset.info or {}).get("vtt"):
        return [asset.info["vtt"]]
    return []


def derivative_problem(path: Path) -> str | None:
    """None when the derivative looks whole (by its format's own header), else what is wrong."""
    if not path.is_file():
        return "missing"
    size = path.stat().st_size
    if size == 0:
        return "empty"
    with open(path, "rb") as handle:
        head = handle.read(16)
    suffix = path.suffix.lower()
    if suffix == ".tif":
        try:
            import pyvips

            image = pyvips.Image.new_from_file(str(path), access="sequential")
            image.crop(0, max(0, image.height - 1), 1, 1).avg()  # the last strip decodes: not truncated
        except Exception as exc:  # noqa: BLE001 - libvips reports damage as its own Error
            return f"damaged ({str(exc).splitlines()[0][:120]})"
        return None
    if suffix == ".glb":
        if head[:4] != b"glTF" or len(head) < 12 or struct.unpack("<I", head[8:12])[0] != size:
            return "damaged (not a whole GLB file)"
        return None
    if suffix in (".jpg", ".png"):
        from PIL import Image

        try:
            with Image.open(path) as image:
                image.load()
        except Exception as exc:  # noqa: BLE001 - Pillow raises several kinds for damaged files
            return f"damaged ({exc})"
        return None
    if suffix in (".mp4", ".m4a"):
        return None if head[4:8] == b"ftyp" else "damaged (not an MPEG-4 file)"
    if suffix == ".vtt":
        return None if head.lstrip(b"\xef\xbb\xbf").startswith(b"WEBVTT") else "damaged (not a WebVTT file)"
    if suffix == ".json":
        try:
            json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            return "damaged (not JSON)"
    return None


def _assets(db) -> list[Asset]:
    with db.session() as session:
        assets = list(session.scalars(select(Asset).order_by(Asset.item_id, Asset.position)))
        session.expunge_all()
    return assets


def check_derivatives(db, store: MediaStore, progress: Callable[[str], None] | None = None) -> list[Damage]:
    """Every asset's derivatives, checked; one Damage per original with a missing or damaged one."""
    damaged: dict[str, Damage] = {}
    seen: set[tuple[str, str]] = set()
    for asset in _assets(db):
        for name in expected_derivatives(asset):
            if (asset.sha256, name) in seen:
                damage = damaged.get(asset.sha256)
                if damage and asset.item_id not in damage.items:
                    damage.items.append(asset.item_id)
                continue
            seen.add((asset.sha256, name))
            if progress:
                progress(f"{asset.sha256[:12]} {name}")
            problem = derivative_problem(store.derivative_path(asset.sha256, name))
            if problem:
                damage = damaged.setdefault(asset.sha256, Damage(asset.sha256, asset.kind, []))
                damage.problems.append(f"{name}: {problem}")
                if asset.item_id not in damage.items:
                    damage.items.append(asset.item_id)
    return list(damaged.values())


def unreferenced_files(db, store: MediaStore) -> list[str]:
    """Files in the store that nothing refers to: derivative folders of unknown originals, leftovers of
    interrupted writes. (Originals that no asset names are listed by the fixity check.)"""
    with db.session() as session:
        known = set(session.scalars(select(Asset.sha256)))
    found: list[str] = []
    if store.derivatives.is_dir():
        for folder in sorted(store.derivatives.glob("*/*")):
            if folder.is_dir() and folder.name not in known:
                found.append(str(folder.relative_to(store.root)) + "/")
    for pattern in (".incoming-*", "*/*/.tmp-*"):
        found.extend(str(p.relative_to(store.root)) for p in sorted(store.originals.glob(pattern)))
    found.extend(str(p.relative_to(store.root)) for p in sorted(store.derivatives.glob("*/*/.tmp-*")))
    return found


def repair_derivatives(runtime: Any, damage: list[Damage], progress: Callable[[str], None] | None = None) -> list[dict[str, Any]]:
    """Re-make the derivatives of each damaged original from it; returns one result per original."""
    results = []
    assets = _assets(runtime.db)
    for entry in damage:
        if progress:
            progress(entry.sha256[:12])
        try:
            _repair_one(runtime, entry, assets)
            left = [p for p in (derivative_problem(runtime.store.derivative_path(entry.sha256, name.split(":")[0]))
                                for name in entry.problems) if p]
            results.append({**entry.to_json(), "repaired": not left, **({"error": "; ".join(left)} if left else {})})
        except Exception as exc:  # noqa: BLE001 - one original that cannot be repaired does not stop the rest
            results.append({**entry.to_json(), "repaired": False, "error": f"{type(exc).__name__}: {exc}"})
    return results


def _repair_one(runtime: Any, entry: Damage, assets: list[Asset]) -> None:
    store = runtime.store
    if not store.has_original(entry.sha256):
        raise FileNotFoundError("the original is missing too; restore it from the backup first")
    for problem in entry.problems:  # damaged ones go; the handler makes whatever is missing
        name = problem.split(":")[0]
        store.derivative_path(entry.sha256, name).unlink(missing_ok=True)
    if entry.kind in TRACK_KINDS:
        _repair_track(store, entry, assets)
        return
    store.derivative_path(entry.sha256, "facts.json").unlink(missing_ok=True)
    main = next(a for a in assets if a.sha256 == entry.sha256 and a.kind == entry.kind)
    companions = [a for a in assets if a.item_id == main.item_id and (a.info or {}).get("media") == entry.sha256]
    with tempfile.TemporaryDirectory(prefix="jinshi-repair-") as tmp:
        # the handler sees the files under their original names, as at ingest (a model names its .mtl)
        folder = Path(tmp)
        source = folder / main.filename
        source.symlink_to(store.original_path(main.sha256))
        pairs = []
        for companion in companions:
            link = folder / companion.filename
            if not link.exists():
                link.symlink_to(store.original_path(companion.sha256))
            pairs.append((link, detect(link)))
        media = MediaFile(source, detect(source), pairs)
        handler = handler_for(entry.kind)
        if handler is None:
            raise LookupError(f"no handler for {entry.kind}")
        handler.process(store, runtime.settings, entry.sha256, media)


def _repair_track(store: MediaStore, entry: Damage, assets: list[Asset]) -> None:
    from media.captions import read_captions, to_webvtt
    from media.store import atomic_path

    track = next(a for a in assets if a.sha256 == entry.sha256 and a.kind == entry.kind)
    with tempfile.TemporaryDirectory(prefix="jinshi-repair-") as tmp:
        link = Path(tmp) / track.filename
        link.symlink_to(store.original_path(track.sha256))
        cues = read_captions(link)
    with atomic_path(store.derivative_path(track.sha256, track.info["vtt"])) as out:
        out.write_text(to_webvtt(cues, "chapters" if track.kind == "chapters" else "captions"), encoding="utf-8")


