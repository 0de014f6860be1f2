"""Item pages opened by a IIIF Content State, other IIIF viewers, and the curator's detail QR codes."""
import html as htmllib
import json
import re
from urllib.parse import parse_qs, urlsplit

from exhibits import content_state as cs
from tests.support.curators import add_users, log_in
from tests.support.qr import decode_svg

MANIFEST = "http://museum.test/iiif/items/cu-ding/manifest"
CANVAS = "http://museum.test/iiif/items/cu-ding/canvas/1"


def target_on(page: str):
    match = re.search(r"id=\"content-state\" hidden data-target='([^']*)'", page)
    return json.loads(htmllib.unescape(match.group(1))) if match else None


def test_a_region_link_gives_the_page_its_target(client, ingested):
    state = cs.encoded_target(MANIFEST, CANVAS, xywh=(400, 300, 200, 100))
    page = client.get(f"/items/cu-ding?iiif-content={state}").get_data(as_text=True)
    assert target_on(page) == {"kind": "image", "index": 0, "xywh": [400, 300, 200, 100], "width": 1600, "height": 1200}
    assert "/static/content-state.js" in page and "detail-note" not in page
    second = client.get(f"/items/cu-ding?iiif-content=http://museum.test/iiif/items/cu-ding/canvas/2%23xywh=0,0,80,60").get_data(as_text=True)
    assert target_on(second)["index"] == 1


def test_a_state_it_cannot_open_leaves_a_quiet_note(client, ingested):
    for value in ("garbage!!", cs.encode('{"id": "https://elsewhere.example/canvas/1", "type": "Canvas"}'),
                  "'><script>alert(1)</script>", cs.encoded_target("http://museum.test/iiif/items/cu-mirror/manifest",
                                                                   "http://museum.test/iiif/items/cu-mirror/canvas/1", xywh=(0, 0, 5, 5))):
        answer = client.get("/items/cu-ding", query_string={"iiif-content": value})
        page = answer.get_data(as_text=True)
        assert answer.status_code == 200
        assert 'class="detail-note" role="status"' in page and target_on(page) is None
        assert "<script>alert(1)</script>" not in page
    plain = client.get("/items/cu-ding").get_data(as_text=True)
    assert "detail-note" not in plain and "content-state.js" not in plain  # nothing extra without a state


def test_every_item_opens_in_another_iiif_viewer(client, ingested):
    for item in ("cu-ding", "cu-record"):
        page = client.get(f"/items/{item}?lang=en").get_data(as_text=True)
        manifest = f"http://museum.test/iiif/items/{item}/manifest"
        drag = re.search(r'<a class="iiif-badge" href="([^"]+)" draggable="true"', page).group(1)
        parts = urlsplit(htmllib.unescape(drag))
        assert f"{parts.scheme}://{parts.netloc}{parts.path}" == manifest and parse_qs(parts.query) == {"manifest": [manifest]}
        mirador = re.search(r'<a class="open-mirador" href="([^"]+)"', page).group(1)
        assert htmllib.unescape(mirador) == f"/mirador?manifest=/iiif/items/{item}/manifest"
        assert client.get(htmllib.unescape(drag)).status_code == 200  # the manifest answers with the extra argument


def test_curator_detail_links_and_qr_codes(client, app, ingested):
    query = "kind=image&index=0&xywh=100,50,400,300&lang=en"
    assert client.get(f"/curator/api/items/cu-ding/detail?{query}").status_code == 401
    assert "detail-qr" not in client.get("/items/cu-ding").get_data(as_text=True)
    add_users(app.extensions["jinshi"])
    log_in(client, "ich")
    assert client.get(f"/curator/api/items/cu-ding/detail?{query}").status_code == 403
    assert "detail-qr" not in client.get("/items/cu-ding").get_data(as_text=True)
    log_in(client, "copper")
    page = client.get("/items/cu-ding?lang=en").get_data(as_text=True)
    assert '<details class="detail-qr"' in page and "This view of the photo" in page
    answer = client.get(f"/curator/api/items/cu-ding/detail?{query}")
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "private, no-store"
    link = answer.json["url"]
    parts = urlsplit(link)
    assert parts.path == "/items/cu-ding" and parse_qs(parts.query)["lang"] == ["en"]
    target = target_on(client.get(f"{parts.path}?{parts.query}").get_data(as_text=True))
    assert target["xywh"] == [100, 50, 400, 300]
    svg = client.get(answer.json["qr"])
    assert svg.mimetype == "image/svg+xml" and decode_svg(svg.data) == [link]
    # a view past the photo's edge is clipped; nonsense is a 400 naming the argument
    clipped = client.get("/curator/api/items/cu-ding/detail?kind=image&index=0&xywh=1500,1100,400,400").json["url"]
    assert target_on(client.get(clipped.replace("http://museum.test", "")).get_data(as_text=True))["xywh"] == [1500, 1100, 100, 100]
    for bad, word in (("kind=image&index=0&xywh=1,2,3", "xywh"), ("kind=video&index=0&t=1", "kind and index"),
                      ("kind=image&index=x&xywh=1,2,3,4", "index"), ("kind=image&index=0&xywh=1,2,3,4&lang=xx", "lang")):
        answer = client.get(f"/curator/api/items/cu-ding/detail?{bad}")
        assert answer.status_code == 400 and word in answer.json["message"], bad


def test_curator_detail_of_a_video_moment_and_a_model_orbit(client, app, museum_runtime, tmp_path):
    from tests.support.media_items import ingest_media_items

    ingest_media_items(museum_runtime, tmp_path / "media")
    add_users(app.extensions["jinshi"])
    log_in(client, "admin")
    page = client.get("/items/media-carving?lang=en").get_data(as_text=True)
    assert "This moment of video 1" in page
    link = client.get("/curator/api/items/media-carving/detail?kind=video&index=0&t=1.5").json["url"]
    assert target_on(client.get(link.replace("http://museum.test", "")).get_data(as_text=True)) == {"kind": "video", "index": 0, "t": 1.5}
    link = client.get("/curator/api/items/media-ding/detail", query_string={"kind": "model", "index": "0", "orbit": "45deg 60deg 0.8m"}).json["url"]
    assert target_on(client.get(link.replace("http://museum.test", "")).get_data(as_text=True)) == {"kind": "model", "index": 0, "orbit": "45deg 60deg 0.8m"}
    answer = client.get("/curator/api/items/media-ding/detail", query_string={"kind": "model", "index": "0", "orbit": "45deg 60deg"})
    assert answer.status_code == 400 and "camera orbit" in answer.json["message"]
