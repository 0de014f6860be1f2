"""A kind of media added by a plugin alone reaches every surface: ingest, manifest, item page, /media."""
from __future__ import annotations

import pytest
from iiif_prezi3 import Annotation, AnnotationBody, AnnotationPage, Canvas
from sqlalchemy import select

from exhibits.models import Asset
from ingest import plugins
from media.detect import Detected
from ingest.handlers import AssetFacts
from media.kinds import MediaKind, hookimpl
from media.store import atomic_path
from tests.support.media import make_pdf


class PdfHandler:
    def process(self, store, settings, sha256, media):
        with atomic_path(store.derivative_path(sha256, "first-page.txt")) as tmp:
            tmp.write_text("page 1 <of the report>", encoding="utf-8")
        return AssetFacts(kind="document", mime=media.detected.mime, info={"pages": 1}), []


def document_canvases(item, asset, base, index):
    canvas_id = f"{base}/iiif/items/{item.id}/canvas/{index}"
    body = AnnotationBody(id=f"{base}/media/{asset.sha256}/first-page.txt", type="Text", format="text/plain")
    return [Canvas(id=canvas_id, width=1000, height=1414, label={"en": [f"Document {index}"]}, items=[
        AnnotationPage(id=f"{canvas_id}/page", items=[
            Annotation(id=f"{canvas_id}/page/1", motivation="painting", body=body, target=canvas_id)])])]


class PdfPlugin:
    """What another package would register under the ``jinshi`` entry point group, with its own partials."""

    def __init__(self, templates):
        self.templates = templates

    @hookimpl
    def sniff(self, path, head):
        return Detected("document", "application/pdf", "pdf", "PDF document") if head.startswith(b"%PDF-") else None

    @hookimpl
    def media_kinds(self):
        return [MediaKind("document", PdfHandler(), derivatives=("first-page.txt",), served=("first-page.txt",),
                          types={"first-page.txt": "text/plain"}, canvas=document_canvases,
                          template="media/document.html", templates=self.templates)]


@pytest.fixture
def pdf_plugin(tmp_path):
    folder = tmp_path / "plugin-templates" / "media"
    folder.mkdir(parents=True)
    (folder / "document.html").write_text(
        "{% for doc in item.assets if doc.kind == 'document' %}<section class=\"pdf-document\">"
        "<a href=\"{{ root }}/media/{{ doc.sha256 }}/first-page.txt\">{{ doc.info.pages }} page</a></section>{% endfor %}",
        encoding="utf-8")
    (folder / "document_head.html").write_text('<meta name="pdf-kind" content="head">', encoding="utf-8")
    (folder / "document_scripts.html").write_text('<script src="{{ root }}/static/pdf-kind.js"></script>', encoding="utf-8")
    manager = plugins.manager()
    manager.register(PdfPlugin(folder.parent), "pdf-document")
    yield
    if manager.has_plugin("pdf-document"):
        manager.unregister(name="pdf-document")


def _ingest_pdf(runtime, folder):
    from ingest.batch import ingest_batch

    folder.mkdir()
    make_pdf(folder / "report.pdf")
    (folder / "batch.csv").write_text("id,museum,hall,title_zh,title_en,files\ndoc,ich,crafts,报告,Report,report.pdf\n",
                                      encoding="utf-8")
    [result] = ingest_batch(runtime, metadata=folder / "batch.csv")
    assert result.status == "ingested", result.error
    with runtime.db.session() as session:
        [asset] = session.scalars(select(Asset).where(Asset.item_id == "doc"))
        return asset.sha256


def test_a_plugin_kind_is_ingested_shown_in_the_manifest_and_page_and_served(museum_runtime, pdf_plugin, client, tmp_path):
    sha = _ingest_pdf(museum_runtime, tmp_path / "batch")

    manifest = client.get("/iiif/items/doc/manifest").get_json()
    [canvas] = manifest["items"]
    assert canvas["label"] == {"en": ["Document 1"]}
    assert canvas["items"][0]["items"][0]["body"]["id"].endswith(f"/media/{sha}/first-page.txt")

    html = client.get("/items/doc?lang=en").get_data(as_text=True)
    assert f'<section class="pdf-document"><a href="/media/{sha}/first-page.txt">1 page</a></section>' in html
    assert '<meta name="pdf-kind" content="head">' in html.split("</head>")[0]
    assert '<script src="/static/pdf-kind.js"></script>' in html

    response = client.get(f"/media/{sha}/first-page.txt")
    assert response.status_code == 200
    assert response.mimetype == "text/plain" and response.get_data(as_text=True) == "page 1 <of the report>"
    assert response.headers["Access-Control-Allow-Origin"] == "*"

    # the registry answers at each request: once no kind serves that name, the same file is not served
    plugins.manager().unregister(name="pdf-document")
    assert client.get(f"/media/{sha}/first-page.txt").status_code == 404


def test_the_built_in_kinds_name_their_canvas_page_partial_and_served_types():
    from exhibits import iiif, iiif_media

    kinds = plugins.media_kinds()
    assert kinds["image"].canvas is iiif.image_canvases and kinds["image"].template is None
    assert kinds["model"].canvas is iiif_media.model_canvases and kinds["model"].template == "media/model.html"
    assert (kinds["video"].template, kinds["audio"].template) == ("media/video.html", "media/audio.html")
    for kind in kinds.values():
        assert set(kind.types) == set(kind.served), kind.name  # every served derivative has its MIME type
