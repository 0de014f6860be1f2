"""3D files as scanners and modelling tools write them: binary PLY, glTF with an external buffer."""
import trimesh

from ingest.batch import ingest_batch

HEADER = "id,museum,hall,section,title_zh,title_en,files\n"


def test_binary_ply_and_gltf_with_external_buffer(museum_runtime, tmp_path):
    mesh = trimesh.creation.icosphere(subdivisions=2, radius=40.0)
    (tmp_path / "scan.ply").write_bytes(mesh.export(file_type="ply", encoding="binary"))
    assert (tmp_path / "scan.ply").read_bytes()[:3] == b"ply" and b"binary_little_endian" in (tmp_path / "scan.ply").read_bytes()[:200]
    files = trimesh.Scene(mesh).export(file_type="gltf")
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    gltf_name = next(n for n in files if n.endswith(".gltf"))
    buffers = [n for n in files if not n.endswith(".gltf")]
    assert buffers, "the glTF export keeps its buffer in a separate file"
    rows = ["scan,copper,mirrors,,扫描,Scan,scan.ply",
            f"gltf,copper,mirrors,,模型,Model,{';'.join([gltf_name, *buffers])}"]
    (tmp_path / "batch.csv").write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    results = list(ingest_batch(museum_runtime, metadata=tmp_path / "batch.csv"))
    assert [r.status for r in results] == ["ingested"] * len(results), [r.error for r in results]
    from exhibits.models import Item

    with museum_runtime.db.session() as session:
        scan = session.get(Item, "scan").assets[0]
        assert scan.kind == "model" and scan.info["faces"] == len(mesh.faces)
        model = session.get(Item, "gltf")
        assert [a.kind for a in model.assets] == ["model"] + ["companion"] * len(buffers)
        assert model.assets[0].info["faces"] == len(mesh.faces)


def test_a_stray_binary_file_is_still_refused(museum_runtime, tmp_path):
    (tmp_path / "blob.bin").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "batch.csv").write_text(HEADER + "x,copper,mirrors,,块,Blob,blob.bin\n", encoding="utf-8")
    [result] = ingest_batch(museum_runtime, metadata=tmp_path / "batch.csv")
    assert result.status == "failed" and result.error.startswith("blob.bin: unsupported file")
