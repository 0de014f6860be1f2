"""A small software rasteriser for mesh thumbnails: numpy z-buffer, Lambert shading, no GPU.

It renders triangles in batches grouped by screen-space bounding-box size, so that every
batch is one vectorised edge-function test over a fixed grid of candidate pixels. The
nearest sample per pixel wins (z-buffer), colours come from vertex colours, face colours,
a texture (sampled per pixel through interpolated UVs) or the material's main colour.
The image is rendered at ``supersample`` times the output size and reduced for anti-aliasing.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

CLAY = np.array([0.80, 0.76, 0.70], dtype=np.float32)  # colour of meshes without any colour
BACKGROUND_TOP = np.array([0.95, 0.945, 0.94], dtype=np.float32)
BACKGROUND_BOTTOM = np.array([0.84, 0.835, 0.83], dtype=np.float32)
_BATCH_SAMPLES = 1_000_000  # candidate pixels per vectorised batch (bounds memory)


@dataclass
class RenderPart:
    """One mesh to draw: vertices (V,3) and faces (F,3), with optional colour sources."""

    vertices: np.ndarray
    faces: np.ndarray
    vertex_normals: np.ndarray | None = None
    vertex_colors: np.ndarray | None = None  # (V,3) floats 0..1
    face_colors: np.ndarray | None = None  # (F,3) floats 0..1
    uv: np.ndarray | None = None  # (V,2)
    texture: np.ndarray | None = None  # (H,W,3) floats 0..1
    color: np.ndarray | None = None  # (3,) floats 0..1, used when nothing else is given


def _rotation(yaw_deg: float, pitch_deg: float) -> np.ndarray:
    yaw, pitch = np.radians(yaw_deg), np.radians(pitch_deg)
    ry = np.array([[np.cos(yaw), 0, np.sin(yaw)], [0, 1, 0], [-np.sin(yaw), 0, np.cos(yaw)]])
    rx = np.array([[1, 0, 0], [0, np.cos(pitch), -np.sin(pitch)], [0, np.sin(pitch), np.cos(pitch)]])
    return rx @ ry


_GRID_MAX = 16  # triangles whose screen box is at most this wide use the candidate grid, others row spans


def _rasterise(p2: np.ndarray, z: np.ndarray, faces: np.ndarray, width: int, height: int):
    """Return (face id per pixel or -1, barycentrics per pixel) for projected vertices ``p2``."""
    npix = width * height
    zbuf = np.full(npix, -np.inf, dtype=np.float32)
    fbuf = np.full(npix, -1, dtype=np.int64)
    bbuf = np.zeros((npix, 2), dtype=np.float32)

    a, b, c = p2[faces[:, 0]], p2[faces[:, 1]], p2[faces[:, 2]]
    area = (b[:, 0] - a[:, 0]) * (c[:, 1] - a[:, 1]) - (b[:, 1] - a[:, 1]) * (c[:, 0] - a[:, 0])
    lo = np.floor(np.minimum(np.minimum(a, b), c)).astype(np.int64)
    hi = np.ceil(np.maximum(np.maximum(a, b), c)).astype(np.int64)
    lo = np.maximum(lo, 0)
    hi[:, 0] = np.minimum(hi[:, 0], width)
    hi[:, 1] = np.minimum(hi[:, 1], height)
    span = np.max(hi - lo, axis=1)
    visible = (np.abs(area) > 1e-12) & (span > 0) & np.all(hi > lo, axis=1)
    ids = np.nonzero(visible)[0]

    def resolve(f, px, py):
        """Keep the samples inside their triangle, then the nearest per pixel against the z-buffer."""
        ax, ay = a[f, 0], a[f, 1]
        bx, by = b[f, 0], b[f, 1]
        qx, qy = c[f, 0], c[f, 1]
        cx, cy = px + 0.5, py + 0.5
        inv = 1.0 / area[f]
        w1 = ((cx - ax) * (qy - ay) - (cy - ay) * (qx - ax)) * inv
        w2 = ((bx - ax) * (cy - ay) - (by - ay) * (cx - ax)) * inv
        inside = (w1 >= -1e-6) & (w2 >= -1e-6) & (w1 + w2 <= 1.0 + 1e-6)
        inside &= (px >= lo[f, 0]) & (px < hi[f, 0]) & (py >= lo[f, 1]) & (py < hi[f, 1])
        f, px, py, w1, w2 = f[inside], px[inside], py[inside], w1[inside], w2[inside]
        if not len(f):
            return
        depth = (z[faces[f, 0]] * (1.0 - w1 - w2) + z[faces[f, 1]] * w1 + z[faces[f, 2]] * w2).astype(np.float32)
        pix = py * width + px
        np.maximum.at(zbuf, pix, depth)  # nearest depth per pixel; the samples that reach it win
        win = depth >= zbuf[pix]
        pix = pix[win]
        fbuf[pix] = f[win]
        bbuf[pix, 0] = w1[win]
        bbuf[pix, 1] = w2[win]

    small = ids[span[ids] <= _GRID_MAX]
    if len(small):
        size = 1 << np.ceil(np.log2(np.maximum(span[small], 1))).astype(np.int64)
        for s in np.unique(size):
            group = small[size == s]
            grid = np.arange(int(s))
            gx, gy = np.meshgrid(grid, grid)
            gx, gy = gx.ravel(), gy.ravel()
            step = max(1, _BATCH_SAMPLES // len(gx))
            for start in range(0, len(group), step):
                f = group[start:start + step]
                px = (lo[f, 0:1] + gx[None, :]).ravel()
                py = (lo[f, 1:2] + gy[None, :]).ravel()
                resolve(np.repeat(f, len(gx)), px, py)

    big = ids[span[ids] > _GRID_MAX]
    if len(big):
        # row spans: for every row of a triangle, the x interval where all barycentrics are >= 0
        rows_per = hi[big, 1] - lo[big, 1]
        bounds = np.cumsum(rows_per)
        start = 0
        while start < len(big):
            # take triangles until about _BATCH_SAMPLES rows or pixels
            base = bounds[start - 1] if start else 0
            stop = int(np.searchsorted(bounds, base + _BATCH_SAMPLES // 4, side="right"))
            stop = max(stop, start + 1)
            f_tri = big[start:stop]
            start = stop
            nrows = hi[f_tri, 1] - lo[f_tri, 1]
            f = np.repeat(f_tri, nrows)
            first_row = np.repeat(lo[f_tri, 1], nrows)
            offset = np.arange(len(f)) - np.repeat(np.cumsum(nrows) - nrows, nrows)
            py = first_row + offset
            cy = py + 0.5
            ax, ay = a[f, 0], a[f, 1]
            bx, by = b[f, 0], b[f, 1]
            qx, qy = c[f, 0], c[f, 1]
            inv = 1.0 / area[f]
            # w(x) = w0 + k * x for the three barycentrics along this row
            k1 = (qy - ay) * inv
            k2 = -(by - ay) * inv
            c1 = (-ax * (qy - ay) - (cy - ay) * (qx - ax)) * inv
            c2 = ((bx - ax) * (cy - ay) + (by - ay) * ax) * inv
            k0, c0 = -(k1 + k2), 1.0 - c1 - c2
            xmin = np.full(len(f), -np.inf)
            xmax = np.full(len(f), np.inf)
            for k, c_ in ((k0, c0), (k1, c1), (k2, c2)):
                with np.errstate(divide="ignore", invalid="ignore"):
                    root = -c_ / k
                pos, neg = k > 1e-15, k < -1e-15
                xmin = np.where(pos, np.maximum(xmin, root), xmin)
                xmax = np.where(neg, np.minimum(xmax, root), xmax)
                flat = ~pos & ~neg
                xmax = np.where(flat & (c_ < -1e-6), -np.inf, xmax)
            start_px = np.maximum(np.ceil(xmin - 0.5 - 1e-6), lo[f, 0]).astype(np.int64)
            end_px = np.minimum(np.floor(xmax - 0.5 + 1e-6), hi[f, 0] - 1)
            end_px = np.where(np.isfinite(end_px), end_px, -1).astype(np.int64)
            count = np.maximum(end_px - start_px + 1, 0)
            keep = count > 0
            f, py, start_px, count = f[keep], py[keep], start_px[keep], count[keep]
            total = int(count.sum())
            if total == 0:
                continue
            pf = np.repeat(f, count)
            ppy = np.repeat(py, count)
            ppx = np.repeat(start_px, count) + (np.arange(total) - np.repeat(np.cumsum(count) - count, count))
            for s0 in range(0, total, _BATCH_SAMPLES):
                sl = slice(s0, s0 + _BATCH_SAMPLES)
                resolve(pf[sl], ppx[sl], ppy[sl])
    return fbuf.reshape(height, width), bbuf.reshape(height, width, 2)


def render(parts: list[RenderPart], size: int = 800, supersample: int = 2,
           yaw: float = -35.0, pitch: float = 20.0, margin: float = 0.08) -> Image.Image:
    """Render ``parts`` (Y up) from a three-quarter view above, orthographic, into an RGB image."""
    rot = _rotation(yaw, pitch)
    full = size * supersample
    verts, faces_all = [], []
    count = 0
    for part in parts:
        v = np.asarray(part.vertices, dtype=np.float64) @ rot.T
        verts.append(v)
        faces_all.append(np.asarray(part.faces, dtype=np.int64) + count)
        count += len(v)
    if not parts or count == 0:
        return _background(size)
    v = np.concatenate(verts)
    faces = np.concatenate(faces_all)
    lo, hi = v[:, :2].min(axis=0), v[:, :2].max(axis=0)
    extent = float(max(hi[0] - lo[0], hi[1] - lo[1], 1e-12))
    scale = full * (1.0 - 2 * margin) / extent
    centre = (lo + hi) / 2.0
    p2 = np.empty((len(v), 2), dtype=np.float64)
    p2[:, 0] = (v[:, 0] - centre[0]) * scale + full / 2.0
    p2[:, 1] = full / 2.0 - (v[:, 1] - centre[1]) * scale
    fbuf, bbuf = _rasterise(p2, v[:, 2].astype(np.float32), faces, full, full)

    image = np.repeat(_gradient(full)[:, None, :], full, axis=1)
    mask = fbuf >= 0
    fid = fbuf[mask]
    w1, w2 = bbuf[mask, 0], bbuf[mask, 1]
    w0 = 1.0 - w1 - w2
    colour = np.empty((len(fid), 3), dtype=np.float32)
    normal = np.empty((len(fid), 3), dtype=np.float32)
    light = np.array([-0.45, 0.65, 0.62])
    light /= np.linalg.norm(light)
    face_start = 0
    for part, vert in zip(parts, verts):
        nf = len(part.faces)
        sel = np.nonzero((fid >= face_start) & (fid < face_start + nf))[0]
        if len(sel):
            faces_p = np.asarray(part.faces, dtype=np.int64)
            tv = vert[faces_p]
            face_n = np.cross(tv[:, 1] - tv[:, 0], tv[:, 2] - tv[:, 0])
            face_n /= np.maximum(np.linalg.norm(face_n, axis=1, keepdims=True), 1e-20)
            smooth = None
            if part.vertex_normals is not None and len(part.vertex_normals) == len(part.vertices):
                vn = np.asarray(part.vertex_normals, dtype=np.float64) @ rot.T
                # smooth shading, except across creases (a box's corners): there the face normal
                smooth = np.ones(nf, dtype=bool)
                for k in range(3):
                    smooth &= np.abs(np.einsum("ij,ij->i", vn[faces_p[:, k]], face_n)) >= 0.8
            local = fid[sel] - face_start
            tri = faces_p[local]
            b0, b1, b2 = w0[sel, None], w1[sel, None], w2[sel, None]
            fn = face_n[local]
            n = fn.copy()
            if smooth is not None:
                use = np.nonzero(smooth[local])[0]
                t = tri[use]
                sn = vn[t[:, 0]] * b0[use] + vn[t[:, 1]] * b1[use] + vn[t[:, 2]] * b2[use]
                sn /= np.maximum(np.linalg.norm(sn, axis=1, keepdims=True), 1e-20)
                sn *= np.where(np.einsum("ij,ij->i", sn, fn[use]) < 0, -1.0, 1.0)[:, None]
                n[use] = sn
            flip = fn[:, 2] < 0  # two-sided: light the side facing the camera
            n[flip] = -n[flip]
            normal[sel] = n
            colour[sel] = _part_colour(part, local, tri, b0, b1, b2)
        face_start += nf
    lambert = np.clip(normal @ light, 0.0, 1.0)
    fill = np.clip(normal[:, 2], 0.0, 1.0)
    shade = 0.28 + 0.62 * lambert + 0.18 * fill
    image[mask] = np.clip(colour * shade[:, None], 0.0, 1.0)
    out = Image.fromarray((image * 255.0 + 0.5).astype(np.uint8), "RGB")
    if supersample > 1:
        out = out.reduce(supersample)
    return out


def _part_colour(part: RenderPart, local, tri, b0, b1, b2) -> np.ndarray:
    if part.texture is not None and part.uv is not None and len(part.uv) == len(part.vertices):
        uv = part.uv[tri[:, 0]] * b0 + part.uv[tri[:, 1]] * b1 + part.uv[tri[:, 2]] * b2
        th, tw = part.texture.shape[:2]
        u = np.mod(uv[:, 0], 1.0)
        vv = np.mod(uv[:, 1], 1.0)
        col = np.clip((u * tw).astype(np.int64), 0, tw - 1)
        row = np.clip(((1.0 - vv) * th).astype(np.int64), 0, th - 1)
        return part.texture[row, col, :3]
    if part.vertex_colors is not None and len(part.vertex_colors) == len(part.vertices):
        vc = part.vertex_colors
        return vc[tri[:, 0]] * b0 + vc[tri[:, 1]] * b1 + vc[tri[:, 2]] * b2
    if part.face_colors is not None and len(part.face_colors) == len(part.faces):
        return part.face_colors[local]
    base = part.color if part.color is not None else CLAY
    return np.broadcast_to(np.asarray(base, dtype=np.float32)[:3], (len(local), 3))


def _gradient(height: int) -> np.ndarray:
    t = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None]
    return BACKGROUND_TOP * (1.0 - t) + BACKGROUND_BOTTOM * t


def _background(size: int) -> Image.Image:
    image = np.repeat(_gradient(size)[:, None, :], size, axis=1)
    return Image.fromarray((image * 255.0 + 0.5).astype(np.uint8), "RGB")
