"""The 3D handler over real public models nobody here made: the assimp test models (Debian's
``assimp-testmodels``, installed by ``make test``), with glTF 2.0 sample models among them.

One batch holds good models (OBJ with its material, PLY with vertex colours or UVs, STL, glTF
with textures, GLB) and broken or unsupported ones; every file gets its own clear result and
the batch goes on. Models whose material colour trimesh stores as one "vertex colour" used to
raise IndexError inside ``merge_vertices`` and end the whole ``jinshi ingest``.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from exhibits.models import Item

MODELS = Path("/usr/share/assimp/models")

#: item id -> (files relative to MODELS, None when it ingests, else a part of its error)
CORPUS = {
    "obj-material": (["OBJ/cube_usemtl.obj", "OBJ/cube_usemtl.mtl"], None),
    "ply-uv": (["PLY/cube_uv.ply"], None),
    "ply-float-colour": (["PLY/float-color.ply"], None),
    "stl-two-solids": (["STL/triangle_with_two_solids.stl"], None),
    "gltf-textured": (["glTF2/BoxTextured-glTF/BoxTextured.gltf", "glTF2/BoxTextured-glTF/BoxTextured0.bin",
                       "glTF2/BoxTextured-glTF/CesiumLogoFlat.png"], None),
    "glb-textured": (["glTF2/BoxTextured-glTF-Binary/BoxTextured.glb"], None),
    # each of these four raised IndexError/ValueError in trimesh before the attributes were repaired
    "glb-bad-normals": (["glTF2/BoxBadNormals-glTF-Binary/BoxBadNormals.glb"], None),
    "gltf-morph": (["glTF2/glTF-Sample-Models/AnimatedMorphCube-glTF/AnimatedMorphCube.gltf",
                    "glTF2/glTF-Sample-Models/AnimatedMorphCube-glTF/AnimatedMorphCube.bin"], None),
    "gltf-texcoord-crash": (["glTF2/issue_3269/texcoord_crash.gltf"], None),
    "obj-malformed": (["invalid/malformed.obj"], "could not read the OBJ file"),
    "obj-points": (["OBJ/point_cloud.obj"], "points or lines but no triangles"),
    "gltf-index-out-of-range": (["glTF2/IndexOutOfRange/IndexOutOfRange.gltf", "glTF2/IndexOutOfRange/IndexOutOfRange.bin"],
                                "faces that refer to vertices it does not have"),
    "gltf-version-1": (["glTF/TwoBoxes/TwoBoxes.gltf"], "glTF version 1.0 is not supported"),
    "gltf-draco": (["glTF2/draco/2CylinderEngine.gltf"], "Draco mesh compression"),
    "glb-infinites": (["glTF2/BoxWithInfinites-glTF-Binary/BoxWithInfinites.glb"], "no usable triangles remain"),
    "ply-truncated": (["PLY/pond.0.ply"], "truncated or forged"),
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    assert MODELS.is_dir(), "install Debian's assimp-testmodels (make test does)"
    folder = tmp_path_factory.mktemp("public-models")
    rows = []
    for item_id, (files, _) in CORPUS.items():
        names = []
        for name in files:
            target = folder / item_id / Path(name).name
            target.parent.mkdir(exist_ok=True)
            shutil.copy(MODELS / name, target)
            names.append(f"{item_id}/{target.name}")
        rows.append(f"{item_id},ich,crafts,,{item_id},{item_id},{';'.join(names)}")
    (folder / "batch.csv").write_text("id,museum,hall,section,title_zh,title_en,files\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return folder


def test_public_models_each_get_a_result_and_the_batch_goes_on(museum_runtime, corpus):
    from ingest.batch import ingest_batch

    results = list(ingest_batch(museum_runtime, metadata=corpus / "batch.csv"))
    by_item: dict[str, list] = {}
    for result in results:
        by_item.setdefault(result.item, []).append(result)
    assert set(by_item) == set(CORPUS)
    for item_id, (_, expected_error) in CORPUS.items():
        first = by_item[item_id][0]
        if expected_error is None:
            assert {r.status for r in by_item[item_id]} == {"ingested"}, (item_id, first.error)
        else:
            assert first.status == "failed", item_id
            assert first.error.startswith(Path(first.file).name + ": ") and expected_error in first.error, first.error
    with museum_runtime.db.session() as session:
        items = {i.id: i for i in session.scalars(select(Item))}
        for item_id, (_, expected_error) in CORPUS.items():
            assert items[item_id].visible is (expected_error is None), item_id
        model = next(a for a in items["gltf-textured"].assets if a.kind == "model")
        assert model.info["textured"] and model.info["faces"] == 12
        assert next(a for a in items["ply-float-colour"].assets if a.kind == "model").info["has_colors"]
        bad_normals = next(a for a in items["glb-bad-normals"].assets if a.kind == "model")
        assert "spread a single colour over the 24 vertices" in bad_normals.info["repairs"]
        for asset in (a for i in items.values() for a in i.assets if a.kind == "model"):
            for name in ("model.glb", "model-web.glb", "thumbnail.jpg"):
                assert museum_runtime.store.derivative_path(asset.sha256, name).stat().st_size > 0


def test_attributes_that_do_not_match_the_mesh_are_dropped_with_a_warning():
    """A COLOR_0 or custom attribute of the wrong count would make merge_vertices raise IndexError."""
    import numpy as np
    import trimesh

    from media.models3d import repair_attributes

    mesh = trimesh.creation.box()
    mesh.visual = trimesh.visual.ColorVisuals(mesh)
    mesh.visual._data["vertex_colors"] = np.full((5, 4), 200, dtype=np.uint8)  # 5 colours for 8 vertices
    mesh.vertex_attributes["_TEMPERATURE"] = np.zeros(3)
    messages = repair_attributes(mesh)
    assert messages == {
        "dropped vertex colors that do not match the mesh (5 values for 8 vertices)": True,
        "dropped vertex attribute _TEMPERATURE that does not match the mesh (3 values for 8 vertices)": True,
    }
    mesh.merge_vertices()  # raised IndexError before the repair
    mesh.update_vertices(np.ones(len(mesh.vertices), dtype=bool))
    assert len(mesh.vertices) == 8
