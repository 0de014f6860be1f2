"""3D models: read OBJ/PLY/STL/glTF/GLB/ZIP bundles, normalise to glTF 2.0 (GLB), make a web LOD and a thumbnail.

``probe_model`` reads a model and reports what it is; ``make_model_derivatives`` writes

- ``model.glb``: the whole model, centred on its bounding box, Y up, in metres (glTF's unit);
- ``model-web.glb``: decimated (quadric, fast-simplification) to the triangle and byte budgets;
- ``thumbnail.jpg``: 800×800, rendered in software (``media.meshrender``), no GPU;

and returns facts for the catalogue. Hostile input is refused with a :class:`MediaError` before
anything large is allocated: zip slip, zip bombs, forged GLB chunk lengths, PLY headers that
declare more elements than the file can hold. Vertices with NaN/inf coordinates are removed and
noted in ``facts["repairs"]``; textures an OBJ names but nobody supplied are noted in
``facts["warnings"]`` and the model is ingested untextured.

Source units are unknown for OBJ, PLY and STL: millimetres are assumed (3D scanners and CAD
tools mostly write millimetres) unless the caller says otherwise; glTF is metres by definition.
OBJ and glTF are Y-up by convention; STL and PLY (scanners, CAD) are taken as Z-up.
"""
from __future__ import annotations

import io
import json
import logging
import math
import posixpath
import re
import struct
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from urllib.parse import unquote

import numpy as np
from PIL import Image

from .errors import MediaError, UnsupportedMedia
from .model_checks import MAX_FACES, check_glb, check_gltf_document, check_ply, extract_zip
from .store import atomic_path

log = logging.getLogger(__name__)

THUMBNAIL_SIZE = 800

FORMATS = ("obj", "ply", "stl", "gltf", "glb", "zip")
_TO_METRES = {"mm": 0.001, "cm": 0.01, "m": 1.0, "in": 0.0254, "ft": 0.3048}
_DEFAULT_UP = {"obj": "Y", "gltf": "Y", "glb": "Y", "ply": "Z", "stl": "Z"}
_IMAGE_EXTS = (".png", ".jpg", ".jpeg", ".bmp", ".tga", ".tif", ".tiff", ".webp", ".gif")


@dataclass(frozen=True)
class ModelInfo:
    source_format: str  # obj, ply, stl, gltf, glb; "zip:obj" for a bundle
    vertices: int
    faces: int
    bounds: list  # [[minx, miny, minz], [maxx, maxy, maxz]] in source units and axes
    units: str  # source units: "mm" (assumed unless known), "m" for glTF
    units_assumed: bool
    up_axis: str  # source up axis, "Y" or "Z"
    textured: bool
    has_colors: bool
    meshes: int
    warnings: tuple[str, ...] = ()
    repairs: tuple[str, ...] = ()


@dataclass
class _Model:
    meshes: list  # trimesh.Trimesh, transforms baked in
    source_format: str
    units: str
    units_assumed: bool
    up_axis: str
    warnings: list[str] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)


# ----------------------------------------------------------------------------- detection


def detect_format(path: Path) -> str | None:
    """The model format of ``path`` judged by its bytes, or None."""
    size = path.stat().st_size
    with open(path, "rb") as handle:
        head = handle.read(4096)
    if head[:4] == b"glTF":
        return "glb"
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return "zip"
    if head[:3] == b"ply" and head[3:4] in (b"\n", b"\r"):
        return "ply"
    if len(head) >= 84:
        (count,) = struct.unpack_from("<I", head, 80)
        if 84 + 50 * count == size and count > 0:
            return "stl"
    if b"\x00" in head:
        return None
    text = head.decode("utf-8", "replace").lstrip("\ufeff \t\r\n")
    if text[:5].lower() == "solid" and "facet" in text:
        return "stl"
    if text.startswith("{"):
        return "gltf"
    if re.search(r"(?m)^\s*(v|f)\s+-?[\d.]", text):
        return "obj"
    return None


# ----------------------------------------------------------------------------- companions


class _Companions:
    """A trimesh resolver over the files supplied with a model, keyed by the names the model uses."""

    def __init__(self, files: dict[str, Path] | None, base: str = "", shared: dict | None = None) -> None:
        self.files = {self._norm(k): Path(v) for k, v in (files or {}).items()}
        self.by_base: dict[str, Path] = {}
        for key, value in self.files.items():
            self.by_base.setdefault(posixpath.basename(key).lower(), value)
        self.base = base
        self.log = shared if shared is not None else {"missing": [], "used": []}

    @staticmethod
    def _norm(name: str) -> str:
        name = unquote(str(name).strip().strip('"')).replace("\\", "/")
        while name.startswith("./"):
            name = name[2:]
        return name

    def lookup(self, name: str) -> Path | None:
        n = self._norm(name)
        candidates = [n]
        if self.base:
            candidates.append(posixpath.normpath(posixpath.join(self.base, n)))
        for candidate in candidates:
            if candidate in self.files:
                return self.files[candidate]
        return self.by_base.get(posixpath.basename(n).lower())

    # the trimesh Resolver protocol
    def get(self, name: str) -> bytes:
        path = self.lookup(name)
        if path is None or not path.is_file():
            self.log["missing"].append(str(name))
            raise KeyError(name)
        self.log["used"].append(str(name))
        return path.read_bytes()

    def namespaced(self, namespace: str) -> "_Companions":
        return _Companions({k: v for k, v in self.files.items()}, posixpath.join(self.base, namespace), self.log)

    def keys(self):
        return self.files.keys()

    def write(self, name, data):  # pragma: no cover - never used for reading
        raise MediaError("writing companion files is not supported")

    def __getitem__(self, name: str) -> bytes:
        return self.get(name)

    def __contains__(self, name: str) -> bool:
        return self.lookup(name) is not None


def _make_resolver(companions: _Companions):
    import trimesh.resolvers

    class Resolver(trimesh.resolvers.Resolver):
        def __init__(self, inner: _Companions) -> None:
            self.inner = inner

        def get(self, name):
            return self.inner.get(name)

        def namespaced(self, namespace):
            return Resolver(self.inner.namespaced(namespace))

        def keys(self):
            return self.inner.keys()

        def write(self, name, data):
            return self.inner.write(name, data)

    return Resolver(companions)


# ----------------------------------------------------------------------------- loading


def _load(path: Path, companions: dict[str, Path] | None, source_format: str | None = None,
          units: str | None = None, up_axis: str | None = None) -> _Model:
    path = Path(path)
    if not path.is_file():
        raise MediaError("the file does not exist")
    if path.stat().st_size == 0:
        raise MediaError("the file is empty")
    fmt = (source_format or "").lower().lstrip(".") or detect_format(path)
    if fmt is None:
        raise UnsupportedMedia("not a 3D model this system reads (OBJ, PLY, STL, glTF/GLB or a ZIP bundle of them)")
    if fmt not in FORMATS:
        raise UnsupportedMedia(f"3D format {fmt!r} is not supported")
    if fmt == "zip":
        with tempfile.TemporaryDirectory(prefix="jinshi-model-") as tmp:
            chosen, files, inner_fmt, warnings = extract_zip(path, Path(tmp))
            resolver = _Companions(files, posixpath.dirname(chosen))
            model = _load_file(files[chosen], inner_fmt, resolver, units, up_axis)
        model.source_format = f"zip:{inner_fmt}"
        model.warnings[:0] = warnings
        return model
    return _load_file(path, fmt, _Companions(companions), units, up_axis)


def _load_file(path: Path, fmt: str, companions: _Companions, units: str | None, up_axis: str | None) -> _Model:
    import trimesh

    if fmt == "glb":
        check_glb(path)
    elif fmt == "ply":
        check_ply(path)
    elif fmt in ("obj", "gltf"):
        with open(path, "rb") as handle:
            if b"\x00" in handle.read(65536):
                raise MediaError(f"not an {fmt.upper()} file (it holds binary data)")
    if fmt == "gltf":
        try:
            document = json.loads(path.read_bytes().decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise MediaError(f"not a glTF file (its JSON does not parse: {exc})") from None
        check_gltf_document(document)
    resolver = _make_resolver(companions)
    try:
        with open(path, "rb") as handle:
            scene = trimesh.load_scene(handle, file_type=fmt, resolver=resolver, process=False)
    except MediaError:
        raise
    except MemoryError:
        raise MediaError("the model is too large to read") from None
    except KeyError as exc:
        raise MediaError(f"the model needs a file that was not supplied: {exc.args[0]}") from None
    except Exception as exc:  # trimesh raises many kinds for bad input
        raise MediaError(f"could not read the {fmt.upper()} file ({type(exc).__name__}: {exc})") from None

    warnings: list[str] = []
    repairs: list[str] = []
    missing = list(dict.fromkeys(companions.log["missing"]))
    missing_mtl = [m for m in missing if m.lower().endswith(".mtl")]
    missing_tex = [m for m in missing if m.lower().endswith(_IMAGE_EXTS)]
    for name in missing_mtl:
        warnings.append(f"material library {name} was not supplied; the model is ingested untextured")
    for name in missing_tex:
        warnings.append(f"texture {name} was not supplied; the model is ingested without it")
    for name in missing:
        if name not in missing_mtl and name not in missing_tex:
            warnings.append(f"file {name} referenced by the model was not supplied")

    try:
        geometries = scene.dump(concatenate=False)
    except Exception as exc:
        raise MediaError(f"could not read the {fmt.upper()} scene ({exc})") from None
    meshes = [g for g in geometries if isinstance(g, trimesh.Trimesh)]
    others = [g for g in geometries if not isinstance(g, trimesh.Trimesh)]
    if not meshes or sum(len(m.faces) for m in meshes) == 0:
        if others:
            raise MediaError("the file holds points or lines but no triangles (a point cloud?); a mesh is needed")
        raise MediaError(f"the file holds no triangles (not a {fmt.upper()} mesh, or an empty one)")
    if others:
        warnings.append(f"{len(others)} non-mesh geometries (points, lines) were left out")

    nan_vertices = nan_faces = degenerate = 0
    attribute_repairs: dict[str, bool] = {}  # ordered set of messages: is it a warning?
    kept = []
    for mesh in meshes:
        attribute_repairs.update(repair_attributes(mesh))
        faces = np.asarray(mesh.faces)
        if len(faces) and (faces.min() < 0 or faces.max() >= len(mesh.vertices)):
            raise MediaError("the mesh has faces that refer to vertices it does not have")
        finite = np.isfinite(np.asarray(mesh.vertices)).all(axis=1)
        if not finite.all():
            bad_faces = ~finite[faces].all(axis=1)
            nan_vertices += int((~finite).sum())
            nan_faces += int(bad_faces.sum())
            mesh.update_faces(~bad_faces)
            mesh.remove_unreferenced_vertices()
            if not np.isfinite(np.asarray(mesh.vertices)).all():  # NaNs not used by any face
                mesh.update_vertices(np.isfinite(np.asarray(mesh.vertices)).all(axis=1))
        if missing_mtl and mesh.visual.kind == "texture":
            mesh.visual = trimesh.visual.ColorVisuals(mesh)
        elif mesh.visual.kind == "texture" and _material_image(mesh.visual.material) is None:
            mesh.visual = _untextured(mesh)
        attribute_repairs.update(repair_attributes(mesh))
        if len(mesh.faces) == 0:
            continue
        nondegenerate = mesh.nondegenerate_faces()
        if not nondegenerate.all():
            degenerate += int((~nondegenerate).sum())
            mesh.update_faces(nondegenerate)
        mesh.merge_vertices()
        mesh.remove_unreferenced_vertices()
        if len(mesh.faces):
            kept.append(mesh)
    if nan_vertices:
        repairs.append(f"removed {nan_vertices} vertices with NaN or infinite coordinates "
                       f"and the {nan_faces} faces that used them")
    if degenerate:
        repairs.append(f"removed {degenerate} degenerate (zero-area) faces")
    for message, warn in attribute_repairs.items():
        repairs.append(message)
        if warn:
            warnings.append(message)
    if not kept:
        raise MediaError("no usable triangles remain once invalid (NaN/infinite or degenerate) ones are removed")
    total_faces = sum(len(m.faces) for m in kept)
    if total_faces > MAX_FACES:
        raise MediaError(f"the model has {total_faces} faces, more than the limit of {MAX_FACES}")

    known_units = "m" if fmt in ("gltf", "glb") else None
    unit = (units or known_units or "mm").lower()
    if unit not in _TO_METRES:
        raise ValueError(f"unknown units {unit!r}; use one of {sorted(_TO_METRES)}")
    up = (up_axis or _DEFAULT_UP[fmt]).upper()
    if up not in ("Y", "Z"):
        raise ValueError(f"up axis must be 'Y' or 'Z', not {up!r}")
    return _Model(kept, fmt, unit, units is None and known_units is None, up, warnings, repairs)


def repair_attributes(mesh) -> dict[str, bool]:
    """Make every per-vertex and per-face attribute match the mesh, before trimesh indexes it.

    trimesh indexes colours, texture coordinates and custom attributes by the vertex (or face)
    mask when it merges or removes vertices; one whose length does not match (a glTF material's
    single colour stored as "vertex colours", a COLOR_0 or TEXCOORD accessor of the wrong count)
    raises IndexError deep inside ``merge_vertices``. A single colour is spread to every vertex;
    any other mismatched attribute is dropped. Returns the messages (an ordered set), each with
    whether it is a warning for the curator (a dropped attribute) or only a note of a repair.
    """
    import trimesh

    messages: dict[str, bool] = {}
    vertices, faces = len(mesh.vertices), len(mesh.faces)
    visual = mesh.visual
    data = getattr(visual, "_data", None)
    if isinstance(visual, trimesh.visual.ColorVisuals) and data is not None:
        for key, count, what in (("vertex_colors", vertices, "vertices"), ("face_colors", faces, "faces")):
            if key not in data:
                continue
            values = np.asarray(data[key])
            if values.ndim == 1 and len(values) in (3, 4):  # one colour for the whole mesh
                rgba = np.append(values, 255)[:4] if len(values) == 3 else values
                data[key] = np.tile(np.asarray(rgba, dtype=np.uint8), (count, 1))
                messages[f"spread a single colour over the {count} {what}"] = False
            elif values.ndim != 2 or len(values) != count:
                del data[key]
                messages[f"dropped {key.replace('_', ' ')} that do not match the mesh "
                         f"({len(values)} values for {count} {what})"] = True
    elif isinstance(visual, trimesh.visual.TextureVisuals):
        uv = getattr(visual, "uv", None)
        if uv is not None and (np.asarray(uv).ndim != 2 or len(uv) != vertices):
            material = visual.material
            mesh.visual = trimesh.visual.ColorVisuals(mesh)
            colour = getattr(material, "main_color", None)
            if colour is not None and len(colour) == 4:
                mesh.visual.vertex_colors = np.tile(np.asarray(colour, dtype=np.uint8), (vertices, 1))
            messages[f"dropped texture coordinates that do not match the mesh "
                     f"({len(uv)} for {vertices} vertices); the model is ingested untextured"] = True
    for key in list(getattr(mesh, "vertex_attributes", {}) or {}):
        values = mesh.vertex_attributes[key]
        if len(np.asarray(values)) != vertices:
            del mesh.vertex_attributes[key]
            messages[f"dropped vertex attribute {key} that does not match the mesh "
                     f"({len(values)} values for {vertices} vertices)"] = True
    for key in list(getattr(mesh, "face_attributes", {}) or {}):
        values = mesh.face_attributes[key]
        if len(np.asarray(values)) != faces:
            del mesh.face_attributes[key]
            messages[f"dropped face attribute {key} that does not match the mesh "
                     f"({len(values)} values for {faces} faces)"] = True
    return messages


def _material_image(material):
    if material is None:
        return None
    image = getattr(material, "image", None)
    if image is None:
        image = getattr(material, "baseColorTexture", None)
    return image


def _untextured(mesh):
    import trimesh

    try:
        return mesh.visual.to_color()
    except Exception:
        return trimesh.visual.ColorVisuals(mesh)


def _is_textured(mesh) -> bool:
    return (mesh.visual.kind == "texture" and getattr(mesh.visual, "uv", None) is not None
            and _material_image(mesh.visual.material) is not None)


def _has_colors(mesh) -> bool:
    return mesh.visual.kind in ("vertex", "face")


def _bounds(meshes) -> np.ndarray:
    lo = np.min([m.bounds[0] for m in meshes], axis=0)
    hi = np.max([m.bounds[1] for m in meshes], axis=0)
    return np.array([lo, hi])


# ----------------------------------------------------------------------------- public API


def probe_model(path: Path, companions: dict[str, Path] | None = None, *, source_format: str | None = None,
                units: str | None = None, up_axis: str | None = None) -> ModelInfo:
    """Read a model and describe it; raises MediaError for a file that cannot be ingested."""
    model = _load(Path(path), companions, source_format, units, up_axis)
    bounds = _bounds(model.meshes)
    return ModelInfo(
        source_format=model.source_format,
        vertices=int(sum(len(m.vertices) for m in model.meshes)),
        faces=int(sum(len(m.faces) for m in model.meshes)),
        bounds=bounds.tolist(),
        units=model.units,
        units_assumed=model.units_assumed,
        up_axis=model.up_axis,
        textured=any(_is_textured(m) for m in model.meshes),
        has_colors=any(_has_colors(m) for m in model.meshes),
        meshes=len(model.meshes),
        warnings=tuple(model.warnings),
        repairs=tuple(model.repairs),
    )


def make_model_derivatives(source: Path, out_dir_fn: Callable[[str], Path],
                           companions: dict[str, Path] | None = None,
                           web_max_triangles: int = 200_000, web_max_bytes: int = 5_000_000, *,
                           source_format: str | None = None, units: str | None = None,
                           up_axis: str | None = None) -> dict:
    """Write model.glb, model-web.glb and thumbnail.jpg through ``out_dir_fn(name)``; return the facts."""
    model = _load(Path(source), companions, source_format, units, up_axis)
    meshes = model.meshes
    _normalise(meshes, model.units, model.up_axis)

    facts: dict = {"source_format": model.source_format}
    vertices = int(sum(len(m.vertices) for m in meshes))
    faces = int(sum(len(m.faces) for m in meshes))
    bounds_mm = _bounds(meshes) * 1000.0
    extents_mm = bounds_mm[1] - bounds_mm[0]
    facts.update(
        vertices=vertices,
        faces=faces,
        meshes=len(meshes),
        bounds_mm=np.round(bounds_mm, 4).tolist(),
        extents_mm=np.round(extents_mm, 4).tolist(),
        watertight=_watertight(meshes),
        units=model.units,
        units_assumed=model.units_assumed,
        up_axis="Y",
        source_up_axis=model.up_axis,
        textured=any(_is_textured(m) for m in meshes),
        has_colors=any(_has_colors(m) for m in meshes),
    )
    warnings = list(model.warnings)
    if model.units_assumed:
        biggest = float(extents_mm.max())
        if biggest < 1.0:
            warnings.append(f"the model is only {biggest:.3g} mm across in the assumed millimetres; "
                            "if its units are metres, ingest it again with units='m'")
        elif biggest > 100_000:
            warnings.append(f"the model is {biggest / 1000:.3g} m across in the assumed millimetres; "
                            "check its units")

    full = _export_glb(meshes, model, web=False)
    with atomic_path(out_dir_fn("model.glb")) as tmp:
        tmp.write_bytes(full)
    facts["full_bytes"] = len(full)

    web_meshes, web = _web_lod(meshes, model, web_max_triangles, web_max_bytes, warnings, full_bytes=len(full))
    with atomic_path(out_dir_fn("model-web.glb")) as tmp:
        tmp.write_bytes(web)
    facts["web_bytes"] = len(web)
    facts["web_faces"] = int(sum(len(m.faces) for m in web_meshes))
    facts["web_vertices"] = int(sum(len(m.vertices) for m in web_meshes))

    image = render_thumbnail(web_meshes, THUMBNAIL_SIZE)
    with atomic_path(out_dir_fn("thumbnail.jpg")) as tmp:
        image.save(tmp, format="JPEG", quality=88, optimize=True)
    facts["thumbnail"] = {"width": image.width, "height": image.height}
    facts["derivatives"] = {"full": "model.glb", "web": "model-web.glb", "thumbnail": "thumbnail.jpg"}
    facts["repairs"] = list(model.repairs)
    facts["warnings"] = warnings
    return facts


# ----------------------------------------------------------------------------- processing


def _normalise(meshes, units: str, up_axis: str) -> None:
    """Bake in metres, Y up, centred on the bounding box (in place)."""
    scale = _TO_METRES[units]
    matrix = np.eye(4) * scale
    matrix[3, 3] = 1.0
    if up_axis == "Z":  # (x, y, z) -> (x, z, -y): rotate -90 degrees about X
        rotate = np.array([[1, 0, 0, 0], [0, 0, 1, 0], [0, -1, 0, 0], [0, 0, 0, 1]], dtype=float)
        matrix = rotate @ matrix
    for mesh in meshes:
        mesh.apply_transform(matrix)
    bounds = _bounds(meshes)
    centre = (bounds[0] + bounds[1]) / 2.0
    for mesh in meshes:
        mesh.apply_translation(-centre)


def _watertight(meshes) -> bool:
    import trimesh

    if len(meshes) == 1 and not _is_textured(meshes[0]):  # vertices already merged by position
        return bool(meshes[0].is_watertight)
    offsets = np.cumsum([0] + [len(m.vertices) for m in meshes[:-1]])
    merged = trimesh.Trimesh(
        vertices=np.concatenate([m.vertices for m in meshes]),
        faces=np.concatenate([m.faces + o for m, o in zip(meshes, offsets)]),
        process=False,
    )
    merged.merge_vertices(merge_tex=True, merge_norm=True)
    return bool(merged.is_watertight)


def _export_glb(meshes, model: _Model, web: bool) -> bytes:
    import trimesh

    scene = trimesh.Scene()
    for index, mesh in enumerate(meshes):
        scene.add_geometry(mesh, geom_name=f"mesh{index}")

    def postprocess(tree):
        asset = tree.setdefault("asset", {"version": "2.0"})
        asset["generator"] = "Jinshi (trimesh)"
        asset["extras"] = {"source_format": model.source_format, "source_units": model.units,
                           "units_assumed": model.units_assumed, "source_up_axis": model.up_axis,
                           "lod": "web" if web else "full"}

    try:
        return trimesh.exchange.gltf.export_glb(scene, include_normals=True, tree_postprocessor=postprocess)
    except Exception as exc:
        raise MediaError(f"could not write the glTF model ({type(exc).__name__}: {exc})") from None


def _decimate(mesh, target: int):
    """Quadric decimation to about ``target`` faces, carrying colours and UVs over by nearest vertex."""
    import trimesh
    from scipy.spatial import cKDTree

    if target >= len(mesh.faces):
        return mesh.copy()
    simple = mesh.simplify_quadric_decimation(face_count=max(int(target), 4))
    simple.remove_unreferenced_vertices()
    if len(simple.faces) == 0:
        return mesh.copy()
    kind = mesh.visual.kind
    if kind == "vertex" or (kind == "texture" and _is_textured(mesh)):
        _, nearest = cKDTree(mesh.vertices).query(simple.vertices, workers=-1)
        if kind == "vertex":
            simple.visual = trimesh.visual.ColorVisuals(simple, vertex_colors=mesh.visual.vertex_colors[nearest])
        else:
            simple.visual = trimesh.visual.TextureVisuals(uv=mesh.visual.uv[nearest], material=mesh.visual.material)
    elif kind == "face":
        _, nearest = cKDTree(mesh.triangles_center).query(simple.triangles_center, workers=-1)
        simple.visual = trimesh.visual.ColorVisuals(simple, face_colors=mesh.visual.face_colors[nearest])
    elif kind == "texture":
        simple.visual = trimesh.visual.ColorVisuals(simple)
    return simple


def _web_material(material, max_side: int):
    """A copy of ``material`` whose texture is at most ``max_side`` pixels and JPEG-encoded when opaque."""
    import copy

    image = _material_image(material)
    if image is None:
        return material
    image = image.copy() if hasattr(image, "copy") else image
    if max(image.size) > max_side:
        image.thumbnail((max_side, max_side), Image.LANCZOS)
    has_alpha = image.mode in ("RGBA", "LA") and image.getextrema()[-1][0] < 255
    buffer = io.BytesIO()
    if has_alpha:
        image.save(buffer, format="PNG", optimize=True)
    else:
        image.convert("RGB").save(buffer, format="JPEG", quality=85)
    buffer.seek(0)
    encoded = Image.open(buffer)
    encoded.load()
    new = copy.copy(material)
    if hasattr(new, "baseColorTexture") and getattr(new, "baseColorTexture", None) is not None:
        new.baseColorTexture = encoded
    else:
        new.image = encoded
    return new


def _web_lod(meshes, model: _Model, max_faces: int, max_bytes: int, warnings: list[str],
             full_bytes: int | None = None):
    import trimesh

    total = sum(len(m.faces) for m in meshes)
    target = min(max_faces, total)
    if full_bytes and full_bytes > max_bytes:
        # the full export tells how many bytes a face costs: aim under the byte budget at once
        geometry_bytes = max(full_bytes - sum(_texture_bytes(m) for m in meshes), full_bytes // 4)
        target = min(target, int(max_bytes * 0.97 / (geometry_bytes / total)))
    texture_side = 2048
    best = None
    for _ in range(8):
        web_meshes = []
        for mesh in meshes:
            share = target * len(mesh.faces) / total
            out = _decimate(mesh, int(math.floor(share))) if target < total else mesh.copy()
            if _is_textured(mesh) and out.visual.kind == "texture":
                out.visual = trimesh.visual.TextureVisuals(uv=out.visual.uv,
                                                           material=_web_material(mesh.visual.material, texture_side))
            web_meshes.append(out)
        data = _export_glb(web_meshes, model, web=True)
        faces = sum(len(m.faces) for m in web_meshes)
        best = (web_meshes, data)
        if len(data) <= max_bytes and faces <= max_faces:
            return best
        if faces > max_faces:
            target = int(target * max_faces / faces * 0.98)
        if len(data) > max_bytes:
            texture_bytes = sum(_texture_bytes(m) for m in web_meshes)
            if texture_bytes > 0.4 * len(data) and texture_side > 256:
                texture_side //= 2
            else:
                target = int(min(target, faces) * max_bytes / len(data) * 0.95)
        target = max(target, 4)
    warnings.append(f"the web version could not be brought under {max_bytes} bytes "
                    f"({len(best[1])} bytes, {sum(len(m.faces) for m in best[0])} faces)")
    return best


def _texture_bytes(mesh) -> int:
    if mesh.visual.kind != "texture":
        return 0
    image = _material_image(mesh.visual.material)
    if image is None:
        return 0
    width, height = image.size
    return width * height // 4  # rough size of an encoded texture


def render_thumbnail(meshes, size: int = THUMBNAIL_SIZE) -> Image.Image:
    """Render normalised (Y-up) trimesh meshes to a ``size``×``size`` RGB image."""
    from .meshrender import RenderPart, render

    parts = []
    for mesh in meshes:
        part = RenderPart(vertices=np.asarray(mesh.vertices), faces=np.asarray(mesh.faces),
                          vertex_normals=np.asarray(mesh.vertex_normals))
        kind = mesh.visual.kind
        if kind == "texture":
            image = _material_image(mesh.visual.material)
            if image is not None and mesh.visual.uv is not None:
                image = image.convert("RGB")
                if max(image.size) > 1024:
                    image = image.copy()
                    image.thumbnail((1024, 1024))
                part.texture = np.asarray(image, dtype=np.float32) / 255.0
                part.uv = np.asarray(mesh.visual.uv, dtype=np.float64)
            else:
                part.color = _main_color(mesh.visual.material)
        elif kind == "vertex":
            part.vertex_colors = np.asarray(mesh.visual.vertex_colors[:, :3], dtype=np.float32) / 255.0
        elif kind == "face":
            part.face_colors = np.asarray(mesh.visual.face_colors[:, :3], dtype=np.float32) / 255.0
        parts.append(part)
    return render(parts, size=size)


def _main_color(material):
    try:
        return np.asarray(material.main_color[:3], dtype=np.float32) / 255.0
    except Exception:
        return None
