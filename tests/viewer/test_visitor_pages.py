"""What a visitor gets from the public pages (issue 13, "found on today's pages"): whole objects at the right size,
a still before the viewer, downloads the licence allows, the hall's own order, paged halls."""
import re
from types import SimpleNamespace

import lxml.html
import pytest

from exhibits.models import Item
from ingest.batch import ingest_batch
from tests.viewer.conftest import HEADER
from viewer import pictures


def _doc(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return lxml.html.fromstring(response.get_data(as_text=True))


def _candidates(img) -> list[tuple[str, int]]:
    return [(url, int(width)) for url, width in re.findall(r"(\S+?)\s+(\d+)w(?:,\s*|$)", img.get("srcset"))]


def test_card_images_offer_iiif_sizes_never_wider_than_the_original(client, ingested):
    doc = _doc(client, "/museums/copper/halls/mirrors?lang=en")
    img = doc.cssselect('a[href="/items/cu-mirror"] img')[0]
    candidates = _candidates(img)
    assert len(candidates) >= 4
    for url, width in candidates:  # each descriptor is the width the IIIF URL asks for
        assert re.fullmatch(rf"/iiif/3/{ingested['mirror.jpg'].image_id}/full/{width},/0/default\.jpg", url)
        assert width <= 900  # the mirror's photo is 900 px wide: never upscaled
    assert candidates[-1][1] == 900 and candidates[0][1] <= 240
    assert img.get("sizes") and img.get("loading") == "lazy"
    assert (img.get("width"), img.get("height")) == ("900", "900")  # no layout shift while it loads
    # a candidate really is served at that width
    from PIL import Image
    import io
    body = client.get(candidates[1][0]).get_data()
    assert Image.open(io.BytesIO(body)).width == candidates[1][1]


def test_sizes_say_a_tall_object_is_drawn_narrower_than_its_box():
    wide = SimpleNamespace(width=1600, height=1200, sha256="a" * 64)
    tall = SimpleNamespace(width=500, height=1000, sha256="b" * 64)
    assert pictures.sizes(wide, "card") == "(max-width: 760px) calc(50vw - 21px), 250px"
    # 1:2 in a 4:3 box: drawn at 0.5 / 1.333 = 0.375 of the box's width
    assert pictures.sizes(tall, "card") == "(max-width: 760px) calc(0.375 * (50vw - 21px)), 94px"
    assert pictures.widths(500) == [160, 240, 320, 400, 480, 500]
    assert pictures.widths(9000)[-1] == 2048  # a page image; deep zoom serves the rest


def test_record_without_media_shows_a_modest_placeholder_with_its_type(client, ingested):
    doc = _doc(client, "/museums/copper/halls/mirrors?lang=en")
    card = doc.cssselect('a[href="/items/cu-record"]')[0]
    assert card.cssselect(".no-picture svg") and not card.cssselect(".placeholder")
    assert card.cssselect(".no-picture-text")[0].text_content().strip()  # the object type, not a glyph
    item = _doc(client, "/items/cu-record?lang=en")
    assert not item.cssselect(".placeholder") and item.cssselect(".no-media .no-picture svg")


def test_item_page_shows_a_still_before_the_viewer_script(client, ingested):
    html = client.get("/items/cu-ding?lang=en").get_data(as_text=True)
    doc = lxml.html.fromstring(html)
    still = doc.cssselect("#deepzoom img.deepzoom-still")[0]
    assert ingested["ding.jpg"].image_id in still.get("src") and still.get("srcset")
    assert still.get("loading") is None  # the first screen's picture is not lazy
    for script in doc.cssselect("script[src]"):
        assert script.get("defer") is not None or script.get("type") == "module", script.get("src")
    # the box has the image's proportions (1600 × 1200)
    assert "aspect-ratio: 1.3333" in doc.get_element_by_id("deepzoom").get("style")


@pytest.mark.parametrize("width, height, ratio", [(9000, 1000, 2.4), (1000, 4000, 0.75), (1600, 1200, 4 / 3)])
def test_deep_zoom_box_follows_the_image_within_bounds(width, height, ratio):
    assert pictures.viewer_ratio(SimpleNamespace(width=width, height=height)) == pytest.approx(ratio)


def test_viewer_scripts_only_on_pages_that_use_them(client, ingested):
    for path in ("/", "/museums/copper", "/museums/copper/halls/bronze-vessels", "/search?q=镜", "/items/cu-record"):
        html = client.get(path).get_data(as_text=True)
        for script in ("openseadragon", "model-viewer", "mirador.min.js", "av.js"):
            assert script not in html, (path, script)
    assert "openseadragon.min.js" in client.get("/items/cu-ding").get_data(as_text=True)


def test_download_link_only_when_the_licence_allows_it(client, ingested):
    ding = _doc(client, "/items/cu-ding?lang=en")  # CC BY-NC 4.0: a limited size
    link = ding.cssselect("a.download")[0]
    # the photo (1600 px) is under the licence's limit: its full size, never upscaled
    assert link.get("href") == f"/iiif/3/{ingested['ding.jpg'].image_id}/full/max/0/default.jpg"
    assert "1600 × 1200" in link.text_content()
    assert client.get(link.get("href")).status_code == 200
    mirror = _doc(client, "/items/cu-mirror?lang=en")  # In Copyright: none
    assert not mirror.cssselect("a.download")


def test_download_sizes_follow_the_rights_statements():
    from exhibits.rights import LIMITED_DOWNLOAD, download_size

    assert download_size("CC0") == download_size("CC BY 4.0") == download_size("Public Domain") == 0
    assert download_size("CC BY-NC-SA 4.0") == download_size("InC-EDU") == LIMITED_DOWNLOAD
    assert download_size("In Copyright") is None and download_size("Copyright Not Evaluated") is None
    assert download_size("all rights reserved, ask the museum") is None and download_size(None) is None


def test_image_strip_marks_the_current_image(client, ingested):
    doc = _doc(client, "/items/cu-ding?lang=en")
    buttons = doc.cssselect(".image-strip button")
    assert [b.get("aria-current") for b in buttons] == ["true", None]
    assert buttons[1].get("aria-label") == "Image 2 of 2"


@pytest.fixture
def ordered_hall(museum_runtime, ingested, tmp_path):
    """bronze-vessels holds items whose ids and row numbers disagree with the hall's order of sections."""
    rows = [
        "v-loose,copper,bronze-vessels,,无分区,Loose object,,,,,,,,,V-1,,,,,",
        "v-zhou,copper,bronze-vessels,zhou,周鼎,Zhou ding,,,,,,,,,V-2,,,,,",
        "v-shang-b,copper,bronze-vessels,shang,商爵,Shang jue,,,,,,,,,V-3,,,,,",
        "v-shang-a,copper,bronze-vessels,shang,商觚,Shang gu,,,,,,,,,V-4,,,,,",
    ]
    path = tmp_path / "order.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    assert all(r.status == "ingested" for r in ingest_batch(museum_runtime, metadata=path))
    # the hall page's order: shang (cu-ding, then the rows in their order), zhou, then the items without a section
    return ["cu-ding", "v-shang-b", "v-shang-a", "v-zhou", "v-loose"]


def test_previous_next_follow_the_hall_order_and_show_the_position(client, ordered_hall):
    doc = _doc(client, "/museums/copper/halls/bronze-vessels?lang=en")
    shown = [a.get("href").rsplit("/", 1)[1] for a in doc.cssselect(".cards a")]
    assert shown == ordered_hall
    for index, item_id in enumerate(ordered_hall):
        page = _doc(client, f"/items/{item_id}?lang=en")
        pager = page.cssselect("nav.item-pager")[0]
        assert pager.cssselect(".position")[0].text_content().strip() == f"{index + 1} / {len(ordered_hall)}"
        prev, following = pager.cssselect("a[rel=prev]"), pager.cssselect("a[rel=next]")
        assert [a.get("href") for a in prev] == ([f"/items/{ordered_hall[index - 1]}"] if index else [])
        assert [a.get("href") for a in following] == (
            [f"/items/{ordered_hall[index + 1]}"] if index + 1 < len(ordered_hall) else [])


def test_item_without_a_section_is_not_under_the_last_section(client, ordered_hall):
    doc = _doc(client, "/museums/copper/halls/bronze-vessels?lang=en")
    zhou = doc.get_element_by_id("sec-zhou").getparent()
    assert [a.get("href") for a in zhou.cssselect(".cards a")] == ["/items/v-zhou"]
    other = doc.get_element_by_id("sec-other")
    assert other.text_content() == "Other objects"
    assert [a.get("href") for a in other.getparent().cssselect(".cards a")] == ["/items/v-loose"]


def test_a_large_hall_is_paged(client, museum_runtime, ingested, monkeypatch):
    from viewer.blueprints import public

    monkeypatch.setattr(public, "HALL_PAGE_SIZE", 2)
    with museum_runtime.db.session() as session:
        hall_id = session.get(Item, "cu-ding").hall_id
    for n in range(3):
        with museum_runtime.db.session() as session:
            session.add(Item(id=f"extra-{n}", museum_id=session.get(Item, "cu-ding").museum_id, hall_id=hall_id,
                             title={"en": [f"Extra {n}"]}, state="ready", publication="published", position=10 + n))
            session.commit()
    first = _doc(client, "/museums/copper/halls/bronze-vessels?lang=en")
    assert len(first.cssselect(".cards a")) == 2
    assert first.cssselect(".hall-pager")[0].text_content().split() [:2] == ["Page", "1"]
    assert first.cssselect(".hall-pager a[rel=next]")[0].get("href") == "?page=2"
    last = _doc(client, "/museums/copper/halls/bronze-vessels?lang=en&page=2")
    assert [a.get("href") for a in last.cssselect(".cards a")] == ["/items/extra-1", "/items/extra-2"]
    assert client.get("/museums/copper/halls/bronze-vessels?page=3").status_code == 404
    assert client.get("/museums/copper/halls/bronze-vessels?page=0").status_code == 404
    # the item page counts the whole hall, not one page of it
    assert _doc(client, "/items/extra-2").cssselect(".position")[0].text_content().strip() == "4 / 4"


def test_download_of_a_large_image_is_limited_to_the_licence_size(client, ingested, monkeypatch):
    from exhibits import rights

    monkeypatch.setattr(rights, "LIMITED_DOWNLOAD", 1000)  # the ding's photo (1600 × 1200) is now "large"
    link = _doc(client, "/items/cu-ding?lang=en").cssselect("a.download")[0]
    assert link.get("href").endswith("/full/!1000,1000/0/default.jpg") and "1000 × 750" in link.text_content()
    from PIL import Image
    import io
    assert Image.open(io.BytesIO(client.get(link.get("href")).get_data())).size == (1000, 750)


def test_home_page_opens_on_a_picture_and_features_a_video(client, ingested, museum_runtime, tmp_path):
    from tests.support.media_items import ingest_media_items

    ingest_media_items(museum_runtime, tmp_path / "media")
    doc = _doc(client, "/?lang=en")
    hero = doc.cssselect(".hero .hero-picture")[0]
    assert hero.get("href") == "/items/cu-ding"
    img = hero.cssselect("img")[0]
    assert img.get("srcset") and img.get("loading") is None and img.get("fetchpriority") == "high"
    cards = [a.get("href") for a in doc.cssselect(".featured-cards a")]
    assert "/items/media-carving" in cards[:2]  # the video is featured near the top
    assert "/items/cu-ding" not in cards  # not twice
    # featured objects come before the list of museums
    html = lxml.html.tostring(doc, encoding="unicode")
    assert html.index('id="featured-h"') < html.index('id="museums-h"')
