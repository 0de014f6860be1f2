"""Label sheets of a hall: A4 PDFs whose every QR code (read with zxing-cpp after pdftoppm) is the permalink."""
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
import zxingcpp
from PIL import Image

from exhibits import labels
from exhibits.models import Hall, Item
from tests.support.curators import add_users, log_in

LONG_TITLE = "清乾隆御制铜胎掐丝珐琅缠枝莲纹双龙耳大尊及其配套紫檀木雕云龙纹底座与原装锦盒" * 3
LONG_EN = ("Imperial cloisonné enamel vase on a copper body with interlaced lotus scrolls and twin dragon handles, "
           "with its carved zitan stand and original brocade box ") * 3


@pytest.fixture
def staff(client, app):
    """The client, logged in as a curator of the copper museum."""
    add_users(app.extensions["jinshi"])
    log_in(client, "copper")
    return client


@pytest.fixture
def big_hall(museum_runtime):
    """Fourteen visible items (a very long title, markup, no English, one draft) in the mirrors hall."""
    with museum_runtime.db.session() as session:
        hall = session.query(Hall).filter_by(slug="mirrors").one()
        for n in range(14):
            title = {"zh": [f"铜镜{n}号"], "en": [f"Mirror no. {n}"]}
            if n == 3:
                title = {"zh": [LONG_TITLE], "en": [LONG_EN]}
            if n == 5:
                title = {"zh": ['"><script>alert(1)</script>'], "en": ["<b>bold</b> & co"]}
            if n == 7:
                title = {"zh": ["仅有中文名"]}
            session.add(Item(id=f"mirror-{n:02d}", museum_id=hall.museum_id, hall_id=hall.id, title=title, state="ready",
                             publication="draft" if n == 13 else "published", position=n, accession_number=f"TL-M-{n:04d}",
                             metadata_={"period": {"zh": ["西汉"], "en": ["Western Han"]}, "material": {"zh": ["青铜"]}}))
    return [f"mirror-{n:02d}" for n in range(13)]


def pages_of(pdf: bytes, tmp_path: Path, dpi: int = 150) -> list[np.ndarray]:
    source = tmp_path / "labels.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(source), str(tmp_path / "page")], check=True)
    return [np.asarray(Image.open(png).convert("L")) for png in sorted(tmp_path.glob("page-*.png"))]


def qr_texts(page: np.ndarray) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(page, formats=zxingcpp.BarcodeFormat.QRCode)]


@pytest.mark.parametrize("per_page, lang, pages", [("8", "en", 2), ("12", "zh", 2), ("12", "zh-Hant", 2)])
def test_every_qr_code_is_the_permalink_in_the_chosen_language(staff, big_hall, tmp_path, per_page, lang, pages):
    answer = staff.get(f"/museums/copper/halls/mirrors/labels.pdf?per_page={per_page}&lang={lang}")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    rendered = pages_of(answer.data, tmp_path)
    assert len(rendered) == pages
    found = [text for page in rendered for text in qr_texts(page)]
    expected = {f"http://museum.test/items/{item}?lang={lang}" for item in big_hall}
    assert sorted(found) == sorted(expected)  # each visible item exactly once, the draft never
    height, width = rendered[0].shape
    assert abs(width / height - 210 / 297) < 0.01  # A4 portrait


def test_long_titles_shrink_or_stop_with_an_ellipsis_inside_their_label(staff, big_hall, tmp_path):
    pdf = staff.get("/museums/copper/halls/mirrors/labels.pdf?per_page=12&lang=en").data
    (tmp_path / "l.pdf").write_bytes(pdf)
    html = subprocess.run(["pdftotext", "-bbox", str(tmp_path / "l.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    words = [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in
             re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', html)]
    assert words
    mm = 25.4 / 72
    columns, rows = labels.GRIDS[12]
    cell_w = (labels.PAGE_W - 2 * labels.MARGIN) / columns
    cell_h = (labels.PAGE_H - 2 * labels.MARGIN) / rows
    for x0, y0, x1, y1, word in words:
        x0, y0, x1, y1 = x0 * mm, y0 * mm, x1 * mm, y1 * mm
        column, row = int((x0 - labels.MARGIN) // cell_w), int((y0 - labels.MARGIN) // cell_h)
        left, top = labels.MARGIN + column * cell_w, labels.MARGIN + row * cell_h
        assert left + 1 <= x0 and x1 <= left + cell_w - 1, f"{word!r} runs out of its label sideways"
        assert top + 1 <= y0 and y1 <= top + cell_h - 1, f"{word!r} runs out of its label downwards"
    text = subprocess.run(["pdftotext", str(tmp_path / "l.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    assert "…" in text  # the longest title was cut, visibly
    assert '"><script>alert(1)</script>' in text.replace("\n", "")  # markup is text on paper
    assert "TL-M-0007" in text and "仅有中文名" in text and "西汉 Western Han · 青铜" in text


def test_bad_arguments_are_named(staff, big_hall):
    client = staff
    answer = client.get("/museums/copper/halls/mirrors/labels.pdf?per_page=7&lang=en")
    assert answer.status_code == 400 and "per_page must be 8 or 12" in answer.get_data(as_text=True)
    answer = client.get("/museums/copper/halls/mirrors/labels.pdf?per_page=20&lang=zh")
    assert answer.status_code == 400 and "per_page 必须是 8 或 12" in answer.get_data(as_text=True)
    answer = client.get("/museums/copper/halls/mirrors/labels.pdf?lang=fr")
    assert answer.status_code == 400 and "lang 必须是以下之一：zh, en, zh-Hant" in answer.get_data(as_text=True)
    assert client.get("/museums/ich/halls/mirrors/labels.pdf").status_code == 404  # a hall of another museum
    assert client.get("/museums/copper/halls/nowhere/labels.pdf").status_code == 404


def test_a_hall_with_nothing_on_view_says_so(staff, museum_runtime):
    answer = staff.get("/museums/copper/halls/mirrors/labels.pdf?lang=en")
    assert answer.status_code == 404 and "no objects on view" in answer.get_data(as_text=True)


def test_without_a_cjk_font_the_answer_names_the_package(staff, big_hall, monkeypatch):
    client = staff
    monkeypatch.setattr(labels, "FONT_CANDIDATES", ())
    monkeypatch.setattr(labels.shutil, "which", lambda name: None)
    answer = client.get("/museums/copper/halls/mirrors/labels.pdf")
    assert answer.status_code == 503 and "fonts-noto-cjk" in answer.get_data(as_text=True)


def test_the_sheets_are_for_the_museums_curators_only(client, app, big_hall):
    assert "labels.pdf" not in client.get("/museums/copper/halls/mirrors?lang=en").get_data(as_text=True)
    assert client.get("/museums/copper/halls/mirrors/labels.pdf").status_code == 403
    add_users(app.extensions["jinshi"])
    log_in(client, "ich")
    assert "labels.pdf" not in client.get("/museums/copper/halls/mirrors?lang=en").get_data(as_text=True)
    answer = client.get("/museums/copper/halls/mirrors/labels.pdf?lang=en")
    assert answer.status_code == 403 and "curators" in answer.get_data(as_text=True)
    log_in(client, "copper")
    html = client.get("/museums/copper/halls/mirrors?lang=en").get_data(as_text=True)
    assert "/museums/copper/halls/mirrors/labels.pdf?per_page=8&amp;lang=en" in html
    assert "/museums/copper/halls/mirrors/labels.pdf?per_page=12&amp;lang=en" in html
    edit = client.get("/curator/halls/mirrors").get_data(as_text=True)
    assert "/museums/copper/halls/mirrors/labels.pdf?per_page=12" in edit


def test_a_sheet_is_made_once_and_again_after_an_item_changes(staff, big_hall, museum_runtime, monkeypatch, tmp_path):
    from tests.support.curators import csrf_token

    made = []
    real = labels.label_sheet
    monkeypatch.setattr(labels, "label_sheet", lambda *args, **kwargs: made.append(args) or real(*args, **kwargs))
    url = "/museums/copper/halls/mirrors/labels.pdf?per_page=12&lang=en"
    first = staff.get(url)
    assert first.status_code == 200 and len(made) == 1
    second = staff.get(url)
    assert second.status_code == 200 and second.data == first.data and len(made) == 1  # from the cache
    assert staff.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert staff.get(url.replace("lang=en", "lang=zh")).status_code == 200 and len(made) == 2  # another sheet

    # a curator renames an item (the curator API, as the edit form does): the next sheet is made anew
    tag = staff.get("/curator/api/items/mirror-00").headers["ETag"]
    edited = staff.patch("/curator/api/items/mirror-00", json={"title": {"zh": ["改名铜镜"], "en": ["Renamed mirror"]}},
                         headers={"If-Match": tag, "X-CSRFToken": csrf_token(staff, "/curator/")})
    assert edited.status_code == 200, edited.get_data(as_text=True)
    third = staff.get(url)
    assert third.status_code == 200 and len(made) == 3 and third.headers["ETag"] != first.headers["ETag"]
    (tmp_path / "new.pdf").write_bytes(third.data)
    text = subprocess.run(["pdftotext", str(tmp_path / "new.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    assert "Renamed mirror" in text and "Mirror no. 0\n" not in text
    # one file per sheet variant: the renamed sheet replaced the old English one
    kept = sorted(p.name.split("--")[0] for p in (museum_runtime.settings.cache_root / "labels").glob("*.pdf"))
    assert len(kept) == 2 and any(name.endswith("-en-12-public") for name in kept)
