"""IIIF Presentation 3.0 documents: loaded back into iiif-prezi3's model and checked."""
import json

from iiif_prezi3 import Collection, Manifest


def load_manifest(client, url) -> tuple[dict, Manifest]:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    data = response.get_json()
    return data, Manifest(**data)


def test_item_manifest(client, ingested):
    data, model = load_manifest(client, "/iiif/items/cu-ding/manifest")
    assert data["@context"] == "http://iiif.io/api/presentation/3/context.json"
    assert data["id"] == "http://museum.test/iiif/items/cu-ding/manifest"
    assert data["label"] == {"zh": ["兽面纹鼎"], "en": ['Ding with <b>taotie</b> & "masks"']}
    assert data["summary"]["en"] == ["Cast in R&D <i>style</i>"]
    assert data["rights"] == "http://creativecommons.org/licenses/by-nc/4.0/"
    assert data["requiredStatement"]["label"]["en"] == ["Attribution"]
    labels = {entry["label"]["en"][0]: entry["value"] for entry in data["metadata"]}
    assert labels["Material"] == {"zh": ["青铜"], "en": ["bronze"]}
    assert labels["Period"] == {"zh": ["商"]}
    assert labels["Accession number"] == {"en": ["TL-CU-0001"]}
    assert labels["Museum"]["zh"] == ["铜陵数字铜博物馆"]
    assert len(data["items"]) == 2
    canvas = data["items"][0]
    annotation = canvas["items"][0]["items"][0]
    assert annotation["motivation"] == "painting" and annotation["target"] == canvas["id"]
    body = annotation["body"]
    image_id = ingested["ding.jpg"].image_id
    assert body["service"] == [{"id": f"http://museum.test/iiif/3/{image_id}", "type": "ImageService3", "profile": "level2"}]
    assert (canvas["width"], canvas["height"]) == (body["width"], body["height"]) == (1600, 1200)
    assert data["thumbnail"][0]["id"] == f"http://museum.test/iiif/3/{image_id}/full/400,/0/default.jpg"
    assert data["partOf"][0]["id"] == "http://museum.test/iiif/halls/bronze-vessels/collection"
    assert model.id == data["id"]


def test_image_urls_of_the_manifest_are_served(client, ingested):
    data, _ = load_manifest(client, "/iiif/items/cu-ding/manifest")
    for canvas in data["items"]:
        body = canvas["items"][0]["items"][0]["body"]
        path = body["service"][0]["id"].replace("http://museum.test", "")
        info = client.get(path + "/info.json")
        assert info.status_code == 200 and info.get_json()["width"] == body["width"]
        assert client.get(path + "/full/400,/0/default.jpg").status_code == 200


def test_manifest_of_a_record_without_media_is_valid(client, ingested):
    data, _ = load_manifest(client, "/iiif/items/cu-record/manifest")
    assert len(data["items"]) == 1 and data["items"][0]["items"] == []
    assert "rights" not in data


def test_collections(client, ingested):
    museum = client.get("/iiif/museums/copper/collection").get_json()
    Collection(**museum)
    assert [c["id"] for c in museum["items"]] == [
        "http://museum.test/iiif/halls/bronze-vessels/collection", "http://museum.test/iiif/halls/mirrors/collection"]
    hall = client.get("/iiif/halls/mirrors/collection").get_json()
    Collection(**hall)
    assert [m["id"] for m in hall["items"]] == [
        "http://museum.test/iiif/items/cu-mirror/manifest", "http://museum.test/iiif/items/cu-record/manifest"]
    assert hall["items"][0]["thumbnail"][0]["service"][0]["type"] == "ImageService3"
    assert client.get("/iiif/halls/nowhere/collection").status_code == 404


def test_manifest_etag_and_json_ld_content_type(client, ingested):
    first = client.get("/iiif/items/cu-mirror/manifest", headers={"Accept": "application/ld+json"})
    assert first.headers["Content-Type"].startswith('application/ld+json;profile="http://iiif.io/api/presentation/3/context.json"')
    again = client.get("/iiif/items/cu-mirror/manifest", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert json.loads(first.get_data(as_text=True))["type"] == "Manifest"


def test_dates_read_naturally_in_both_languages():
    from exhibits.iiif import format_years

    assert format_years(-1046, -771) == "1046 BCE – 771 BCE"
    assert format_years(-1046, -771, "zh") == "公元前1046年—前771年"
    assert format_years(-206, 8, "zh") == "公元前206年—公元8年"
    assert format_years(1368, 1644, "zh") == "公元1368年—1644年"
    assert format_years(-300, None) == "300 BCE"
