"""An item page shows the catalogue's multi-line descriptions as paragraphs and line breaks, escaped."""
from __future__ import annotations

from lxml import html

from ingest.batch import ingest_batch


def test_multi_line_descriptions_become_paragraphs(client, museum_runtime, tmp_path):
    path = tmp_path / "batch.csv"
    description = "商代晚期青铜礼器。\n口沿下饰兽面纹<script>x()</script>\n\n腹部饰云雷纹。"
    quoted = '"' + description.replace('"', '""') + '"'
    path.write_bytes(("id,museum,hall,title_zh,description_zh,files\r\n"
                      f"cu-1,copper,mirrors,鼎,{quoted},\r\n").encode("utf-8-sig"))
    assert [r.status for r in ingest_batch(museum_runtime, metadata=path)] == ["ingested"]
    page = client.get("/items/cu-1?lang=zh")
    assert page.status_code == 200
    assert b"<script>x()" not in page.data
    [section] = html.fromstring(page.data).xpath("//section[@class='description']")
    paragraphs = section.findall("p")
    assert [p.text_content() for p in paragraphs] == ["商代晚期青铜礼器。口沿下饰兽面纹<script>x()</script>", "腹部饰云雷纹。"]
    assert len(paragraphs[0].findall("br")) == 1 and not paragraphs[1].findall("br")
