"""Photos: check the image, make the pyramidal TIFF that the IIIF Image API serves from."""
from __future__ import annotations

from exhibits.iiif import image_canvases, image_still
from exhibits.settings import Settings
from ingest.handlers import AssetFacts, Companion, MediaFile
from media.kinds import MediaKind, hookimpl
from media.images import make_pyramid, probe_image
from media.store import MediaStore


class ImageHandler:
    derivatives = ["pyramid.tif"]

    def process(self, store: MediaStore, settings: Settings, sha256: str, media: MediaFile) -> tuple[AssetFacts, list[Companion]]:
        source = store.original_path(sha256)
        info = probe_image(source, settings.max_image_pixels)
        pyramid = store.derivative_path(sha256, "pyramid.tif")
        if pyramid.is_file():  # made by an earlier run: derivatives are immutable
            existing = probe_image(pyramid, settings.max_image_pixels)
            made = {"width": existing.width, "height": existing.height}
        else:
            made = make_pyramid(source, pyramid)
        facts = AssetFacts(
            kind="image",
            mime=media.detected.mime,
            width=made["width"],
            height=made["height"],
            info={"format": info.format, "bands": info.bands, "bits": info.bits, "interpretation": info.interpretation},
        )
        return facts, []


@hookimpl
def media_kinds() -> list[MediaKind]:
    # no template: the item page's deep-zoom viewer shows images (IIIF Image API tiles, not a derivative)
    return [MediaKind("image", ImageHandler(), derivatives=tuple(ImageHandler.derivatives),
                      canvas=image_canvases, thumbnail=image_still)]
