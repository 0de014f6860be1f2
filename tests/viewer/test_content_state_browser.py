"""A content-state link opens the deep zoom at its region and a video at its moment, in Debian's Chromium."""
import pytest

from exhibits import content_state as cs
from tests.support.live import wait_until
from tests.support.media_items import ingest_media_items

pytestmark = pytest.mark.browser

VISIBLE = ("(() => { const v = window.jinshiViewer; const r = v.world.getItemAt(0).viewportToImageRectangle("
           "v.viewport.getBounds(true)); return [r.x, r.y, r.width, r.height]; })()")


def test_a_region_link_opens_the_photo_zoomed_to_that_region(ingested, live_url, chromium):
    region = (800, 600, 400, 200)  # of the 1600 × 1200 photo: a quarter of its width
    state = cs.encoded_target(f"{live_url}/iiif/items/cu-ding/manifest", f"{live_url}/iiif/items/cu-ding/canvas/1", xywh=region)
    for viewport in ({"width": 1280, "height": 900}, {"width": 390, "height": 844}):
        page = chromium.new_page(viewport=viewport)
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{live_url}/items/cu-ding?lang=en&iiif-content={state}")
        wait_until(page, "document.getElementById('content-state').dataset.applied === 'yes'")
        wait_until(page, "document.getElementById('deepzoom').dataset.tilesLoaded === 'yes'")
        x, y, w, h = page.evaluate(VISIBLE)
        # the whole region is in view, and it fills the viewer in one direction (the other has margin)
        assert x <= region[0] + 2 and y <= region[1] + 2
        assert x + w >= region[0] + region[2] - 2 and y + h >= region[1] + region[3] - 2
        assert abs(w - region[2]) < 4 or abs(h - region[3]) < 4, (x, y, w, h)
        assert errors == []
        page.close()


def test_a_moment_link_opens_the_video_at_that_moment(museum_runtime, tmp_path, live_url, chromium):
    ingest_media_items(museum_runtime, tmp_path / "media")
    state = cs.encoded_target(f"{live_url}/iiif/items/media-carving/manifest",
                              f"{live_url}/iiif/items/media-carving/canvas/1", t=2.25)
    page = chromium.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page.goto(f"{live_url}/items/media-carving?iiif-content={state}")
    wait_until(page, "Math.abs(document.querySelector('video').currentTime - 2.25) < 0.05", timeout=20)
    assert page.evaluate("document.querySelector('video').paused")  # it waits at the moment, no autoplay
    page.close()


def test_a_curator_makes_a_qr_code_of_the_zoomed_view_and_it_opens_there(ingested, app, live_url, chromium, tmp_path):
    from tests.support.curators import PASSWORD, add_users
    from tests.support.qr import decode_image
    import pyvips

    add_users(app.extensions["jinshi"])
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_url}/curator/login")
    page.fill("#login-name", "copper")
    page.fill("#login-password", PASSWORD)
    page.click("form button.primary")
    page.wait_for_url(f"{live_url}/curator/")
    page.goto(f"{live_url}/items/cu-ding?lang=en")
    wait_until(page, "document.getElementById('deepzoom').dataset.tilesLoaded === 'yes'")
    page.evaluate("(() => { const v = window.jinshiViewer; v.viewport.fitBounds("
                  "v.world.getItemAt(0).imageToViewportRectangle(200, 100, 300, 200), true); })()")
    page.click("details.detail-qr summary")
    page.click("details.detail-qr button[data-kind=image]")
    wait_until(page, "document.querySelector('.detail-result img').complete && document.querySelector('.detail-result img').naturalWidth > 0")
    page.screenshot(path=str(tmp_path / "curator-detail.png"), full_page=True)
    link = page.evaluate("document.querySelector('details.detail-qr').dataset.url")
    shot = page.locator(".detail-result img").screenshot()
    assert decode_image(pyvips.Image.new_from_buffer(shot, "")) == [link]
    page.goto(link)
    wait_until(page, "document.getElementById('content-state').dataset.applied === 'yes'")
    x, y, w, h = page.evaluate(VISIBLE)
    assert x <= 202 and y <= 102 and x + w >= 498 and y + h >= 298
    page.close()


def test_a_camera_orbit_link_turns_the_model_to_that_viewpoint(museum_runtime, tmp_path, live_url, chromium):
    ingest_media_items(museum_runtime, tmp_path / "media")
    state = cs.encoded_target(f"{live_url}/iiif/items/media-ding/manifest", f"{live_url}/iiif/items/media-ding/canvas/1",
                              orbit=(60.0, 45.0, 0.5))
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_url}/items/media-ding?iiif-content={state}")
    wait_until(page, "document.querySelector('model-viewer') && document.querySelector('model-viewer').loaded === true", timeout=40)
    assert page.get_attribute("model-viewer", "camera-orbit") == "60deg 45deg 0.5m"
    wait_until(page, "(() => { const o = document.querySelector('model-viewer').getCameraOrbit();"
                     " return Math.abs(o.theta * 180 / Math.PI - 60) < 1 && Math.abs(o.phi * 180 / Math.PI - 45) < 1; })()", timeout=20)
    page.close()
