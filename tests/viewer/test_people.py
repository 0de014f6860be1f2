"""People of the ICH hall (issue 13, part 3): inheritors' pages, lineage, their visible works, search."""
from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from exhibits.halls import HallsFileError, load_halls
from exhibits.people_models import Person
from ingest.batch import ingest_batch
from tests.support.media import make_photo

PEOPLE = """\
people:
  - slug: wang-delin
    name: {zh: 王德林, en: Wang Delin}
    level: 国家级
    ich: {zh: 铜陵铜雕, en: Tongling copper carving}
  - slug: wang-jianguo
    name: {zh: 王建国, en: Wang Jianguo}
    level: provincial
    ich: {zh: 铜陵铜雕, en: Tongling copper carving}
    region: {zh: 安徽省铜陵市, en: "Tongling, Anhui"}
    master: wang-delin
    portrait: ich-carving
    born: 1962
    summary: {zh: 擅长锻錾浮雕。, en: "Known for chased relief </script><b>bold</b>"}
  - slug: li-xiaojun
    name: {zh: 李小军, en: Li Xiaojun}
    level: city
    master: wang-jianguo
  - slug: chen-xiuying
    name: {zh: 陈秀英, en: Chen Xiuying}
    level: county
    portrait: ich-draft
"""
HEADER = "id,museum,hall,section,title_zh,title_en,files,ich_category,ich_level,inheritor,region\n"
ROWS = [
    "ich-carving,ich,crafts,,铜浮雕,Copper relief,images/relief.jpg,传统美术,省级,王建国,铜陵",
    "ich-tools,ich,crafts,,铜雕工具,Carving tools,,传统美术,省级,Wang  Jianguo,铜陵",
    "ich-trad,ich,crafts,,繁体记录,Traditional record,,传统美术,省级,王建國、李小军,铜陵",
    "ich-other,ich,crafts,,别人的作品,Someone else's work,,传统美术,省级,王建,铜陵",
]
DRAFT = "ich-draft,ich,crafts,,未发布的剪纸,Unpublished papercut,images/cut.jpg,传统美术,县级,王建国;陈秀英,铜陵"


@pytest.fixture
def people_file(tmp_path, halls_file):
    path = tmp_path / "people-halls.yaml"
    path.write_text(halls_file.read_text(encoding="utf-8") + PEOPLE, encoding="utf-8")
    return path


@pytest.fixture
def inheritors(museum_runtime, people_file, tmp_path):
    load_halls(museum_runtime.db, people_file)
    folder = tmp_path / "ich"
    make_photo(folder / "images" / "relief.jpg", 1600, 900)
    make_photo(folder / "images" / "cut.jpg", 600, 600)
    (folder / "batch.csv").write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
    (folder / "draft.csv").write_text(HEADER + DRAFT + "\n", encoding="utf-8")
    results = list(ingest_batch(museum_runtime, metadata=folder / "batch.csv"))
    results += list(ingest_batch(museum_runtime, metadata=folder / "draft.csv", draft=True))
    assert all(r.status == "ingested" for r in results), results
    return museum_runtime


def test_a_persons_page_shows_recognition_lineage_portrait_and_only_visible_works(client, inheritors):
    page = client.get("/people/wang-jianguo?lang=zh")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<h1>王建国</h1>" in html and "省级代表性传承人" in html and "铜陵铜雕" in html and "安徽省铜陵市" in html
    assert re.search(r'class="portrait" src="/iiif/3/[0-9a-f]{64}/full/!320,400/0/default.jpg"', html)
    assert '<dt>师父</dt><dd><a href="/people/wang-delin">王德林</a>' in html
    assert '<dt>徒弟</dt><dd><a href="/people/li-xiaojun">李小军</a>' in html
    tree = html.split('class="lineage-tree"')[1].split("</section>")[0]
    # the tree starts at the earliest master; the page's own person is marked, the others are links
    assert tree.index("王德林") < tree.index("王建国") < tree.index("李小军")
    assert '<strong aria-current="page">王建国</strong>' in tree and tree.count("<ul>") == 2
    works = html.split('id="works-h"')[1]
    for shown in ("/items/ich-carving", "/items/ich-tools", "/items/ich-trad"):
        assert f'href="{shown}"' in works
    assert "/items/ich-other" not in works and "/items/ich-draft" not in works and "未发布" not in html


def test_english_page_and_portraits_only_from_visible_items(client, inheritors):
    html = client.get("/people/wang-jianguo?lang=en").get_data(as_text=True)
    assert "<h1>Wang Jianguo</h1>" in html and "Provincial representative inheritor" in html and "Tongling, Anhui" in html
    assert "&lt;/script&gt;&lt;b&gt;bold" in html and "<b>bold</b>" not in html
    chen = client.get("/people/chen-xiuying?lang=en").get_data(as_text=True)
    assert 'class="portrait"' not in chen and "County representative inheritor" in chen  # its portrait item is a draft
    assert "No works of this inheritor are on show yet." in chen
    assert client.get("/people/nobody").status_code == 404


def test_people_list_and_json_ld(client, inheritors):
    listing = client.get("/people?lang=en").get_data(as_text=True)
    assert [m for m in re.findall(r'href="/people/([a-z-]+)"', listing)] == ["wang-delin", "wang-jianguo", "li-xiaojun", "chen-xiuying"]
    assert "National representative inheritor" in listing
    html = client.get("/people/wang-jianguo?lang=en").get_data(as_text=True)
    script = re.search(r'<script type="application/ld\+json" nonce="[^"]+">(.*?)</script>', html, re.S).group(1)
    data = json.loads(script)
    assert data["@type"] == "Person" and data["name"] == "Wang Jianguo" and data["url"] == "http://museum.test/people/wang-jianguo"
    assert "王建国" in data["alternateName"] and data["birthDate"] == "1962"
    assert data["description"].startswith("Known for chased relief </script>")  # intact as data, escaped in the page
    assert data["image"].startswith("http://museum.test/iiif/3/") and "/full/!1200,1200/0/default.jpg" in data["image"]


def test_ich_item_pages_link_the_inheritor_to_their_page(client, inheritors):
    html = client.get("/items/ich-tools?lang=zh").get_data(as_text=True)
    assert '<a class="inheritor-link" href="/people/wang-jianguo">王建国</a>' in html
    both = client.get("/items/ich-trad?lang=en").get_data(as_text=True)
    assert 'href="/people/wang-jianguo">Wang Jianguo</a>, <a class="inheritor-link" href="/people/li-xiaojun">Li Xiaojun</a>' in both
    other = client.get("/items/ich-other?lang=zh").get_data(as_text=True)
    assert "inheritor-link" not in other and "王建" in other  # no person of that name: the plain value


@pytest.mark.parametrize("q", ["王建国", "王建國", "wang jianguo", "Jianguo", "铜陵铜雕"])
def test_the_search_page_finds_people(client, inheritors, q):
    html = client.get("/search", query_string={"q": q, "lang": "en"}).get_data(as_text=True)
    block = html.split('class="people-hits"')[1].split("</section>")[0]
    assert 'href="/people/wang-jianguo"' in block


def test_a_search_for_nobody_shows_no_people_block(client, inheritors):
    assert 'class="people-hits"' not in client.get("/search?q=青铜鼎").get_data(as_text=True)


@pytest.mark.parametrize("people, expected", [
    ("people:\n  - {slug: a, name: {zh: 甲}}\n  - {slug: a, name: {zh: 乙}}\n", "line 3: person 'a' is already defined on line 2"),
    ("people:\n  - {slug: a, name: {zh: 甲}, master: b}\n", "line 2: master 'b' of person 'a' is not in people"),
    ("people:\n  - {slug: a, name: {zh: 甲}, master: a}\n", "person 'a' cannot be their own master"),
    ("people:\n  - {slug: a, name: {zh: 甲}, master: c}\n  - {slug: b, name: {zh: 乙}, master: a}\n  - {slug: c, name: {zh: 丙}, master: b}\n",
     "line 2: masters go round in a circle: a → c → b → a"),
    ("people:\n  - {slug: a, name: {zh: 甲}, level: world}\n", "line 2: level 'world' of person 'a' is not one of national"),
    ("people:\n  - {slug: a, name: {zh: 甲}, born: last year}\n", "born of person 'a' must be a year"),
    ("people:\n  - {slug: A B, name: {zh: 甲}}\n", "line 2: person slug 'A B' must be lowercase"),
    ("people:\n  - {slug: a}\n", "line 2: missing name"),
    ("people:\n  - {slug: a, name: {zh: 甲}, mentor: b}\n", "unknown key 'mentor' in a person"),
])
def test_a_bad_people_section_is_refused_with_line_numbers_and_nothing_changes(museum_runtime, halls_file, tmp_path, people, expected):
    path = tmp_path / "bad.yaml"
    path.write_text(halls_file.read_text(encoding="utf-8") + people, encoding="utf-8")
    lines = len(halls_file.read_text(encoding="utf-8").splitlines())
    with pytest.raises(HallsFileError) as refused:
        load_halls(museum_runtime.db, path)
    shifted = re.sub(r"line (\d+)", lambda m: f"line {int(m.group(1)) + lines}", expected)
    assert any(shifted in p for p in refused.value.problems), (shifted, refused.value.problems)
    with museum_runtime.db.session() as session:
        assert session.scalars(select(Person)).first() is None


def test_loading_again_updates_people_in_place_and_drops_the_missing(inheritors, people_file, tmp_path, client):
    text = people_file.read_text(encoding="utf-8")
    text = text.replace("  - slug: li-xiaojun\n    name: {zh: 李小军, en: Li Xiaojun}\n    level: city\n    master: wang-jianguo\n", "")
    text = text.replace("level: provincial", "level: national")
    path = tmp_path / "again.yaml"
    path.write_text(text, encoding="utf-8")
    with inheritors.db.session() as session:
        before = session.scalar(select(Person.id).where(Person.slug == "wang-jianguo"))
    load_halls(inheritors.db, path)
    with inheritors.db.session() as session:
        assert session.scalar(select(Person.id).where(Person.slug == "wang-jianguo")) == before
        assert session.scalar(select(Person.level).where(Person.slug == "wang-jianguo")) == "national"
        assert session.scalar(select(Person).where(Person.slug == "li-xiaojun")) is None
    assert client.get("/people/li-xiaojun").status_code == 404
    assert "国家级代表性传承人" in client.get("/people/wang-jianguo?lang=zh").get_data(as_text=True)


def test_the_cli_says_how_many_people_it_loaded(cli, people_file):
    result = cli("halls", "load", str(people_file))
    assert result.exit_code == 0 and "4 people" in result.output


def test_the_workspace_halls_file_keeps_people_and_the_site_block_and_loads_back(app, inheritors, tmp_path, halls_file):
    from tests.support.curators import add_users, log_in

    site = "site:\n  title: {zh: 江城馆, en: Jiangcheng}\n  icp: 鄂ICP备20231234号\n"
    path = tmp_path / "with-site.yaml"
    path.write_text(site + halls_file.read_text(encoding="utf-8"), encoding="utf-8")
    load_halls(inheritors.db, path)
    add_users(inheritors)
    client = app.test_client()
    log_in(client, "admin")
    text = client.get("/curator/halls/halls.yaml").get_data(as_text=True)
    assert text.startswith("site:") and "icp: 鄂ICP备20231234号" in text and "master: wang-delin" in text
    saved = tmp_path / "download.yaml"
    saved.write_text(text, encoding="utf-8")
    with inheritors.db.session() as session:
        before = {p.slug: (p.name, p.level, p.master_id is not None) for p in session.scalars(select(Person))}
    load_halls(inheritors.db, saved)
    with inheritors.db.session() as session:
        assert {p.slug: (p.name, p.level, p.master_id is not None) for p in session.scalars(select(Person))} == before
    curator = app.test_client()
    log_in(curator, "copper")
    assert "site:" not in curator.get("/curator/halls/halls.yaml").get_data(as_text=True)


def test_people_pages_keep_their_place_when_the_language_changes(client, inheritors):
    html = client.get("/people/wang-jianguo?lang=zh").get_data(as_text=True)
    assert 'href="/people/wang-jianguo?lang=en"' in html and 'hreflang="en" href="http://museum.test/people/wang-jianguo?lang=en"' in html
    assert '<link rel="canonical" href="http://museum.test/people/wang-jianguo?lang=zh">' in html
    english = client.get("/people/wang-jianguo?lang=en").get_data(as_text=True)
    assert '<p class="alt-title" lang="zh-Hans">王建国</p>' in english
