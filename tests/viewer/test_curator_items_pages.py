"""The item pages of the workspace: list, edit form with validation and stale-edit message, files, history."""
from __future__ import annotations

import html
import re

import pytest

from tests.support.curators import add_users, csrf_token, log_in


@pytest.fixture
def copper(app, museum_runtime, ingested):
    add_users(museum_runtime)
    client = app.test_client()
    log_in(client, "copper")
    return client


def _form(client, item_id: str) -> dict[str, str]:
    page = client.get(f"/curator/items/{item_id}").get_data(as_text=True)
    return {"csrf_token": csrf_token(client, f"/curator/items/{item_id}"),
            "etag": html.unescape(re.search(r'name="etag" value="([^"]+)"', page).group(1))}


def test_list_filters_and_shows_only_own_museums(copper, app):
    page = copper.get("/curator/items/?state=draft").get_data(as_text=True)
    assert "cu-draft" in page and "cu-ding" not in page
    assert "cu-ding" in copper.get("/curator/items/?q=TL-CU-0001").get_data(as_text=True)
    assert copper.get("/curator/items/?museum=ich").status_code == 403
    ich = app.test_client()
    log_in(ich, "ich")
    assert "cu-ding" not in ich.get("/curator/items/").get_data(as_text=True)
    assert ich.get("/curator/items/cu-ding").status_code == 403


def test_edit_form_saves_and_escapes(copper, client):
    form = _form(copper, "cu-ding")
    page = copper.get("/curator/items/cu-ding").get_data(as_text=True)
    assert "Ding with &lt;b&gt;taotie&lt;/b&gt;" in page and "<b>taotie</b>" not in page
    saved = copper.post("/curator/items/cu-ding", data={**form, "title.zh": "兽面纹鼎", "title.en": 'Ding <img src=x onerror=alert(1)>',
                                                        "material.zh": "青铜\n锡", "date_start": "-1600", "date_end": "-1046"})
    assert saved.status_code == 302
    public = client.get("/items/cu-ding?lang=en").get_data(as_text=True)
    assert "&lt;img src=x onerror=alert(1)&gt;" in public and "<img src=x" not in public
    page = copper.get("/curator/items/cu-ding").get_data(as_text=True)
    assert "已保存" in page and "青铜\n锡" in page


def test_invalid_values_get_a_message_next_to_the_field(copper):
    form = _form(copper, "cu-ding")
    answer = copper.post("/curator/items/cu-ding", data={**form, "title.zh": "鼎", "title.en": "", "date_start": "商代"})
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert 'id="e-date_start"' in page and "must be a year" in page
    assert 'value="商代"' in page  # what the curator typed is kept


def test_a_stale_form_shows_both_versions_and_overwrites_nothing(copper, app, museum_runtime):
    form = _form(copper, "cu-ding")
    other = app.test_client()
    log_in(other, "admin")
    first = other.post("/curator/items/cu-ding", data={**_form(other, "cu-ding"), "title.zh": "他人的标题"})
    assert first.status_code == 302
    answer = copper.post("/curator/items/cu-ding", data={**form, "title.zh": "我的标题"})
    assert answer.status_code == 409
    page = answer.get_data(as_text=True)
    assert "其他人已保存" in page and "他人的标题" in page and "我的标题" in page
    assert "他人的标题" in copper.get("/curator/api/items/cu-ding").get_data(as_text=True)
    # the form now carries the saved version's ETag: saving again is a deliberate overwrite
    new_tag = html.unescape(re.search(r'name="etag" value="([^"]+)"', page).group(1))
    again = copper.post("/curator/items/cu-ding", data={"csrf_token": form["csrf_token"], "etag": new_tag, "title.zh": "我的标题"})
    assert again.status_code == 302


def test_files_reorder_without_javascript_and_history_restores(copper):
    page = copper.get("/curator/items/cu-ding").get_data(as_text=True)
    order = re.findall(r'name="order" value="(\d+)"', page)
    assert len(order) == 2 and page.index("ding.jpg") < page.index("ding-back.png")
    form = _form(copper, "cu-ding")
    moved = copper.post("/curator/items/cu-ding/assets", data={**form, "order": order, "move": f"down:{order[0]}"})
    assert moved.status_code == 302
    page = copper.get("/curator/items/cu-ding").get_data(as_text=True)
    assert page.index("ding-back.png") < page.index("ding.jpg", page.index('id="files"'))
    form = _form(copper, "cu-ding")
    copper.post("/curator/items/cu-ding", data={**form, "title.zh": "改过的名称"})
    page = copper.get("/curator/items/cu-ding").get_data(as_text=True)
    revisions = re.findall(r'/curator/items/cu-ding/restore/(\d+)', page)
    form = _form(copper, "cu-ding")
    restored = copper.post(f"/curator/items/cu-ding/restore/0", data=form)
    assert restored.status_code == 302 and len(revisions) >= 2
    assert copper.get("/curator/api/items/cu-ding").json["title"]["zh"] == ["兽面纹鼎"]


def test_publication_buttons_and_delete_needs_the_id(copper, client):
    form = _form(copper, "cu-draft")
    copper.post("/curator/items/cu-draft/publication", data={**form, "action": "publish"})
    assert client.get("/items/cu-draft").status_code == 200
    refused = copper.post("/curator/items/cu-draft/delete", data={"csrf_token": form["csrf_token"], "confirm": "x"})
    assert refused.status_code == 302 and copper.get("/curator/items/cu-draft").status_code == 200
    copper.post("/curator/items/cu-draft/delete", data={"csrf_token": form["csrf_token"], "confirm": "cu-draft"})
    assert copper.get("/curator/items/cu-draft").status_code == 404
    assert client.get("/items/cu-draft").status_code == 404
