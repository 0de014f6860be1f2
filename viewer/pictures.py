"""Responsive IIIF images for the pages: ``srcset`` and ``sizes`` so a phone never downloads more pixels than it shows.

Every thumbnail and still is an IIIF Image API request (``/full/<w>,/0/default.jpg``). The candidate widths are a
ladder capped at the image's own width (the IIIF server never upscales for us), and ``sizes`` says how wide the
picture will really be drawn: a thumbnail box is 4:3 and the picture sits *inside* it (``object-fit: contain``), so a
tall object is drawn narrower than its box, and ``sizes`` says so. The browser then picks the smallest candidate
that covers the drawn width at the screen's pixel density.
"""
from __future__ import annotations

from typing import Any

from flask import Flask, request
from markupsafe import Markup, escape

#: Candidate widths (CSS px × density); beyond 2048 px a page image is never useful: deep zoom takes over.
LADDER = (160, 240, 320, 400, 480, 640, 800, 1024, 1280, 1600, 2048)

#: Where each kind of box is drawn: (media condition, width) pairs and the last width, in CSS px or a calc().
#: Cards: two columns on phones (16 px page margins, a 10 px gap), about 250 px at most on wider screens;
#: hall cards: one column on phones; search hits and the image strip: fixed squares.
BOXES: dict[str, tuple[tuple[tuple[str, str], ...], str, float]] = {
    # name: ((condition, width), ...), default width, box aspect (width / height)
    "card": ((("(max-width: 760px)", "(50vw - 21px)"),), "250px", 4 / 3),
    "hall": ((("(max-width: 600px)", "(100vw - 32px)"),), "380px", 4 / 3),
    "hit": ((), "80px", 1.0),
    "strip": ((), "72px", 1.0),
    "feature": ((("(max-width: 760px)", "(100vw - 32px)"),), "560px", 4 / 3),
    # the item page's still, in the deep-zoom box (its aspect is the image's, bounded: viewer_ratio)
    "viewer": ((("(max-width: 760px)", "(100vw - 32px)"),), "680px", 4 / 3),
}


def widths(width: int | None) -> list[int]:
    """The candidate widths of an image ``width`` px wide: the ladder below it, and its own width if small."""
    if not width or width <= 0:
        return [400]
    chosen = [w for w in LADDER if w < width]
    if width <= LADDER[-1]:
        chosen.append(width)
    return chosen or [width]


def iiif_url(root: str, image_id: str, width: int) -> str:
    return f"{root}/iiif/3/{image_id}/full/{width},/0/default.jpg"


def srcset(asset: Any, root: str | None = None) -> str:
    """``srcset`` of an image asset: IIIF sizes, each with its true width descriptor."""
    root = request.script_root if root is None else root
    return ", ".join(f"{iiif_url(root, asset.sha256, w)} {w}w" for w in widths(asset.width))


def fraction(asset: Any, box_aspect: float) -> float:
    """How much of the box's width a contained picture takes (1 for wide pictures, less for tall ones)."""
    if not asset.width or not asset.height:
        return 1.0
    return min(1.0, (asset.width / asset.height) / box_aspect)


def sizes(asset: Any, box: str, aspect: float | None = None) -> str:
    """The ``sizes`` attribute for ``asset`` drawn contained in a box of kind ``box`` (see :data:`BOXES`);
    ``aspect`` overrides the box's width / height."""
    conditions, default, box_aspect = BOXES[box]
    share = fraction(asset, aspect or box_aspect)

    def scaled(width: str) -> str:
        if share >= 0.999:
            return width if width.endswith("px") and not width.startswith("(") else f"calc{width}"
        if width.endswith("px") and not width.startswith("("):
            return f"{max(1, round(float(width[:-2]) * share))}px"
        return f"calc({share:.3f} * {width})"

    parts = [f"{condition} {scaled(width)}" for condition, width in conditions]
    return ", ".join(parts + [scaled(default)])


def fallback_width(asset: Any, box: str, aspect: float | None = None) -> int:
    """The ``src`` for browsers without srcset: about the box's widest drawn size."""
    _, default, box_aspect = BOXES[box]
    wanted = float(default[:-2]) * fraction(asset, aspect or box_aspect)
    candidates = widths(asset.width)
    return next((w for w in candidates if w >= wanted), candidates[-1])


def picture(asset: Any, box: str, alt: str, lazy: bool = True, extra: str = "", aspect: float | None = None) -> Markup:
    """An ``<img>`` of an image asset for a box: srcset, sizes, intrinsic size (no layout shift), lazy by default.

    ``extra`` is trusted template markup (attributes written in the template, never a value)."""
    root = request.script_root
    src = iiif_url(root, asset.sha256, fallback_width(asset, box, aspect))
    width, height = asset.width or 400, asset.height or 300
    attributes = (
        f'src="{escape(src)}" srcset="{escape(srcset(asset, root))}" sizes="{escape(sizes(asset, box, aspect))}" '
        f'width="{int(width)}" height="{int(height)}" alt="{escape(alt)}"'
    )
    if lazy:
        attributes += ' loading="lazy" decoding="async"'
    if extra:
        attributes += " " + extra
    return Markup(f"<img {attributes}>")


def viewer_ratio(asset: Any | None) -> float:
    """The deep-zoom box's width / height: the image's own, bounded so that a handscroll is not a thin strip and
    a hanging scroll does not run off the screen."""
    if asset is None or not asset.width or not asset.height:
        return 4 / 3
    return max(0.75, min(2.4, asset.width / asset.height))


def init_app(app: Flask) -> None:
    from exhibits.rights import download_size

    app.jinja_env.globals.update(picture=picture, iiif_srcset=srcset, iiif_sizes=sizes, viewer_ratio=viewer_ratio,
                                 download_size=download_size)
