"""A curator's batch upload in headless Chromium: Uppy over tus, a real worker, a bad file replaced, publishing."""
from __future__ import annotations

from tests.support.live import wait_until
import pytest

from tests.support.media import make_photo
from tests.support.uploads import PASSWORD, add_accounts
from tests.support.workers import Workers

pytestmark = pytest.mark.browser

CSV = (
    "id,museum,hall,section,title_zh,title_en,files\n"
    "cu-ding,copper,mirrors,,兽面纹鼎,Ding with <b>taotie</b>,images/ding.jpg\n"
    "cu-mirror,copper,mirrors,,四乳镜,Mirror with four nipples,mirror.png\n"
    "cu-vase,copper,mirrors,,铜瓶,Copper vase,vase.jpg\n"
)


@pytest.fixture
def batch(tmp_path):
    folder = tmp_path / "batch"
    make_photo(folder / "ding.jpg", 640, 480)
    make_photo(folder / "mirror.png", 400, 400)
    good = make_photo(tmp_path / "fixed" / "vase.jpg", 300, 450)
    (folder / "vase.jpg").write_bytes(good.read_bytes()[:700])  # cut off: a truncated JPEG
    (folder / "batch.csv").write_text(CSV, encoding="utf-8")
    return folder, good


@pytest.fixture
def worker(museum_runtime, tmp_path):
    pool = Workers(museum_runtime.settings, tmp_path)
    pool.start()
    yield pool
    pool.stop()


def log_in(page, site: str, lang: str) -> None:
    page.goto(f"{site}/curator/login?lang={lang}")
    page.fill("input[name=name]", "alice")
    page.fill("input[name=password]", PASSWORD)
    page.click(".login-panel button[type=submit]")
    page.wait_for_url("**/curator/")


def test_batch_upload_progress_failure_replacement_and_publishing(live_url, chromium, museum_runtime, batch, worker, tmp_path):
    add_accounts(museum_runtime)
    folder, good = batch
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    log_in(page, live_url, "zh")
    page.goto(f"{live_url}/curator/uploads")
    page.wait_for_selector(".uppy-Dashboard")
    assert page.locator("h1").inner_text() == "上传文件"
    page.select_option("#upload-museum", "copper")
    page.set_input_files(".uppy-Dashboard-input >> nth=0", [str(folder / n) for n in ("ding.jpg", "mirror.png", "vase.jpg", "batch.csv")])
    page.wait_for_selector("#start-ingest:not([disabled])", timeout=60000)
    page.click("#start-ingest")
    page.wait_for_url("**/curator/jobs/*")
    page.wait_for_selector("#job[data-state=done]", timeout=120000)

    rows = page.locator("#job-files tr")
    assert rows.count() == 3
    failed = page.locator("#job-files tr[data-status=failed]")
    assert failed.count() == 1
    assert failed.locator("td").nth(0).inner_text() == "vase.jpg"
    assert "vase.jpg: corrupt or unreadable JPEG" in failed.locator("td").nth(3).inner_text()
    assert page.locator("#job-state").inner_text() == "已完成"

    # replace only the bad file: the other two are not uploaded again
    patches = []
    page.on("request", lambda r: patches.append(r.url) if r.method == "PATCH" else None)
    page.set_input_files("input[data-replace='vase.jpg']", str(good))
    wait_until(page, "document.querySelectorAll('#job-files tr[data-status=ingested]').length === 3", timeout=120)
    assert len(patches) == 1
    page.click("#job-publish button")
    page.wait_for_selector(".notice")
    assert "cu-vase" in page.locator(".notice").inner_text()

    visitor = chromium.new_context().new_page()
    visitor.goto(f"{live_url}/museums/copper/halls/mirrors?lang=en")
    hall = visitor.locator("main").inner_text()
    assert "Ding with <b>taotie</b>" in hall and "Mirror with four nipples" in hall and "Copper vase" in hall
    assert errors == []
    page.close()
    visitor.close()
