"""IIIF Change Discovery 1.0 and the site's IIIF collections: a harvester reading the change
log from the last page back reaches exactly what a full crawl of the collections reaches,
before and after publishing, withdrawing and editing; every collection loads back into
iiif-prezi3; large halls nest page collections; ETag/Last-Modified and CORS."""
from __future__ import annotations

import time

from iiif_prezi3 import Collection, Manifest

from exhibits import activity, iiif
from tests.interop.conftest import ingest_rows, set_hall_publication, set_publication

BASE = "http://museum.test"


def local(url: str) -> str:
    assert url.startswith(BASE), url
    return url[len(BASE):]


def fetch(client, url: str) -> dict:
    response = client.get(local(url))
    assert response.status_code == 200, (url, response.status_code)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    return response.json


def discover(client) -> tuple[set[str], set[str]]:
    """What a Change Discovery harvester learns: (live objects, deleted objects), reading backwards."""
    collection = fetch(client, f"{BASE}/iiif/activity/all-changes")
    assert collection["type"] == "OrderedCollection"
    url = collection["last"]["id"]
    seen: set[str] = set()
    live: set[str] = set()
    count = 0
    previous_end = None
    while url:
        page = fetch(client, url)
        assert page["partOf"]["id"] == collection["id"]
        for entry in reversed(page["orderedItems"]):
            count += 1
            assert entry["type"] in ("Create", "Update", "Delete")
            assert previous_end is None or entry["endTime"] <= previous_end  # newest last
            previous_end = entry["endTime"]
            target = entry["object"]["id"]
            if target in seen:
                continue
            seen.add(target)
            if entry["type"] != "Delete":
                live.add(target)
        url = page.get("prev", {}).get("id")
    assert count == collection["totalItems"]
    return live, seen - live


def crawl(client) -> set[str]:
    """Everything reachable from the site collection (itself excluded), each document loaded into iiif-prezi3."""
    found: set[str] = set()
    queue = [f"{BASE}/iiif/collection"]
    while queue:
        url = queue.pop()
        document = fetch(client, url)
        Collection(**document)
        for member in document["items"]:
            if member["type"] == "Collection":
                queue.append(member["id"])
                if "/collection/" not in member["id"]:  # a hall's page collections are not in the change log
                    found.add(member["id"])
            else:
                found.add(member["id"])
    return found


def test_discovery_from_the_last_page_back_matches_a_full_crawl(client, catalogue, monkeypatch, tmp_path):
    monkeypatch.setattr(activity, "PAGE_SIZE", 7)
    live, deleted = discover(client)
    assert live == crawl(client)
    assert f"{BASE}/iiif/items/rec-00007/manifest" in deleted
    assert f"{BASE}/iiif/items/cu-draft/manifest" not in live | deleted  # drafts are never announced
    # publish, withdraw, edit, withdraw a whole hall: both views still agree
    set_publication(catalogue.db, "rec-00007", "published")
    set_publication(catalogue.db, "cu-mirror", "withdrawn")
    ingest_rows(catalogue, tmp_path / "edit.csv", [{"id": "rec-00003", "museum": "copper", "hall": "bronze-vessels",
                                                      "title_en": "Moved and edited"}])
    set_hall_publication(catalogue.db, "crafts", "withdrawn")
    live, deleted = discover(client)
    assert live == crawl(client)
    assert f"{BASE}/iiif/halls/crafts/collection" in deleted
    assert f"{BASE}/iiif/items/ich-paper/manifest" in deleted
    assert f"{BASE}/iiif/items/rec-00007/manifest" in live
    assert client.get("/iiif/halls/crafts/collection").status_code == 404
    last = fetch(client, fetch(client, f"{BASE}/iiif/activity/all-changes")["last"]["id"])
    assert [e["type"] for e in last["orderedItems"]][-1] == "Delete"


def test_pages_of_the_change_log(client, catalogue, monkeypatch):
    monkeypatch.setattr(activity, "PAGE_SIZE", 10)
    top = fetch(client, f"{BASE}/iiif/activity/all-changes")
    assert top["@context"] == "http://iiif.io/api/discovery/1/context.json"
    first = fetch(client, top["first"]["id"])
    assert "prev" not in first and first["next"]["id"].endswith("/1") and first["startIndex"] == 0
    for bad in ("/iiif/activity/all-changes/-1", "/iiif/activity/all-changes/99", "/iiif/activity/all-changes/x",
                "/iiif/activity/all-changes/99999999999999999999999"):
        response = client.get(bad)
        assert response.status_code == 404 and response.is_json, bad


def test_collections_link_up_and_out(client, catalogue):
    site = fetch(client, f"{BASE}/iiif/collection")
    assert [m["id"] for m in site["items"]] == [f"{BASE}/iiif/museums/copper/collection", f"{BASE}/iiif/museums/ich/collection"]
    museum = fetch(client, f"{BASE}/iiif/museums/copper/collection")
    assert museum["partOf"][0]["id"] == site["id"]
    assert museum["provider"][0]["type"] == "Agent" and museum["provider"][0]["label"]["en"] == ["Tongling Digital Copper Museum"]
    hall = fetch(client, f"{BASE}/iiif/halls/mirrors/collection")
    assert hall["partOf"][0]["id"] == museum["id"]
    assert hall["homepage"][0]["id"] == f"{BASE}/museums/copper/halls/mirrors"
    see_also = {s["format"]: s["id"] for s in hall["seeAlso"]}
    assert see_also["application/json"] == f"{BASE}/api/halls/mirrors"
    oai_page = client.get(local(see_also["text/xml"]))
    assert b"<ListRecords>" in oai_page.data and b"cu-mirror" in oai_page.data
    manifest = fetch(client, hall["items"][0]["id"])
    Manifest(**manifest)
    assert manifest["partOf"][0]["id"] == hall["id"]
    assert manifest["provider"][0]["homepage"][0]["id"] == f"{BASE}/museums/copper"
    dc = next(s for s in manifest["seeAlso"] if s["format"] == "text/xml")
    record = client.get(local(dc["id"]))
    assert b"<dc:title" in record.data and b"<error" not in record.data


def test_large_halls_nest_page_collections(client, catalogue, monkeypatch):
    monkeypatch.setattr(iiif, "COLLECTION_PAGE_SIZE", 4)
    hall = fetch(client, f"{BASE}/iiif/halls/bronze-vessels/collection")
    pages = [m["id"] for m in hall["items"]]
    assert all(m["type"] == "Collection" for m in hall["items"]) and len(pages) == 3  # 11 items
    manifests = []
    for url in pages:
        page = fetch(client, url)
        Collection(**page)
        assert page["partOf"][0]["id"] == hall["id"]
        manifests += [m["id"] for m in page["items"]]
    assert len(manifests) == len(set(manifests)) == 11
    for bad in ("/0", "/4", "/-1", "/abc"):
        assert client.get(f"/iiif/halls/bronze-vessels/collection{bad}").status_code == 404
    monkeypatch.setattr(iiif, "COLLECTION_PAGE_SIZE", 500)
    assert client.get("/iiif/halls/bronze-vessels/collection/1").status_code == 404  # small: no pages


def test_conditional_requests_and_cors(client, catalogue):
    for path in ("/iiif/items/cu-ding/manifest", "/iiif/halls/mirrors/collection", "/iiif/collection",
                 "/iiif/museums/ich/collection", "/iiif/activity/all-changes", "/iiif/activity/all-changes/0"):
        first = client.get(path)
        assert first.status_code == 200 and first.headers["ETag"] and first.headers["Last-Modified"], path
        assert client.get(path, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304, path
        assert client.get(path, headers={"If-Modified-Since": first.headers["Last-Modified"]}).status_code == 304, path
    before = client.get("/iiif/halls/mirrors/collection")
    time.sleep(1.1)
    set_publication(catalogue.db, "cu-mirror", "withdrawn")
    after = client.get("/iiif/halls/mirrors/collection", headers={"If-None-Match": before.headers["ETag"],
                                                                   "If-Modified-Since": before.headers["Last-Modified"]})
    assert after.status_code == 200 and "cu-mirror" not in after.get_data(as_text=True)
    for path in ("/iiif/items/cu-ding/manifest", "/api/search", "/oai"):
        preflight = client.options(path, headers={"Origin": "https://viewer.example", "Access-Control-Request-Method": "GET",
                                                  "Access-Control-Request-Headers": "If-None-Match"})
        assert preflight.status_code == 204, path
        assert preflight.headers["Access-Control-Allow-Origin"] == "*"
        assert "GET" in preflight.headers["Access-Control-Allow-Methods"]
        assert "If-None-Match" in preflight.headers["Access-Control-Allow-Headers"]
        assert "ETag" in client.get(path, headers={"Origin": "https://viewer.example"}).headers["Access-Control-Expose-Headers"]
    curator = client.options("/curator/api/me", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"})
    assert "Access-Control-Allow-Origin" not in curator.headers
