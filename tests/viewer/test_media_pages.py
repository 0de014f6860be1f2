"""Item pages with 3D, video and audio; /media derivatives with range requests, MIME types and caching."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from exhibits.models import Asset
from tests.support.media_items import ingest_media_items


@pytest.fixture
def media(museum_runtime, tmp_path):
    ingest_media_items(museum_runtime, tmp_path / "media")
    with museum_runtime.db.session() as session:
        return {(a.item_id, a.role): a.sha256 for a in session.scalars(select(Asset))}


def test_model_page(client, media):
    html = client.get("/items/media-ding?lang=en").get_data(as_text=True)
    sha = media[("media-ding", "main")]
    tag = re.search(r"<model-viewer[^>]*>", html).group(0)
    assert f'src="/media/{sha}/model-web.glb"' in tag and f'poster="/media/{sha}/thumbnail.jpg"' in tag
    assert "camera-controls" in tag and 'touch-action="pan-y"' in tag and "auto-rotate" not in tag
    assert 'ar-modes="webxr scene-viewer quick-look"' in tag
    assert f'href="/media/{sha}/model.glb"' in html
    assert "Triangles" in html and "Size (mm)" in html and "Watertight" in html
    assert '<script type="module" src="/vendor/model-viewer/model-viewer.min.js">' in html
    assert "media.css" in html


def test_video_page_with_tracks_and_transcript(client, media):
    html = client.get("/items/media-carving?lang=en&t=1.5").get_data(as_text=True)
    sha = media[("media-carving", "main")]
    assert f'poster="/media/{sha}/poster.jpg"' in html and f'src="/media/{sha}/web.mp4"' in html
    assert 'data-start="1.5"' in html
    tracks = re.findall(r"<track [^>]*>", html)
    assert any('kind="captions"' in t and 'srclang="zh"' in t for t in tracks)
    assert any('kind="captions"' in t and 'srclang="en"' in t and " default" in t for t in tracks)
    assert any('kind="chapters"' in t and "chapters.vtt" in t for t in tracks)
    # the English transcript shows first on the English page, the Chinese one is a button away
    assert re.search(r'<ol class="cues" data-transcript="\d" lang="en">', html)
    assert re.search(r'<ol class="cues" data-transcript="\d" lang="zh-Hans" hidden>', html)
    assert '<button type="button" class="cue" data-start="1.0" data-end="2.0"' in html
    assert "The dragon scales appear" in html and "龙鳞渐渐显现" in html
    assert "av.js" in html


def test_audio_page(client, media):
    html = client.get("/items/media-song").get_data(as_text=True)
    sha = media[("media-song", "main")]
    assert f'src="/media/{sha}/waveform.png"' in html and f'src="/media/{sha}/web.m4a"' in html
    assert "<audio" in html and "牛歌声起" in html and "文字稿" in html


def test_cards_show_media_thumbnails(client, media):
    html = client.get("/museums/ich/halls/crafts").get_data(as_text=True)
    assert f'/media/{media[("media-carving", "main")]}/poster.jpg' in html
    assert f'/media/{media[("media-song", "main")]}/waveform.png' in html
    html = client.get("/museums/copper/halls/bronze-vessels").get_data(as_text=True)
    assert f'/media/{media[("media-ding", "main")]}/thumbnail.jpg' in html


def test_derivatives_mime_cache_cors(client, media):
    video, model = media[("media-carving", "main")], media[("media-ding", "main")]
    captions = media[("media-carving", "captions:en")]
    for url, mime in [
        (f"/media/{video}/web.mp4", "video/mp4"),
        (f"/media/{video}/poster.jpg", "image/jpeg"),
        (f"/media/{media[('media-song', 'main')]}/web.m4a", "audio/mp4"),
        (f"/media/{model}/model.glb", "model/gltf-binary"),
        (f"/media/{model}/model-web.glb", "model/gltf-binary"),
        (f"/media/{captions}/captions-en.vtt", "text/vtt; charset=utf-8"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Content-Type"] == mime
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert response.headers["Access-Control-Allow-Origin"] == "*"
    vtt = client.get(f"/media/{captions}/captions-en.vtt").get_data(as_text=True)
    assert vtt.startswith("WEBVTT") and "The pattern takes shape" in vtt


def test_range_requests(client, media):
    url = f"/media/{media[('media-carving', 'main')]}/web.mp4"
    full = client.get(url)
    size = len(full.data)
    assert full.headers["Accept-Ranges"] == "bytes"
    part = client.get(url, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206
    assert part.headers["Content-Range"] == f"bytes 100-199/{size}"
    assert part.data == full.data[100:200]
    tail = client.get(url, headers={"Range": "bytes=-10"})
    assert tail.status_code == 206 and tail.data == full.data[-10:]
    beyond = client.get(url, headers={"Range": f"bytes={size + 10}-"})
    assert beyond.status_code == 416
    assert beyond.headers["Content-Range"] == f"bytes */{size}"


def test_only_whitelisted_derivatives(client, media, museum_runtime):
    video = media[("media-carving", "main")]
    assert museum_runtime.store.derivative_path(video, "facts.json").is_file()
    for url in (
        f"/media/{video}/facts.json",  # exists, but not for the public
        f"/media/{video}/original",
        f"/media/{video}/..%2Fweb.mp4",
        f"/media/{video.upper()}/web.mp4",
        f"/media/{'0' * 64}/web.mp4",  # valid name, no such file
        "/media/not-a-sha/web.mp4",
        f"/media/{video}/captions-x%2F.vtt",
    ):
        assert client.get(url).status_code == 404, url


def test_search_hit_in_transcript_links_to_the_moment(client, media):
    html = client.get("/search?q=dragon&lang=en").get_data(as_text=True)
    assert 'href="/items/media-carving?t=1"' in html
