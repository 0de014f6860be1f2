"""One registry for media kinds: pluggy hooks, with the built-in kinds as default plugins."""
from __future__ import annotations

import sys

import pytest

from ingest import plugins
from media.detect import Detected
from ingest.handlers import AssetFacts
from media.kinds import MediaKind, hookimpl
from media.store import atomic_path
from tests.support.media import make_pdf


class PdfHandler:
    def process(self, store, settings, sha256, media):
        with atomic_path(store.derivative_path(sha256, "first-page.txt")) as tmp:
            tmp.write_text("page 1", encoding="utf-8")
        return AssetFacts(kind="document", mime=media.detected.mime, info={"pages": 1}), []


class PdfPlugin:
    """What another package would register under the ``jinshi`` entry point group."""

    @hookimpl
    def sniff(self, path, head):
        return Detected("document", "application/pdf", "pdf", "PDF document") if head.startswith(b"%PDF-") else None

    @hookimpl
    def media_kinds(self):
        return [MediaKind("document", PdfHandler(), derivatives=("first-page.txt",))]


@pytest.fixture
def pdf_plugin():
    manager = plugins.manager()
    manager.register(PdfPlugin(), "pdf")
    yield
    manager.unregister(name="pdf")


def test_the_built_in_kinds_are_default_plugins():
    kinds = plugins.media_kinds()
    assert sorted(kinds) == ["audio", "image", "model", "video"]
    assert kinds["model"].derivatives == ("model.glb", "model-web.glb", "thumbnail.jpg")
    assert kinds["video"].still == "poster.jpg"
    assert set(plugins.DEFAULT_PLUGINS) <= {name for name, _ in plugins.manager().list_name_plugin()}


def test_a_plugin_adds_a_kind_of_media_end_to_end(museum_runtime, tmp_path, pdf_plugin, cli):
    from sqlalchemy import select

    from exhibits.models import Asset
    from ingest.batch import ingest_batch

    make_pdf(tmp_path / "report.pdf")
    (tmp_path / "batch.csv").write_text("id,museum,hall,title_zh,files\ndoc,ich,crafts,报告,report.pdf\n", encoding="utf-8")
    [result] = ingest_batch(museum_runtime, metadata=tmp_path / "batch.csv")
    assert result.status == "ingested", result.error
    with museum_runtime.db.session() as session:
        [asset] = session.scalars(select(Asset).where(Asset.item_id == "doc"))
        assert (asset.kind, asset.mime, asset.info) == ("document", "application/pdf", {"pages": 1})
    # its derivatives are checked and re-made like the built-in ones
    museum_runtime.store.derivative_path(asset.sha256, "first-page.txt").unlink()
    assert cli("verify").exit_code == 1
    assert cli("verify", "--repair").exit_code == 0
    assert museum_runtime.store.derivative_path(asset.sha256, "first-page.txt").read_text() == "page 1"


def test_without_the_plugin_the_same_file_is_refused(museum_runtime, tmp_path):
    from ingest.batch import ingest_batch

    make_pdf(tmp_path / "report.pdf")
    (tmp_path / "batch.csv").write_text("id,museum,hall,title_zh,files\ndoc,ich,crafts,报告,report.pdf\n", encoding="utf-8")
    [result] = ingest_batch(museum_runtime, metadata=tmp_path / "batch.csv")
    assert result.status == "failed" and "unsupported file" in result.error


def test_a_default_plugin_that_fails_to_import_is_an_error_not_an_unsupported_kind(monkeypatch):
    monkeypatch.setitem(sys.modules, "ingest.handlers.av", None)  # importing it raises ImportError
    plugins.manager.cache_clear()
    try:
        with pytest.raises(ImportError):
            plugins.manager()
    finally:
        monkeypatch.undo()
        plugins.manager.cache_clear()
    assert "video" in plugins.media_kinds()


def _fresh_process(code: str) -> str:
    import os
    import subprocess
    from pathlib import Path

    root = str(Path(__file__).resolve().parents[2])
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=root,
                          env={**os.environ, "PYTHONPATH": root})
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def test_a_process_holding_a_runtime_has_the_built_in_kinds():
    """The CLI (jinshi index rebuild, export, verify) holds a Runtime and no Flask app: its manifests and the
    stills of its search documents need the kinds all the same."""
    assert _fresh_process("import viewer.runtime\nfrom media.kinds import media_kinds\n"
                          "print(sorted(media_kinds()))") == "['audio', 'image', 'model', 'video']"


def test_without_the_kinds_a_still_is_an_error_not_silently_missing():
    code = ("from types import SimpleNamespace as NS\nfrom media.kinds import NoMediaKinds\n"
            "from search.documents import still_url\n"
            "try:\n    still_url(NS(assets=[NS(kind='image', sha256='0' * 64, width=10, height=10)]))\n"
            "except NoMediaKinds:\n    print('refused')\n")
    assert _fresh_process(code) == "refused"
