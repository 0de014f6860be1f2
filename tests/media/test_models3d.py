"""media.models3d: every accepted format, normalisation, web LOD, thumbnail, and hostile input."""
from __future__ import annotations

import json
import struct
import zipfile
from pathlib import Path

import numpy as np
import pytest
import trimesh
from PIL import Image

from media import model_checks, models3d
from media.errors import MediaError
from media.models3d import make_model_derivatives, probe_model
from media.store import MediaStore


def _out(tmp_path: Path):
    folder = tmp_path / "derivatives"
    folder.mkdir(exist_ok=True)
    return lambda name: folder / name


def _textured_box(folder: Path, colour=(200, 40, 40)) -> tuple[Path, dict[str, Path]]:
    box = trimesh.creation.box(extents=(30, 20, 10))
    uv = np.random.default_rng(1).random((len(box.vertices), 2))
    box.visual = trimesh.visual.TextureVisuals(uv=uv, image=Image.new("RGB", (64, 64), colour))
    obj, files = trimesh.exchange.obj.export_obj(box, include_texture=True, return_texture=True,
                                                mtl_name="vase.mtl")
    (folder / "vase.obj").write_text(obj)
    companions = {}
    for name, data in files.items():
        (folder / name).write_bytes(data)
        companions[name] = folder / name
    return folder / "vase.obj", companions


def _coloured_sphere(subdivisions=3) -> trimesh.Trimesh:
    mesh = trimesh.creation.icosphere(subdivisions=subdivisions, radius=50.0)
    colours = np.c_[(mesh.vertices / 100 + 0.5) * 255, np.full(len(mesh.vertices), 255)]
    mesh.visual.vertex_colors = colours.astype(np.uint8)
    return mesh


def _load_glb(path: Path) -> trimesh.Scene:
    scene = trimesh.load(path, file_type="glb")
    assert isinstance(scene, trimesh.Scene)
    return scene


# ----------------------------------------------------------------------------- formats


def test_textured_obj_with_mtl_and_png(tmp_path):
    obj, companions = _textured_box(tmp_path)
    info = probe_model(obj, companions)
    assert info.source_format == "obj" and info.textured and info.faces == 12
    facts = make_model_derivatives(obj, _out(tmp_path), companions)
    assert facts["textured"] is True and facts["warnings"] == []
    assert facts["units"] == "mm" and facts["units_assumed"] is True
    assert facts["extents_mm"] == pytest.approx([30, 20, 10])
    assert np.allclose(facts["bounds_mm"], [[-15, -10, -5], [15, 10, 5]])
    assert facts["watertight"] is True
    full = _load_glb(tmp_path / "derivatives" / "model.glb")
    (mesh,) = full.geometry.values()
    assert mesh.visual.kind == "texture" and mesh.visual.material.baseColorTexture is not None
    # written in metres, centred
    assert mesh.extents == pytest.approx([0.03, 0.02, 0.01], rel=1e-4)
    assert np.abs(mesh.bounds.mean(axis=0)).max() < 1e-6
    thumb = Image.open(tmp_path / "derivatives" / "thumbnail.jpg")
    assert thumb.size == (800, 800) and thumb.format == "JPEG"
    # the red texture shows in the middle of the thumbnail; the corner is the neutral background
    r, g, b = thumb.convert("RGB").getpixel((400, 400))
    assert r > g + 40 and r > b + 40
    cr, cg, cb = thumb.convert("RGB").getpixel((5, 5))
    assert abs(cr - cg) < 12 and abs(cg - cb) < 12 and cr > 180


def test_obj_missing_texture_is_ingested_untextured_with_warning(tmp_path):
    obj, companions = _textured_box(tmp_path)
    del companions["material_0.png"]
    facts = make_model_derivatives(obj, _out(tmp_path), companions)
    assert facts["textured"] is False
    assert any("material_0.png" in w for w in facts["warnings"])
    assert (tmp_path / "derivatives" / "model-web.glb").stat().st_size > 0


def test_obj_missing_mtl_is_ingested_untextured_with_warning(tmp_path):
    obj, _ = _textured_box(tmp_path)
    facts = make_model_derivatives(obj, _out(tmp_path), {})
    assert facts["textured"] is False
    assert any("vase.mtl" in w for w in facts["warnings"])


def test_ply_with_vertex_colours_is_z_up_and_keeps_colours(tmp_path):
    mesh = _coloured_sphere()
    mesh.apply_scale([1.0, 1.0, 2.0])  # tall along Z, as a scanner would write it
    path = tmp_path / "scan.ply"
    path.write_bytes(trimesh.exchange.ply.export_ply(mesh, encoding="binary"))
    info = probe_model(path)
    assert info.source_format == "ply" and info.has_colors and info.up_axis == "Z"
    facts = make_model_derivatives(path, _out(tmp_path))
    assert facts["source_up_axis"] == "Z" and facts["up_axis"] == "Y"
    assert facts["extents_mm"] == pytest.approx([100, 200, 100], rel=1e-3)  # Z became Y
    (glb,) = _load_glb(tmp_path / "derivatives" / "model.glb").geometry.values()
    assert glb.visual.kind == "vertex"
    assert len(np.unique(glb.visual.vertex_colors[:, :3], axis=0)) > 100


@pytest.mark.parametrize("encoding", ["ascii", "binary"])
def test_stl_ascii_and_binary(tmp_path, encoding):
    mesh = trimesh.creation.cylinder(radius=10, height=40, sections=48)
    path = tmp_path / f"part-{encoding}.stl"
    if encoding == "ascii":
        path.write_text(trimesh.exchange.stl.export_stl_ascii(mesh))
    else:
        path.write_bytes(trimesh.exchange.stl.export_stl(mesh))
    assert models3d.detect_format(path) == "stl"
    facts = make_model_derivatives(path, _out(tmp_path))
    assert facts["source_format"] == "stl"
    assert facts["faces"] == len(mesh.faces)
    assert facts["vertices"] == len(mesh.vertices)  # STL's unshared vertices were merged
    assert facts["watertight"] is True
    assert facts["extents_mm"] == pytest.approx([20, 40, 20], rel=1e-2)


def test_glb_is_metres_and_y_up(tmp_path):
    mesh = _coloured_sphere()
    mesh.apply_scale(0.001)  # a 10-cm sphere in metres
    path = tmp_path / "thing.glb"
    path.write_bytes(trimesh.Scene(mesh).export(file_type="glb"))
    facts = make_model_derivatives(path, _out(tmp_path))
    assert facts["source_format"] == "glb"
    assert facts["units"] == "m" and facts["units_assumed"] is False
    assert facts["extents_mm"] == pytest.approx([100, 100, 100], rel=1e-2)


def test_gltf_with_external_bin(tmp_path):
    mesh = trimesh.creation.box(extents=(1, 2, 3))
    files = trimesh.Scene(mesh).export(file_type="gltf")
    companions = {}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        if name != "model.gltf":
            companions[name] = tmp_path / name
    assert companions, "the export should have an external buffer"
    info = probe_model(tmp_path / "model.gltf", companions)
    assert info.source_format == "gltf" and info.faces == 12
    with pytest.raises(MediaError, match="not supplied|needs a file"):
        probe_model(tmp_path / "model.gltf", {})


def test_zipped_obj_bundle(tmp_path):
    folder = tmp_path / "src"
    folder.mkdir()
    obj, companions = _textured_box(folder)
    bundle = tmp_path / "bundle.zip"
    with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(obj, "vase/vase.obj")
        for name, path in companions.items():
            archive.write(path, f"vase/{name}")
        archive.writestr("README.txt", "scanned 2024")
    facts = make_model_derivatives(bundle, _out(tmp_path))
    assert facts["source_format"] == "zip:obj"
    assert facts["textured"] is True and facts["faces"] == 12


def test_with_media_store_paths(tmp_path):
    """Originals in the store have no extension: the format comes from the bytes."""
    store = MediaStore(tmp_path / "store")
    source = tmp_path / "in.stl"
    source.write_bytes(trimesh.exchange.stl.export_stl(trimesh.creation.box()))
    stored = store.put_file(source)
    facts = make_model_derivatives(stored.path, lambda n: store.derivative_path(stored.sha256, n))
    for name in ("model.glb", "model-web.glb", "thumbnail.jpg"):
        assert store.derivative_path(stored.sha256, name).is_file()
    assert not list(store.derivative_dir(stored.sha256).glob(".tmp-*"))
    assert facts["source_format"] == "stl"


# ----------------------------------------------------------------------------- web LOD


def test_web_lod_respects_triangle_and_byte_budgets(tmp_path):
    mesh = _coloured_sphere(subdivisions=6)  # 81 920 faces
    path = tmp_path / "big.ply"
    path.write_bytes(trimesh.exchange.ply.export_ply(mesh))
    facts = make_model_derivatives(path, _out(tmp_path), web_max_triangles=10_000, web_max_bytes=400_000)
    assert facts["faces"] == 81_920
    assert facts["web_faces"] <= 10_000 and facts["web_faces"] > 2_000
    assert facts["web_bytes"] <= 400_000
    assert facts["web_bytes"] == (tmp_path / "derivatives" / "model-web.glb").stat().st_size
    assert facts["full_bytes"] > facts["web_bytes"]
    (web,) = _load_glb(tmp_path / "derivatives" / "model-web.glb").geometry.values()
    assert len(web.faces) == facts["web_faces"]
    assert web.visual.kind == "vertex"  # colours carried over to the decimated mesh
    # the decimated sphere still has the sphere's size
    assert web.extents == pytest.approx([0.1, 0.1, 0.1], rel=0.02)


def test_web_lod_byte_budget_alone_forces_decimation(tmp_path):
    mesh = _coloured_sphere(subdivisions=5)  # 20 480 faces, ~0.5 MB GLB
    path = tmp_path / "mid.ply"
    path.write_bytes(trimesh.exchange.ply.export_ply(mesh))
    facts = make_model_derivatives(path, _out(tmp_path), web_max_bytes=150_000)
    assert facts["web_bytes"] <= 150_000 and facts["web_faces"] < 20_480


# ----------------------------------------------------------------------------- repairs and refusals


def test_nan_vertices_are_removed_with_a_note(tmp_path):
    text = "\n".join([
        "v 0 0 0", "v 10 0 0", "v 0 10 0", "v 0 0 10", "v nan 1 1", "v inf 2 2",
        "f 1 2 3", "f 1 2 4", "f 1 3 4", "f 2 3 4", "f 1 2 5", "f 5 6 1",
    ]) + "\n"
    path = tmp_path / "nan.obj"
    path.write_text(text)
    facts = make_model_derivatives(path, _out(tmp_path))
    assert facts["faces"] == 4 and facts["vertices"] == 4
    assert any("NaN" in r for r in facts["repairs"])
    scene = _load_glb(tmp_path / "derivatives" / "model.glb")
    assert all(np.isfinite(g.vertices).all() for g in scene.geometry.values())


def test_all_nan_is_refused(tmp_path):
    path = tmp_path / "allnan.obj"
    path.write_text("v nan 0 0\nv 0 nan 0\nv 0 0 nan\nf 1 2 3\n")
    with pytest.raises(MediaError, match="no usable triangles"):
        probe_model(path)


@pytest.mark.parametrize("content", [
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 20,  # a JPEG called .obj
    b"Dear curator,\nthis is not a mesh.\n",
    b"",
])
def test_non_mesh_called_obj_is_refused(tmp_path, content):
    path = tmp_path / "fake.obj"
    path.write_bytes(content)
    with pytest.raises(MediaError):
        probe_model(path)
    with pytest.raises(MediaError):
        make_model_derivatives(path, _out(tmp_path))
    assert not list((tmp_path / "derivatives").iterdir())


def test_obj_with_vertices_but_no_faces_is_refused(tmp_path):
    path = tmp_path / "points.obj"
    path.write_text("v 0 0 0\nv 1 0 0\nv 0 1 0\n")
    with pytest.raises(MediaError, match="no triangles|points"):
        probe_model(path)


def test_point_cloud_ply_is_refused(tmp_path):
    cloud = trimesh.PointCloud(np.random.default_rng(0).random((100, 3)))
    path = tmp_path / "cloud.ply"
    path.write_bytes(cloud.export(file_type="ply"))
    with pytest.raises(MediaError, match="point cloud|no triangles"):
        probe_model(path)


def test_glb_with_forged_2gb_chunk_is_refused_before_allocation(tmp_path, monkeypatch):
    good = trimesh.Scene(trimesh.creation.box()).export(file_type="glb")
    json_length = struct.unpack_from("<I", good, 12)[0]
    forged = bytearray(good)
    bin_header = 12 + 8 + json_length
    struct.pack_into("<I", forged, bin_header, 2_000_000_000)  # BIN chunk claims 2 GB
    struct.pack_into("<I", forged, 8, 2_000_000_000 + bin_header + 8)  # header agrees with itself
    path = tmp_path / "forged.glb"
    path.write_bytes(bytes(forged))

    def explode(*args, **kwargs):  # the loader must never be reached
        raise AssertionError("trimesh was called on a forged GLB")

    monkeypatch.setattr(trimesh, "load_scene", explode)
    with pytest.raises(MediaError, match="declares"):
        probe_model(path)
    # a chunk longer than a truthful total length is caught as well
    struct.pack_into("<I", forged, 8, len(good))
    path.write_bytes(bytes(forged))
    with pytest.raises(MediaError, match="chunk"):
        probe_model(path)


def test_truncated_glb_is_refused(tmp_path):
    good = trimesh.Scene(trimesh.creation.box()).export(file_type="glb")
    path = tmp_path / "cut.glb"
    path.write_bytes(good[: len(good) // 2])
    with pytest.raises(MediaError):
        probe_model(path)


def test_ply_header_declaring_too_much_is_refused(tmp_path):
    header = (b"ply\nformat binary_little_endian 1.0\nelement vertex 900000000\nproperty float x\n"
              b"property float y\nproperty float z\nelement face 1\nproperty list uchar int vertex_indices\n"
              b"end_header\n")
    path = tmp_path / "liar.ply"
    path.write_bytes(header + b"\x00" * 100)
    with pytest.raises(MediaError, match="PLY"):
        probe_model(path)


@pytest.mark.parametrize("member", ["../evil.obj", "/etc/evil.obj", "a/../../evil.obj", "C:/evil.obj",
                                    "..\\evil.obj"])
def test_zip_slip_is_refused(tmp_path, member):
    bundle = tmp_path / "slip.zip"
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.writestr("ok.obj", "v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n")
        archive.writestr(member, "v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n")
    with pytest.raises(MediaError, match="absolute|climbs|refused"):
        probe_model(bundle)
    assert not (tmp_path / "evil.obj").exists() and not (tmp_path.parent / "evil.obj").exists()


def test_zip_bomb_by_ratio_is_refused(tmp_path):
    bundle = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("model.obj", "v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n")
        archive.writestr("padding.bin", b"\x00" * 30_000_000)  # ~1000:1
    with pytest.raises(MediaError, match="bomb"):
        probe_model(bundle)


def test_zip_bomb_by_total_size_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(model_checks, "ZIP_MAX_TOTAL", 1_000_000)
    rng = np.random.default_rng(0)
    bundle = tmp_path / "big.zip"
    with zipfile.ZipFile(bundle, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("model.obj", "v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n")
        for i in range(3):
            archive.writestr(f"tex{i}.png", rng.bytes(400_000))
    with pytest.raises(MediaError, match="more than"):
        probe_model(bundle)


def test_zip_member_lying_about_its_size_is_refused(tmp_path):
    bundle = tmp_path / "liar.zip"
    payload = b"v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n" * 1000
    with zipfile.ZipFile(bundle, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("model.obj", payload)
    data = bytearray(bundle.read_bytes())
    # shrink the declared uncompressed size in the central directory to 10 bytes
    cd = data.rfind(b"PK\x01\x02")
    struct.pack_into("<I", data, cd + 24, 10)
    bundle.write_bytes(bytes(data))
    with pytest.raises(MediaError):
        probe_model(bundle)


def test_zip_without_model_is_refused(tmp_path):
    bundle = tmp_path / "empty.zip"
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.writestr("notes.txt", "nothing here")
    with pytest.raises(MediaError, match="no 3D model"):
        probe_model(bundle)


def test_zip_is_unpacked_only_into_a_temporary_folder(tmp_path, monkeypatch):
    import tempfile

    made = []
    real = tempfile.TemporaryDirectory

    class Spy(real):
        def __init__(self, *a, **k):
            super().__init__(*a, **k)
            made.append(Path(self.name))

    monkeypatch.setattr(tempfile, "TemporaryDirectory", Spy)
    folder = tmp_path / "src"
    folder.mkdir()
    obj, companions = _textured_box(folder)
    bundle = tmp_path / "b.zip"
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.write(obj, "vase.obj")
        for name, path in companions.items():
            archive.write(path, name)
    before = sorted(p.name for p in tmp_path.iterdir())
    probe_model(bundle)
    assert made and not any(p.exists() for p in made)
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_facts_are_json_serialisable(tmp_path):
    path = tmp_path / "s.stl"
    path.write_bytes(trimesh.exchange.stl.export_stl(trimesh.creation.icosphere()))
    facts = make_model_derivatives(path, _out(tmp_path))
    json.dumps(facts)
    for key in ("vertices", "faces", "bounds_mm", "extents_mm", "watertight", "units", "up_axis",
                "source_format", "full_bytes", "web_bytes", "web_faces", "textured", "repairs", "warnings"):
        assert key in facts


def test_thumbnail_renders_vertex_colours(tmp_path):
    mesh = trimesh.creation.icosphere(subdivisions=3, radius=20)
    mesh.visual.vertex_colors = np.tile([20, 180, 40, 255], (len(mesh.vertices), 1)).astype(np.uint8)
    path = tmp_path / "green.ply"
    path.write_bytes(trimesh.exchange.ply.export_ply(mesh))
    make_model_derivatives(path, _out(tmp_path))
    image = Image.open(tmp_path / "derivatives" / "thumbnail.jpg").convert("RGB")
    r, g, b = image.getpixel((400, 400))
    assert g > r + 50 and g > b + 50


def test_draco_compressed_gltf_is_refused_with_a_clear_message(tmp_path):
    document = {"asset": {"version": "2.0"}, "extensionsUsed": ["KHR_draco_mesh_compression"],
                "extensionsRequired": ["KHR_draco_mesh_compression"], "meshes": []}
    path = tmp_path / "draco.gltf"
    path.write_text(json.dumps(document))
    with pytest.raises(MediaError, match="Draco"):
        probe_model(path)
    # the same inside a GLB
    body = json.dumps(document).encode()
    body += b" " * (-len(body) % 4)
    glb = struct.pack("<4sII", b"glTF", 2, 12 + 8 + len(body)) + struct.pack("<II", len(body), 0x4E4F534A) + body
    path = tmp_path / "draco.glb"
    path.write_bytes(glb)
    with pytest.raises(MediaError, match="Draco"):
        probe_model(path)


def test_textured_model_is_decimated_with_its_texture_and_smaller_texture(tmp_path):
    mesh = trimesh.creation.icosphere(subdivisions=4, radius=40)  # 5120 faces
    uv = (mesh.vertices[:, :2] / 80 + 0.5)
    noise = np.random.default_rng(3).integers(0, 255, (1024, 1024, 3), dtype=np.uint8)
    mesh.visual = trimesh.visual.TextureVisuals(uv=uv, image=Image.fromarray(noise))
    obj, files = trimesh.exchange.obj.export_obj(mesh, include_texture=True, return_texture=True, mtl_name="b.mtl")
    (tmp_path / "ball.obj").write_text(obj)
    companions = {}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        companions[name] = tmp_path / name
    facts = make_model_derivatives(tmp_path / "ball.obj", _out(tmp_path), companions,
                                   web_max_triangles=1000, web_max_bytes=250_000)
    assert facts["textured"] is True
    assert facts["web_faces"] <= 1000 and facts["web_bytes"] <= 250_000
    (web,) = _load_glb(tmp_path / "derivatives" / "model-web.glb").geometry.values()
    assert web.visual.kind == "texture"
    assert max(web.visual.material.baseColorTexture.size) < 1024  # shrunk to fit the byte budget


def test_gltf_scene_with_several_nodes_keeps_their_placement(tmp_path):
    scene = trimesh.Scene()
    a = trimesh.creation.box(extents=(1, 1, 1))
    scene.add_geometry(a, node_name="left", transform=trimesh.transformations.translation_matrix([-2, 0, 0]))
    scene.add_geometry(a, node_name="right", transform=trimesh.transformations.translation_matrix([2, 0, 0]))
    path = tmp_path / "pair.glb"
    path.write_bytes(scene.export(file_type="glb"))
    facts = make_model_derivatives(path, _out(tmp_path))
    assert facts["meshes"] == 2 and facts["faces"] == 24
    assert facts["extents_mm"] == pytest.approx([5000, 1000, 1000])
    assert facts["watertight"] is True
