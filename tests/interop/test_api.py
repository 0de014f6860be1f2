"""The JSON API for museums, halls and items: records, paging, bad parameters, caching, links
built from JINSHI_BASE_URL (never from a forged Host), and schemathesis (a client we did not
write) run against the live app over its own OpenAPI 3.1 document."""
from __future__ import annotations

import subprocess
import sys

from tests.interop.conftest import set_publication


def test_museums_and_halls(client, catalogue):
    museums = client.get("/api/museums").json
    assert [m["slug"] for m in museums["museums"]] == ["copper", "ich"]
    copper = museums["museums"][0]
    assert copper["title"] == {"zh": ["铜陵数字铜博物馆"], "en": ["Tongling Digital Copper Museum"]}
    assert [h["slug"] for h in copper["halls"]] == ["bronze-vessels", "mirrors"]
    assert copper["items"] == 21  # 1 + 10 + 10 published (rec-00007 withdrawn, the draft unseen)
    one = client.get("/api/museums/copper").json
    assert {h["slug"]: h["items"] for h in one["halls"]} == {"bronze-vessels": 11, "mirrors": 10}
    assert one["links"]["collection"] == "http://museum.test/iiif/museums/copper/collection"
    hall = client.get("/api/halls/mirrors?per_page=4&page=3").json
    assert (hall["total"], hall["page"], hall["per_page"], len(hall["items"])) == (10, 3, 4, 2)
    every = [i["id"] for p in (1, 2, 3) for i in client.get(f"/api/halls/mirrors?per_page=4&page={p}").json["items"]]
    assert len(every) == len(set(every)) == 10 and "cu-draft" not in every and "rec-00007" not in every
    assert client.get("/api/halls/mirrors?page=99").json["items"] == []
    item = client.get(f"/api/items/{every[0]}").json
    assert item["links"]["manifest"] == f"http://museum.test/iiif/items/{every[0]}/manifest"
    assert item["links"]["oai_dc"].startswith("http://museum.test/oai?verb=GetRecord")


def test_bad_parameters_are_400_naming_the_field(client, catalogue):
    for query, word in (("page=0", "page"), ("page=-1", "page"), ("page=abc", "page"), ("per_page=101", "per_page"),
                        ("per_page=99999999999999999999", "per_page"), ("page=１", "page"), ("colour=red", "colour")):
        response = client.get(f"/api/halls/mirrors?{query}")
        assert response.status_code == 400, query
        assert word in response.json["message"], (query, response.json)
    assert client.get("/api/museums?x=1").status_code == 400
    for path in ("/api/museums/nope", "/api/halls/nope", "/api/items/cu-draft", "/api/items/rec-00007"):
        response = client.get(path)
        assert response.status_code == 404 and response.is_json, path


def test_withdrawn_hall_disappears(client, catalogue):
    from tests.interop.conftest import set_hall_publication

    set_hall_publication(catalogue.db, "crafts", "withdrawn")
    assert client.get("/api/halls/crafts").status_code == 404
    assert client.get("/api/museums/ich").json["halls"] == []


def test_conditional_api_records(client, catalogue):
    for path in ("/api/museums", "/api/museums/copper", "/api/halls/mirrors", "/api/items/cu-mirror"):
        first = client.get(path)
        assert first.headers["ETag"] and first.headers["Last-Modified"], path
        assert client.get(path, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304, path
    etag = client.get("/api/museums/copper").headers["ETag"]
    set_publication(catalogue.db, "cu-mirror", "withdrawn")
    assert client.get("/api/museums/copper", headers={"If-None-Match": etag}).status_code == 200


def test_links_ignore_a_forged_host(client, catalogue):
    forged = {"Host": "evil.example"}
    for path in ("/api/museums", "/api/halls/mirrors", "/api/items/cu-mirror", "/api/openapi.json", "/iiif/collection",
                 "/iiif/activity/all-changes"):
        body = client.get(path, headers=forged).get_data(as_text=True)
        assert "evil.example" not in body and "http://museum.test" in body, path
    assert b"evil.example" not in client.get("/oai?verb=Identify", headers=forged).data


def test_openapi_document_describes_every_api_route(client, app):
    document = client.get("/api/openapi.json").json
    assert document["openapi"].startswith("3.1")
    ours = {rule.rule.replace("<item_id>", "{item}").replace("<slug>", "{slug}")
            for rule in app.url_map.iter_rules() if rule.endpoint.split(".")[0] in ("api", "search") and rule.rule.startswith("/api/")}
    assert ours == {"/api/search", "/api/items/{item}", "/api/openapi.json", "/api/museums", "/api/museums/{slug}", "/api/halls/{slug}"}
    assert ours <= set(document["paths"])


def test_schemathesis_finds_no_server_error_and_no_schema_break(live, tmp_path):
    checks = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
    run = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "run", f"{live}/api/openapi.json", "--checks", checks,
         "--max-examples", "12", "--seed", "1", "--phases", "examples,coverage,fuzzing", "--request-timeout", "30",
         "--report-dir", str(tmp_path), "--no-color"],
        capture_output=True, text=True, timeout=900,
    )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    import re

    ran = re.search(r"(\d+) generated, (\d+) passed", run.stdout)
    assert ran and int(ran.group(1)) == int(ran.group(2)) > 100, run.stdout[-3000:]
    assert "Missing test data" not in run.stdout, run.stdout[-3000:]  # the examples reach real records
