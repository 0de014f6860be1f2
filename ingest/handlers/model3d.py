"""3D scans and models: OBJ (+MTL, textures), PLY, STL, glTF/GLB or a ZIP bundle → model.glb, model-web.glb, thumbnail.jpg."""
from __future__ import annotations

from exhibits.iiif_media import model_canvases, model_thumbnail
from exhibits.settings import Settings
from ingest.handlers import AssetFacts, Companion, MediaFile
from media.kinds import MediaKind, hookimpl
from ingest.handlers._companions import StoredCompanions, cached_facts, out_fn, save_facts
from media.models3d import make_model_derivatives
from media.store import MediaStore

DERIVATIVES = ["model.glb", "model-web.glb", "thumbnail.jpg"]


def _role(detected) -> str:
    if detected.format == "mtl":
        return "material"
    if detected.kind == "image":
        return "texture"
    return "companion"


class ModelHandler:
    derivatives = DERIVATIVES

    def process(self, store: MediaStore, settings: Settings, sha256: str, media: MediaFile) -> tuple[AssetFacts, list[Companion]]:
        source = store.original_path(sha256)
        with StoredCompanions(store, settings.max_file_bytes) as stored:
            files = {}
            companions: list[Companion] = []
            seen: set[tuple[str, str]] = set()
            for path, detected in media.companions:
                sha, size = stored.put(path)
                # the model names its companions by their original names; the stored copy has the same bytes
                files[path.name] = store.original_path(sha)
                role = _role(detected)
                if (sha, role) in seen or sha == sha256:
                    continue
                seen.add((sha, role))
                companions.append(Companion(path, sha, size, AssetFacts(
                    kind="companion", mime=detected.mime, role=role,
                    info={"media": sha256, "format": detected.format, "name": path.name},
                )))
            key = sorted((name, str(p.name)) for name, p in files.items())
            facts = cached_facts(store, sha256, DERIVATIVES, key)
            if facts is None:
                facts = make_model_derivatives(source, out_fn(store, sha256), files or None, source_format=media.detected.format)
                save_facts(store, sha256, facts, key)
        facts = {**facts, "companions": sorted(files)}
        return AssetFacts(kind="model", mime=media.detected.mime, info=facts), companions


@hookimpl
def media_kinds() -> list[MediaKind]:
    return [MediaKind("model", ModelHandler(), derivatives=tuple(DERIVATIVES), still="thumbnail.jpg",
                      served=("model.glb", "model-web.glb", "thumbnail.jpg"),
                      types={"model.glb": "model/gltf-binary", "model-web.glb": "model/gltf-binary", "thumbnail.jpg": "image/jpeg"},
                      canvas=model_canvases, thumbnail=model_thumbnail, template="media/model.html")]
