"""The demo museums' content: halls, metadata CSV and procedural images (ingest/demo/)."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml

pyvips = pytest.importorskip("pyvips")

from ingest.demo import DEMO_DIR  # noqa: E402
from ingest.demo import images  # noqa: E402

HEADER = (
    "id,museum,hall,section,title_zh,title_en,object_type,period,date_start,date_end,material,dimensions,"
    "creator,place,accession_number,description_zh,description_en,rights,files,ich_category,ich_level,"
    "inheritor,region"
).split(",")
ICH_CATEGORIES = {"民间文学", "传统音乐", "传统舞蹈", "传统戏剧", "曲艺", "传统体育、游艺与杂技",
                  "传统美术", "传统技艺", "传统医药", "民俗"}
ICH_LEVELS = {"国家级", "省级", "市级", "县级"}


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    with open(DEMO_DIR / "items.csv", newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        header = reader.fieldnames
        data = list(reader)
    assert header[: len(HEADER)] == HEADER
    return data


@pytest.fixture(scope="module")
def places() -> dict[str, dict[str, set[str]]]:
    """museum -> hall -> section slugs, from halls.yaml."""
    doc = yaml.safe_load((DEMO_DIR / "halls.yaml").read_text(encoding="utf-8"))
    out: dict[str, dict[str, set[str]]] = {}
    hall_slugs = []
    for museum in doc["museums"]:
        assert museum["title"]["zh"] and museum["title"]["en"]
        out[museum["slug"]] = {}
        for hall in museum["halls"]:
            assert hall["title"]["zh"] and hall["title"]["en"]
            hall_slugs.append(hall["slug"])
            sections = [s["slug"] for s in hall.get("sections", [])]
            assert len(sections) == len(set(sections)), hall["slug"]
            for section in hall.get("sections", []):
                assert section["title"]["zh"] and section["title"]["en"]
            out[museum["slug"]][hall["slug"]] = set(sections)
    assert len(hall_slugs) == len(set(hall_slugs)), "hall slugs must be unique across museums"
    return out


def test_halls_define_three_museums(places):
    assert {"copper", "art", "ich"} <= set(places)


def test_csv_rows_are_complete_and_consistent(rows, places):
    assert len(rows) >= 40
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids))
    accessions = [r["accession_number"] for r in rows]
    assert len(accessions) == len(set(accessions))
    for r in rows:
        assert r["museum"] in places, r["id"]
        assert r["hall"] in places[r["museum"]], r["id"]
        if r["section"]:
            assert r["section"] in places[r["museum"]][r["hall"]], r["id"]
        assert r["title_zh"].strip() and r["title_en"].strip(), r["id"]
        assert r["description_zh"].strip() and r["description_en"].strip(), r["id"]
        if r["date_start"] and r["date_end"]:
            assert int(r["date_start"]) <= int(r["date_end"]), r["id"]
        if r["museum"] == "ich":
            assert r["ich_category"] in ICH_CATEGORIES, r["id"]
            assert r["ich_level"] in ICH_LEVELS, r["id"]
            assert r["region"], r["id"]
    assert len({r["museum"] for r in rows}) >= 3
    assert sum(1 for r in rows if not r["files"].strip()) >= 6
    # values that must be HTML-escaped somewhere in the pages
    assert any(ch in r[k] for r in rows for k in r for ch in "<&")


def test_every_listed_file_has_a_drawable_spec(rows):
    todo = images.specs(DEMO_DIR / "items.csv")
    assert len(todo) == len({f.strip() for r in rows for f in r["files"].split(";") if f.strip()})
    assert sum(1 for s, _ in todo if s.width >= 6000 and s.height >= 4000) >= 4
    for spec, _ in todo:
        assert spec.kind in images.DRAW
        if spec.rel not in images.BIG:
            assert 1600 <= max(spec.width, spec.height) <= 3000, spec
    assert any(s.ushort for s, _ in todo) and any(s.cmyk for s, _ in todo)
    assert {s.saver for s, _ in todo} == {"jpeg", "png", "tiff"}


def _subset_csv(tmp_path: Path, rows: list[dict], wanted) -> Path:
    """A CSV with one row per wanted file, each listing only that file."""
    out = []
    for rel in wanted:
        row = next(r for r in rows if rel in r["files"].split(";"))
        out.append({**row, "files": rel})
    path = tmp_path / "subset.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, list(rows[0]))
        writer.writeheader()
        writer.writerows(out)
    return path


def test_generate_images_writes_declared_formats(tmp_path, rows):
    todo = images.specs(DEMO_DIR / "items.csv")
    big = "images/cu-ding-01.jpg"
    sixteen = min((s for s, _ in todo if s.ushort), key=lambda s: s.width * s.height).rel
    cmyk = next(s.rel for s, _ in todo if s.cmyk)
    png = min((s for s, _ in todo if s.saver == "png"), key=lambda s: s.width * s.height).rel
    csv_path = _subset_csv(tmp_path, rows, [big, sixteen, cmyk, png])
    out_dir = tmp_path / "out"

    paths = images.generate_images(csv_path, out_dir)

    assert [p.relative_to(out_dir).as_posix() for p in paths] == [big, sixteen, cmyk, png]
    headers = {rel: pyvips.Image.new_from_file(str(out_dir / rel)) for rel in (big, sixteen, cmyk, png)}
    assert headers[big].width >= 6000 and headers[big].height >= 4000
    assert headers[big].get("vips-loader").startswith("jpeg")
    assert headers[sixteen].format == "ushort" and headers[sixteen].bands == 3
    assert headers[sixteen].get("vips-loader").startswith("tiff")
    assert headers[cmyk].interpretation == "cmyk" and headers[cmyk].bands == 4
    assert headers[cmyk].get("vips-loader").startswith("jpeg")
    assert headers[png].get("vips-loader").startswith("png") and headers[png].format == "uchar"
    for spec, _ in images.specs(csv_path):
        assert (headers[spec.rel].width, headers[spec.rel].height) == (spec.width, spec.height)
    # the picture is not blank: real variation
    assert headers[png].deviate() > 10

    # idempotent: a second run rewrites nothing
    before = {p: p.stat().st_mtime_ns for p in paths}
    images.generate_images(csv_path, out_dir)
    assert {p: p.stat().st_mtime_ns for p in paths} == before


def test_generation_is_deterministic(tmp_path, rows):
    rel = min((s for s, _ in images.specs(DEMO_DIR / "items.csv") if s.saver == "jpeg"),
              key=lambda s: s.width * s.height).rel
    csv_path = _subset_csv(tmp_path, rows, [rel])
    a = images.generate_images(csv_path, tmp_path / "a", workers=1)[0]
    b = images.generate_images(csv_path, tmp_path / "b", workers=1)[0]
    assert a.read_bytes() == b.read_bytes()


def _pixels(path: Path, size: int = 64):
    import numpy as np

    thumb = pyvips.Image.thumbnail(str(path), size, height=size, size="force")
    if thumb.interpretation != "srgb":
        thumb = thumb.colourspace("srgb")
    return np.ndarray(buffer=thumb[:3].cast("uchar").write_to_memory(), dtype=np.uint8,
                      shape=(thumb.height, thumb.width, 3)).astype(float)


def test_demo_pictures_carry_no_burned_in_strip_and_ich_crafts_look_different(tmp_path, rows):
    """The old pictures ended in a light caption band ("… Jinshi demo (procedural)"); the ICH ones looked alike."""
    import itertools

    ich = ["images/ich-niuge-01.jpg", "images/ich-huangmei-01.jpg", "images/ich-lantern-01.jpg",
           "images/ich-papercut-02.jpg", "images/ich-nuo-01.jpg"]
    objects = ["images/cu-gui-01.jpg", "images/cu-mirror-02.jpg", "images/cu-axe-01.jpg"]
    present = {s.rel for s, _ in images.specs(DEMO_DIR / "items.csv")}
    wanted = [rel for rel in ich + objects if rel in present]
    assert len(wanted) >= 6
    out_dir = tmp_path / "out"
    images.generate_images(_subset_csv(tmp_path, rows, wanted), out_dir)
    for rel in wanted:
        pixels = _pixels(out_dir / rel, 100)
        bottom, above = pixels[-4:].mean(axis=(0, 1)), pixels[-12:-6].mean(axis=(0, 1))
        # the old band: a light neutral grey strip (232 with dark text) under the picture, unlike what is above it
        light_band = bottom.mean() > 190 and bottom.max() - bottom.min() < 8 and abs(bottom.mean() - above.mean()) > 25
        assert not light_band, (rel, bottom, above)
    shown = {rel: _pixels(out_dir / rel, 32) for rel in wanted if rel in ich}
    for a, b in itertools.combinations(shown, 2):
        assert abs(shown[a] - shown[b]).mean() > 20, (a, b)  # different crafts, different pictures
    assert (out_dir / images.STAMP).read_text().strip() == images.DRAWING_VERSION


def test_a_folder_drawn_by_an_older_version_is_drawn_again(tmp_path, rows):
    rel = min((s for s, _ in images.specs(DEMO_DIR / "items.csv") if s.saver == "jpeg"),
              key=lambda s: s.width * s.height).rel
    csv_path = _subset_csv(tmp_path, rows, [rel])
    path = images.generate_images(csv_path, tmp_path / "out", workers=1)[0]
    drawn = path.read_bytes()
    (tmp_path / "out" / images.STAMP).write_text("1\n")
    path.write_bytes(b"old")  # what an old version left (the size check alone would not notice a same-size file)
    images.generate_images(csv_path, tmp_path / "out", workers=1)
    assert path.read_bytes() == drawn
