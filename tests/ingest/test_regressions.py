"""Tests for bugs that, planted one at a time, survived the whole suite before (issue 8)."""
from __future__ import annotations

import json
import os
import stat

import numpy as np
import pytest

from ingest.batch import ingest_batch
from tests.support.media import make_photo


def test_originals_and_derivatives_are_fsynced_and_originals_read_only(tmp_path, monkeypatch):
    from media.store import MediaStore, atomic_path

    synced: list[str] = []
    real = os.fsync

    def spy(fd):
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        return real(fd)

    monkeypatch.setattr(os, "fsync", spy)
    store = MediaStore(tmp_path / "media")
    (tmp_path / "a.jpg").write_bytes(b"\xff\xd8\xff" + b"x" * 1000)
    stored = store.put_file(tmp_path / "a.jpg")
    assert any(".incoming-" in name for name in synced), synced  # the bytes reach the disc before the rename
    mode = stored.path.stat().st_mode
    assert not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)  # originals never change
    synced.clear()
    with atomic_path(store.derivative_path(stored.sha256, "facts.json")) as tmp:
        tmp.write_text("{}")
    assert len(synced) == 1 and ".tmp-" in synced[0]


def test_jinshi_max_image_pixels_is_obeyed(cli, museum_runtime, tmp_path, monkeypatch):
    make_photo(tmp_path / "big.jpg", 600, 500)  # 300 000 pixels
    (tmp_path / "batch.csv").write_text("id,museum,hall,title_zh,files\nbig,ich,crafts,大,big.jpg\n", encoding="utf-8")
    monkeypatch.setenv("JINSHI_MAX_IMAGE_PIXELS", "200000")
    refused = cli("ingest", "--metadata", str(tmp_path / "batch.csv"), "--json")
    assert refused.exit_code == 1
    [line] = [json.loads(x) for x in refused.stdout.splitlines() if x.startswith("{")]
    assert line["status"] == "failed"
    assert line["error"] == "big.jpg: image is 600×500 pixels (0.3 megapixels), over the limit of 0.2 megapixels"
    monkeypatch.setenv("JINSHI_MAX_IMAGE_PIXELS", "400000")
    assert cli("ingest", "--metadata", str(tmp_path / "batch.csv"), "--json").exit_code == 0


#: RightsStatements.org's twelve statements (https://rightsstatements.org/page/1.0/)
STATEMENTS = [
    ("In Copyright", "InC"), ("In Copyright - EU Orphan Work", "InC-OW-EU"),
    ("In Copyright - Educational Use Permitted", "InC-EDU"), ("In Copyright - Non-Commercial Use Permitted", "InC-NC"),
    ("In Copyright - Rights-holder(s) Unlocatable or Unidentifiable", "InC-RUU"),
    ("No Copyright - Contractual Restrictions", "NoC-CR"), ("No Copyright - Non-Commercial Use Only", "NoC-NC"),
    ("No Copyright - Other Known Legal Restrictions", "NoC-OKLR"), ("No Copyright - United States", "NoC-US"),
    ("Copyright Not Evaluated", "CNE"), ("Copyright Undetermined", "UND"), ("No Known Copyright", "NKC"),
]


@pytest.mark.parametrize("name, code", STATEMENTS)
def test_every_rightsstatements_name_and_code_maps_to_its_own_uri(name, code):
    from exhibits.rights import rights_uri

    uri = f"http://rightsstatements.org/vocab/{code}/1.0/"
    assert rights_uri(name) == rights_uri(name.upper()) == rights_uri(f"  {code.lower()} ") == uri
    assert rights_uri(uri.replace("http://", "https://")) == uri


def test_creative_commons_names_map_to_their_licences():
    from exhibits.rights import rights_uri

    assert rights_uri("CC BY-NC 4.0") == "http://creativecommons.org/licenses/by-nc/4.0/"
    assert rights_uri("cc by-sa 3.0") == "http://creativecommons.org/licenses/by-sa/3.0/"
    assert rights_uri("CC0") == "http://creativecommons.org/publicdomain/zero/1.0/"
    assert rights_uri("all rights reserved, ask us") is None


def _manifest(client, item_id):
    from iiif_prezi3 import Manifest

    response = client.get(f"/iiif/items/{item_id}/manifest")
    assert response.status_code == 200
    Manifest(**response.get_json())
    return response.get_json()


def test_manifest_labels_keep_both_languages_and_extra_columns_are_everywhere(client, museum_runtime, tmp_path):
    (tmp_path / "batch.csv").write_text(
        "id,museum,hall,title_zh,title_en,material,material_en,files,捐赠人,Donor note\n"
        "cu-1,copper,mirrors,兽面纹鼎,Ding,青铜,bronze,,张三,given in 1998\n", encoding="utf-8")
    assert [r.status for r in ingest_batch(museum_runtime, metadata=tmp_path / "batch.csv")] == ["ingested"]
    manifest = _manifest(client, "cu-1")
    assert manifest["label"] == {"zh": ["兽面纹鼎"], "en": ["Ding"]}
    entries = {entry["label"].get("en", entry["label"].get("zh"))[0]: entry for entry in manifest["metadata"]}
    assert entries["Material"]["label"]["zh"] == ["质地"] and entries["Material"]["value"] == {"zh": ["青铜"], "en": ["bronze"]}
    assert entries["Museum"]["label"]["zh"] == ["博物馆"] and entries["Museum"]["value"]["zh"] == ["铜陵数字铜博物馆"]
    assert entries["Hall"]["label"]["zh"] == ["展厅"]
    # the CSV's extra columns: in the manifest, in the API record, and searchable
    assert entries["捐赠人"] == {"label": {"zh": ["捐赠人"]}, "value": {"zh": ["张三"]}}
    assert entries["Donor note"] == {"label": {"en": ["Donor note"]}, "value": {"en": ["given in 1998"]}}
    record = client.get("/api/items/cu-1").get_json()
    assert record["extra"] == {"捐赠人": "张三", "Donor note": "given in 1998"}
    hits = client.get("/api/search?q=张三").get_json()
    assert [h["id"] for h in hits["hits"]] == ["cu-1"]


def _grid(rows: int, cols: int):
    import trimesh

    xs, ys = np.meshgrid(np.arange(cols, dtype=float), np.arange(rows, dtype=float))
    heights = np.sin(xs / 7.0) * np.cos(ys / 5.0) * 3.0
    vertices = np.column_stack([xs.ravel(), ys.ravel(), heights.ravel()])
    index = np.arange(rows * cols).reshape(rows, cols)
    a, b, c, d = index[:-1, :-1].ravel(), index[:-1, 1:].ravel(), index[1:, :-1].ravel(), index[1:, 1:].ravel()
    faces = np.concatenate([np.column_stack([a, b, d]), np.column_stack([a, d, c])])
    return trimesh.Trimesh(vertices=vertices, faces=faces, process=False)


def test_the_web_version_of_a_model_keeps_to_the_triangle_and_byte_budgets(tmp_path):
    """200 000 triangles and 5 MB (README): a larger scan is decimated, a heavy texture shrunk."""
    import trimesh
    from PIL import Image

    from media.models3d import make_model_derivatives

    dense = _grid(330, 330)  # 216 482 triangles
    dense.export(tmp_path / "dense.ply")
    facts = make_model_derivatives(tmp_path / "dense.ply", lambda n: tmp_path / f"dense-{n}", source_format="ply")
    assert facts["faces"] == 216_482 and 150_000 < facts["web_faces"] <= 200_000
    assert (tmp_path / "dense-model-web.glb").stat().st_size <= 5_000_000

    plate = _grid(60, 60)
    noise = np.random.default_rng(8).integers(0, 256, (3000, 3000, 3), dtype=np.uint8)  # incompressible texture
    uv = plate.vertices[:, :2] / 59.0
    plate.visual = trimesh.visual.TextureVisuals(uv=uv, image=Image.fromarray(noise))
    (tmp_path / "plate.glb").write_bytes(trimesh.Scene(plate).export(file_type="glb"))
    assert (tmp_path / "plate.glb").stat().st_size > 5_000_000
    facts = make_model_derivatives(tmp_path / "plate.glb", lambda n: tmp_path / f"plate-{n}", source_format="glb")
    assert facts["textured"] and facts["web_bytes"] <= 5_000_000 < facts["full_bytes"]
