"""The site's own name, tagline, footer, contact, about page and filing numbers (issue 13, part 7)."""
from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from sqlalchemy import select

from exhibits.halls import HallsFileError, load_halls
from exhibits.i18n import to_traditional as hant
from exhibits.models import AuditEntry
from tests.support.curators import add_users, csrf_token, log_in

SITE_BLOCK = """\
site:
  title: {zh: 江城数字文化馆, en: Jiangcheng Digital Heritage}
  tagline: {zh: 江城的千年手艺, en: "A thousand years of <crafts> & songs"}
  footer: {zh: 江城市文化局主办, en: Run by the Jiangcheng Culture Bureau}
  contact: {zh: 江城市人民路 8 号, en: "8 Renmin Road, Jiangcheng"}
  about:
    zh: |-
      第一段介绍。

      第二段介绍。
    en: First paragraph.
  icp: 鄂ICP备20231234号-2
  police: 鄂公网安备 42010602001234号
"""
#: Names that belong to the demo (and to the software), never to a museum that installs it.
DEMO_NAMES = ("铜陵文化云", "Tongling Culture Cloud", "铜陵数字铜博物馆 · 美术馆", "Copper museum · Art museum",
              "Jinshi Digital Museums", "金石数字博物馆", ">金石<")


def _with_site(tmp_path, halls_file, block: str = SITE_BLOCK):
    path = tmp_path / "site-halls.yaml"
    path.write_text(block + halls_file.read_text(encoding="utf-8"), encoding="utf-8")
    return path


@pytest.mark.parametrize("lang, name, tagline, footer", [
    ("zh", "江城数字文化馆", "江城的千年手艺", "江城市文化局主办"),
    ("en", "Jiangcheng Digital Heritage", "A thousand years of &lt;crafts&gt; &amp; songs", "Run by the Jiangcheng Culture Bureau"),
    ("zh-Hant", "江城數字文化館", "江城的千年手藝", "江城市文化局主辦"),  # converted, the block has no zh-Hant
])
def test_the_museums_own_site_block_shows_on_home_footer_and_about(app, museum_runtime, halls_file, tmp_path,
                                                                  lang, name, tagline, footer):
    load_halls(museum_runtime.db, _with_site(tmp_path, halls_file))
    client = app.test_client()
    home = client.get(f"/?lang={lang}").get_data(as_text=True)
    assert f"<h1>{name}</h1>" in home and f'class="lede">{tagline}</p>' in home
    assert f"<title>" in home and f"· {name}</title>" in home
    assert 'class="brand-name">' + name in home
    assert footer in home.split('class="site-footer"')[1]
    assert '<a href="https://beian.miit.gov.cn/" rel="noopener" target="_blank" lang="zh-Hans">鄂ICP备20231234号-2</a>' in home
    assert 'href="https://beian.mps.gov.cn/#/query/webSearch?code=42010602001234"' in home
    about = client.get(f"/about?lang={lang}")
    assert about.status_code == 200
    page = about.get_data(as_text=True)
    if lang == "en":
        assert "<p>First paragraph.</p>" in page and "8 Renmin Road" in page
    else:
        zh = (lambda t: t) if lang == "zh" else hant
        assert f"<p>{zh('第一段介绍。')}</p>" in page and f"<p>{zh('第二段介绍。')}</p>" in page and zh("江城市人民路 8 号") in page
    for leaked in DEMO_NAMES:
        assert leaked not in home and leaked not in page


@pytest.mark.parametrize("path", ["/", "/about", "/museums/copper", "/search?q=x", "/people", "/no-such-page"])
def test_without_a_site_block_a_neutral_name_shows_and_no_demo_name_leaks(client, path):
    for lang, neutral in (("zh", "数字博物馆"), ("en", "Digital Museum")):
        page = client.get(f"{path}{'&' if '?' in path else '?'}lang={lang}").get_data(as_text=True)
        assert f"· {neutral}</title>" in page and f'class="brand-name">{neutral}</span>' in page
        for leaked in DEMO_NAMES:
            assert leaked not in page, (path, leaked)
        assert "beian" not in page  # no filing numbers made up


def test_iiif_and_oai_name_the_site_from_its_block(app, museum_runtime, halls_file, tmp_path):
    client = app.test_client()
    assert client.get("/iiif/collection").get_json()["label"] == {"zh": ["数字博物馆"], "en": ["Digital Museum"]}
    load_halls(museum_runtime.db, _with_site(tmp_path, halls_file))
    assert client.get("/iiif/collection").get_json()["label"]["en"] == ["Jiangcheng Digital Heritage"]
    identify = client.get("/oai?verb=Identify").get_data(as_text=True)
    assert "<repositoryName>江城数字文化馆 · Jiangcheng Digital Heritage</repositoryName>" in identify


def test_reloading_without_the_block_keeps_the_site(app, museum_runtime, halls_file, tmp_path):
    load_halls(museum_runtime.db, _with_site(tmp_path, halls_file))
    load_halls(museum_runtime.db, halls_file)
    assert "江城数字文化馆" in app.test_client().get("/?lang=zh").get_data(as_text=True)


@pytest.mark.parametrize("block, expected", [
    ("site:\n  title: {zh: 好}\n  icp: 12345\n", "line 3: site icp '12345' is not an ICP filing number"),
    ("site:\n  police: 皖公网安备号\n", "line 2: site police '皖公网安备号' has no record code"),
    ("site:\n  titel: {zh: 好}\n", "line 2: unknown key 'titel' in the site block; did you mean 'title'?"),
    ("site:\n  tagline: {zh: \"" + "长" * 201 + "\"}\n", "line 2: site tagline.zh is 201 characters long (at most 200)"),
    ("site:\n  footer: {klingon!: x}\n", "line 2: footer: 'klingon!' is not a language code"),
    ("site:\n  title: {zh: \"a\\x07b\"}\n", "site title.zh contains a control character"),
    ("site:\n  logo: missing.png\n", "line 2: site logo 'missing.png' cannot be read"),
    ("site:\n  logo: notes.txt\n", "line 2: site logo 'notes.txt' is not a readable image"),
])
def test_a_bad_site_block_is_refused_with_its_line_and_nothing_is_written(app, museum_runtime, halls_file, tmp_path, block, expected):
    (tmp_path / "notes.txt").write_text("not an image")
    with pytest.raises(HallsFileError) as refused:
        load_halls(museum_runtime.db, _with_site(tmp_path, halls_file, block))
    assert any(expected in problem for problem in refused.value.problems), refused.value.problems
    assert "数字博物馆" in app.test_client().get("/?lang=zh").get_data(as_text=True)


def _png(size=(64, 32), color=(168, 50, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def test_the_logo_from_the_file_is_served_by_its_hash(app, museum_runtime, halls_file, tmp_path):
    (tmp_path / "logo.png").write_bytes(_png())
    load_halls(museum_runtime.db, _with_site(tmp_path, halls_file, SITE_BLOCK + "  logo: logo.png\n"))
    client = app.test_client()
    home = client.get("/").get_data(as_text=True)
    src = re.search(r'<img class="site-logo" src="([^"]+)"', home).group(1)
    logo = client.get(src)
    assert logo.status_code == 200 and logo.mimetype == "image/png" and logo.data == _png()
    assert "immutable" in logo.headers["Cache-Control"]
    assert client.get("/site/logo/" + "0" * 64).status_code == 404
    assert 'class="seal"' not in home


@pytest.fixture
def admin(app, museum_runtime):
    add_users(museum_runtime)
    client = app.test_client()
    log_in(client, "admin")
    client.token = csrf_token(client, "/curator/site/")
    return client


def test_an_admin_edits_the_site_in_the_workspace_and_it_is_audited(admin, app, museum_runtime):
    answer = admin.post("/curator/site/", data={
        "csrf_token": admin.token, "title.zh": "河口数字馆", "title.en": "Hekou <Digital>", "tagline.zh": "河口记忆",
        "icp": "赣ICP备11112222号", "police": "", "logo": (io.BytesIO(_png()), "logo.png"),
    }, content_type="multipart/form-data")
    assert answer.status_code == 302
    page = app.test_client().get("/?lang=en").get_data(as_text=True)
    assert "<h1>Hekou &lt;Digital&gt;</h1>" in page and "赣ICP备11112222号" in page and 'class="site-logo"' in page
    with museum_runtime.db.session() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "site.edit")).one()
        assert entry.actor == "admin" and entry.target == "site" and {"title", "icp", "logo"} <= set(entry.details["fields"])


def test_the_form_refuses_bad_values_naming_the_field_and_keeps_the_old_site(admin, app):
    answer = admin.post("/curator/site/", data={
        "csrf_token": admin.token, "title.zh": "新名字", "icp": "not a number", "logo": (io.BytesIO(b"GIF89a broken"), "x.gif"),
    }, content_type="multipart/form-data")
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert "<strong>icp</strong>" in page and "is not an ICP filing number" in page and "<strong>logo</strong>" in page
    assert 'value="新名字"' in page  # what was typed stays in the form
    assert "新名字" not in app.test_client().get("/?lang=zh").get_data(as_text=True)


def test_curators_who_are_not_admins_cannot_edit_the_site(app, museum_runtime):
    add_users(museum_runtime)
    client = app.test_client()
    log_in(client, "copper")
    assert client.get("/curator/site/").status_code == 403
    token = csrf_token(client, "/curator/")
    assert client.post("/curator/site/", data={"csrf_token": token, "title.zh": "夺取"}).status_code == 403
    assert app.test_client().post("/curator/site/", data={"title.zh": "夺取"}).status_code in (302, 400, 401, 403)
    assert "夺取" not in app.test_client().get("/?lang=zh").get_data(as_text=True)
