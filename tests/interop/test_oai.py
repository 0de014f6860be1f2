"""OAI-PMH 2.0 at /oai: every response valid against the protocol's XSD (shipped in
exhibits/schemas, validated with lxml), a whole-site harvest with oaipmh-scythe, tokens,
selective harvesting, deleted records and every error condition."""
from __future__ import annotations

import re
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from lxml import etree
from oaipmh_scythe import Scythe

from exhibits import oai
from tests.interop.conftest import set_hall_publication, set_publication

SCHEMAS = Path(oai.__file__).with_name("schemas")
OAI_SCHEMA = etree.XMLSchema(etree.parse(str(SCHEMAS / "OAI-PMH.xsd")))
RECORD_SCHEMA = etree.XMLSchema(etree.parse(str(SCHEMAS / "jinshi-record-1.0.xsd")))


class _LocalSchemas(etree.Resolver):
    """oai_dc.xsd imports the DCMI schema and that one the XML namespace's: read the copies shipped beside it."""

    LOCAL = {"http://dublincore.org/schemas/xmls/qdc/2008/02/11/dc.xsd": "simpledc20021212.xsd",
             "http://www.w3.org/2001/03/xml.xsd": "xml-lang.xsd"}

    def resolve(self, url, pubid, context):
        if url in self.LOCAL:
            return self.resolve_filename(str(SCHEMAS / self.LOCAL[url]), context)
        return None


def _oai_dc_schema() -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_LocalSchemas())
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "oai_dc.xsd"), parser))


DC_SCHEMA = _oai_dc_schema()
NS = {"o": oai.OAI_NS, "dc": oai.DC_NS, "oai_dc": oai.OAI_DC_NS, "j": oai.RECORD_NS}


def get(client, **args):
    """One OAI request; the response must be valid OAI-PMH 2.0 whatever was asked."""
    response = client.get("/oai", query_string=args)
    assert response.status_code == 200, response.data[:500]
    assert response.mimetype == "text/xml"
    tree = etree.fromstring(response.data)
    OAI_SCHEMA.assertValid(tree)
    for record in tree.iterfind(".//j:record", NS):
        RECORD_SCHEMA.assertValid(etree.ElementTree(record))
    for record in tree.iterfind(".//oai_dc:dc", NS):  # the record metadata itself: oai_dc.xsd with simple DC
        DC_SCHEMA.assertValid(etree.ElementTree(record))
    return tree


def error_code(tree) -> str | None:
    error = tree.find("o:error", NS)
    return error.get("code") if error is not None else None


def identifiers(tree) -> list[str]:
    return [h.findtext("o:identifier", namespaces=NS) for h in tree.iterfind(".//o:header", NS)]


def token_of(tree) -> str | None:
    token = tree.find(".//o:resumptionToken", NS)
    return token.text if token is not None else None


def test_identify_declares_persistent_deletions_and_second_granularity(client, catalogue):
    tree = get(client, verb="Identify")
    assert tree.findtext("o:Identify/o:deletedRecord", namespaces=NS) == "persistent"
    assert tree.findtext("o:Identify/o:granularity", namespaces=NS) == "YYYY-MM-DDThh:mm:ssZ"
    assert tree.findtext("o:Identify/o:baseURL", namespaces=NS) == "http://museum.test/oai"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", tree.findtext("o:Identify/o:earliestDatestamp", namespaces=NS))
    sample = tree.findtext(".//{http://www.openarchives.org/OAI/2.0/oai-identifier}sampleIdentifier")
    assert sample == "oai:museum.test:item-1"


def test_metadata_formats_and_the_served_schema(client, catalogue):
    tree = get(client, verb="ListMetadataFormats")
    prefixes = [e.text for e in tree.iterfind(".//o:metadataPrefix", NS)]
    assert prefixes == ["oai_dc", "jinshi"]
    schema_url = tree.xpath("//o:metadataFormat[o:metadataPrefix='jinshi']/o:schema/text()", namespaces=NS)[0]
    served = client.get(schema_url.replace("http://museum.test", ""))
    assert served.status_code == 200
    etree.XMLSchema(etree.fromstring(served.data))  # a schema lxml can use
    assert get(client, verb="ListMetadataFormats", identifier="oai:museum.test:cu-ding").find(".//o:metadataFormat", NS) is not None
    assert error_code(get(client, verb="ListMetadataFormats", identifier="oai:museum.test:nope")) == "idDoesNotExist"


def test_sets_are_museums_and_halls(client, catalogue):
    tree = get(client, verb="ListSets")
    specs = [e.text for e in tree.iterfind(".//o:setSpec", NS)]
    assert specs == ["copper", "copper:bronze-vessels", "copper:mirrors", "ich", "ich:crafts"]
    names = [e.text for e in tree.iterfind(".//o:setName", NS)]
    assert names[0] == "铜陵数字铜博物馆 · Tongling Digital Copper Museum"
    titles = tree.xpath("//o:set[o:setSpec='ich:crafts']//dc:title", namespaces=NS)
    assert {t.get("{http://www.w3.org/XML/1998/namespace}lang"): t.text for t in titles} == {"zh": "传统技艺", "en": "Traditional Crafts"}
    assert error_code(get(client, verb="ListSets", resumptionToken="x")) == "badResumptionToken"


def test_get_record_in_both_formats_keeps_every_language_and_escapes(client, catalogue):
    tree = get(client, verb="GetRecord", identifier="oai:museum.test:cu-ding", metadataPrefix="oai_dc")
    titles = {t.get("{http://www.w3.org/XML/1998/namespace}lang"): t.text for t in tree.iterfind(".//dc:title", NS)}
    assert titles == {"zh": "兽面纹鼎", "en": 'Ding with <b>taotie</b> & "masks"'}
    assert "Cast in R&D <i>style</i> ]]> end" in [d.text for d in tree.iterfind(".//dc:description", NS)]
    assert "http://museum.test/items/cu-ding" in [i.text for i in tree.iterfind(".//dc:identifier", NS)]
    assert "http://creativecommons.org/licenses/by-nc/4.0/" in [r.text for r in tree.iterfind(".//dc:rights", NS)]
    assert [s.text for s in tree.iterfind(".//o:setSpec", NS)] == ["copper", "copper:bronze-vessels"]

    rich = get(client, verb="GetRecord", identifier="oai:museum.test:cu-ding", metadataPrefix="jinshi")
    record = rich.find(".//j:record", NS)
    material = record.find("j:field[@name='material']", NS)
    assert {v.get("lang"): v.text for v in material.iterfind("j:value", NS)} == {"zh": "青铜", "en": "bronze"}
    assert {v.get("lang"): v.text for v in material.iterfind("j:label", NS)} == {"zh": "质地", "en": "Material", "zh-Hant": "質地"}
    assert record.find("j:date", NS).get("start") == "-1600"
    assert record.find("j:extra[@name='donor']", NS).text == "王先生 & Co."
    assert record.find("j:hall", NS).get("slug") == "bronze-vessels"
    assert record.find("j:section", NS).get("slug") == "shang"
    ich = get(client, verb="GetRecord", identifier="oai:museum.test:ich-paper", metadataPrefix="jinshi")
    category = ich.find(".//j:field[@name='ich_category']", NS)
    assert {v.get("lang"): v.text for v in category.iterfind("j:value", NS)} == {"zh": "传统美术", "en": "Traditional fine arts"}
    assert ich.find(".//j:title/j:value[@lang='zh']", NS).text == "剪紙（繁體）𠀀"


def test_oai_dc_records_are_checked_against_oai_dc_and_simple_dc(client, catalogue):
    tree = get(client, verb="ListRecords", metadataPrefix="oai_dc")
    records = tree.findall(".//oai_dc:dc", NS)
    assert records and all(DC_SCHEMA.validate(etree.ElementTree(r)) for r in records)
    # the schema does catch what a harvester would refuse: an element outside simple DC, a malformed language
    planted = etree.fromstring(etree.tostring(records[0]))
    etree.SubElement(planted, f"{{{oai.DC_NS}}}medium").text = "bronze"
    assert not DC_SCHEMA.validate(etree.ElementTree(planted))
    bad_lang = etree.fromstring(etree.tostring(records[0]))
    bad_lang.find("dc:title", NS).set("{http://www.w3.org/XML/1998/namespace}lang", "not a language")
    assert not DC_SCHEMA.validate(etree.ElementTree(bad_lang))


def test_withdrawn_and_drafts(client, catalogue):
    deleted = get(client, verb="GetRecord", identifier="oai:museum.test:rec-00007", metadataPrefix="oai_dc")
    header = deleted.find(".//o:header", NS)
    assert header.get("status") == "deleted"
    assert deleted.find(".//o:metadata", NS) is None
    assert [s.text for s in header.iterfind("o:setSpec", NS)] == ["copper", "copper:mirrors"]
    # a draft was never public: harvesters must not learn of it
    assert error_code(get(client, verb="GetRecord", identifier="oai:museum.test:cu-draft", metadataPrefix="oai_dc")) == "idDoesNotExist"
    # published again: a live record once more
    set_publication(catalogue.db, "rec-00007", "published")
    again = get(client, verb="GetRecord", identifier="oai:museum.test:rec-00007", metadataPrefix="oai_dc")
    assert again.find(".//o:header", NS).get("status") is None
    assert again.find(".//dc:title", NS) is not None


def test_withdrawn_hall_makes_its_records_deleted(client, catalogue):
    set_hall_publication(catalogue.db, "crafts", "withdrawn")
    tree = get(client, verb="ListIdentifiers", metadataPrefix="oai_dc", set="ich")
    statuses = {h.findtext("o:identifier", namespaces=NS): h.get("status") for h in tree.iterfind(".//o:header", NS)}
    assert statuses and set(statuses.values()) == {"deleted"}
    assert "oai:museum.test:ich-paper" in statuses


def harvest(endpoint: str, prefix: str = "oai_dc", set_: str | None = None) -> list:
    with Scythe(endpoint) as scythe:
        try:
            return list(scythe.list_records(metadata_prefix=prefix, set_=set_, ignore_deleted=False))
        except Exception as exc:  # scythe raises NoRecordsMatch for an empty list
            if type(exc).__name__ == "NoRecordsMatch":
                return []
            raise


def test_whole_site_harvest_with_scythe_gets_every_published_item_exactly_once(live, catalogue, monkeypatch):
    from sqlalchemy import select

    from exhibits.models import Item
    from exhibits.states import visible

    monkeypatch.setattr(oai, "RECORDS_PER_PAGE", 7)  # several pages, several tokens
    records = harvest(f"{live}/oai")
    live_ids = [r.header.identifier for r in records if not r.deleted]
    with catalogue.db.session() as session:
        published = sorted(session.scalars(select(Item.id).where(visible())))
    assert len(live_ids) == len(set(live_ids))
    assert sorted(i.rsplit(":", 1)[1] for i in live_ids) == published
    assert [r.header.identifier.rsplit(":", 1)[1] for r in records if r.deleted] == ["rec-00007"]
    ding = next(r for r in records if r.header.identifier.endswith(":cu-ding"))
    assert "兽面纹鼎" in ding.metadata["title"]
    rich = harvest(f"{live}/oai", prefix="jinshi", set_="copper:mirrors")
    assert {r.header.identifier.rsplit(":", 1)[1] for r in rich if not r.deleted} == {
        "cu-mirror", *(f"rec-{n:05d}" for n in range(1, 30, 3) if n != 7)}


def test_tokens_stay_valid_while_records_change(client, catalogue, monkeypatch, tmp_path):
    monkeypatch.setattr(oai, "HEADERS_PER_PAGE", 10)
    time.sleep(1.1)  # datestamps are seconds: start in a second after the fixture's changes
    first = get(client, verb="ListIdentifiers", metadataPrefix="oai_dc")
    started = first.findtext("o:responseDate", namespaces=NS)
    seen = identifiers(first)
    token = first.find(".//o:resumptionToken", NS)
    total = int(token.get("completeListSize"))
    assert token.get("cursor") == "0" and total == 33
    # while the harvest goes on: an edit of a record already sent and of one not yet sent, a withdrawal, a new record
    time.sleep(1.1)
    from tests.interop.conftest import ingest_rows

    rows = [{"id": "rec-00000", "museum": "copper", "hall": "bronze-vessels", "title_en": "Edited"},
            {"id": "rec-00025", "museum": "ich", "hall": "crafts", "title_en": "Edited too"},
            {"id": "new-one", "museum": "copper", "hall": "mirrors", "title_en": "New"}]
    ingest_rows(catalogue, tmp_path / "edit.csv", rows)
    set_publication(catalogue.db, "rec-00020", "withdrawn")
    text = token.text
    while text:
        page = get(client, verb="ListIdentifiers", resumptionToken=text)
        assert error_code(page) is None
        seen += identifiers(page)
        text = token_of(page)
    assert len(seen) == len(set(seen)) == total  # every record of the start, exactly once
    assert "oai:museum.test:new-one" not in seen
    # the next incremental harvest brings what changed meanwhile
    later = get(client, verb="ListIdentifiers", metadataPrefix="oai_dc", **{"from": started})
    changed = {h.findtext("o:identifier", namespaces=NS): h.get("status") for h in later.iterfind(".//o:header", NS)}
    assert changed == {"oai:museum.test:rec-00000": None, "oai:museum.test:rec-00025": None,
                       "oai:museum.test:new-one": None, "oai:museum.test:rec-00020": "deleted"}


def test_bad_tokens(client, catalogue, monkeypatch):
    monkeypatch.setattr(oai, "HEADERS_PER_PAGE", 10)
    token = token_of(get(client, verb="ListIdentifiers", metadataPrefix="oai_dc"))
    payload, signature = token.split(".")
    forged = payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB") + "." + signature
    for bad in (forged, "garbage", "", token + "x", "." + signature, "a" * 3000):
        tree = get(client, verb="ListIdentifiers", resumptionToken=bad)
        assert error_code(tree) in ("badResumptionToken", "badArgument"), bad
    assert error_code(get(client, verb="ListRecords", resumptionToken=token)) == "badResumptionToken"  # another verb's
    assert error_code(get(client, verb="ListIdentifiers", resumptionToken=token, metadataPrefix="oai_dc")) == "badArgument"
    # expired: a day later the same token is refused cleanly
    later = datetime.now(timezone.utc) + oai.TOKEN_LIFETIME + timedelta(minutes=1)
    monkeypatch.setattr(oai, "datetime", _FrozenDatetime(later))
    expired = get(client, verb="ListIdentifiers", resumptionToken=token)
    assert error_code(expired) == "badResumptionToken"
    assert "expired" in expired.findtext("o:error", namespaces=NS)


class _FrozenDatetime:
    """``datetime`` with a fixed now(), everything else the real class."""

    def __init__(self, now):
        self._now = now

    def now(self, tz=None):
        return self._now

    def __getattr__(self, name):
        return getattr(datetime, name)


def test_selective_harvesting_by_date_at_seconds_granularity(client, catalogue):
    from sqlalchemy import select

    from exhibits.models import Change

    with catalogue.db.session() as session:
        withdrawn_at = session.scalar(select(Change.at).where(Change.item_id == "rec-00007").order_by(Change.id.desc()))
    second = oai.stamp(withdrawn_at)
    tree = get(client, verb="ListIdentifiers", metadataPrefix="oai_dc", **{"from": second, "until": second})
    assert "oai:museum.test:rec-00007" in identifiers(tree)
    for header in tree.iterfind(".//o:header", NS):
        assert header.findtext("o:datestamp", namespaces=NS) == second
    before = oai.stamp(withdrawn_at - timedelta(days=400))
    assert error_code(get(client, verb="ListRecords", metadataPrefix="oai_dc", until=before)) == "noRecordsMatch"
    today = withdrawn_at.strftime("%Y-%m-%d")
    assert "oai:museum.test:rec-00007" in identifiers(get(client, verb="ListIdentifiers", metadataPrefix="oai_dc", **{"from": today, "until": today}))
    for bad in ({"from": "2026-13-01"}, {"from": "2026-12-01T10:00:00"}, {"from": "2026-12-01T10:00:00+08:00"},
                {"until": "yesterday"}, {"from": "2026-12-01", "until": "2026-12-02T00:00:00Z"},
                {"from": "2026-12-02", "until": "2026-12-01"}, {"from": "2026-12-01T10:00:00.5Z"}):
        tree = get(client, verb="ListRecords", metadataPrefix="oai_dc", **bad)
        assert error_code(tree) == "badArgument", bad


def test_sets_select_records(client, catalogue):
    copper = identifiers(get(client, verb="ListIdentifiers", metadataPrefix="oai_dc", set="copper"))
    assert "oai:museum.test:rec-00000" in copper and "oai:museum.test:cu-mirror" in copper
    assert not any(":ich-" in i for i in copper)
    mirrors = identifiers(get(client, verb="ListIdentifiers", metadataPrefix="oai_dc", set="copper:mirrors"))
    assert "oai:museum.test:cu-mirror" in mirrors and "oai:museum.test:cu-ding" not in mirrors
    for unknown in ("nope", "copper:nope", "copper:mirrors:x", "bad set", "copper:"):
        assert error_code(get(client, verb="ListRecords", metadataPrefix="oai_dc", set=unknown)) == "badArgument", unknown


@pytest.mark.parametrize("args, code", [
    ({}, "badVerb"),
    ({"verb": "Dance"}, "badVerb"),
    ({"verb": ["Identify", "Identify"]}, "badVerb"),
    ({"verb": "Identify", "extra": "1"}, "badArgument"),
    ({"verb": "GetRecord", "identifier": "oai:museum.test:cu-ding"}, "badArgument"),
    ({"verb": "GetRecord", "identifier": "oai:museum.test:cu-ding", "metadataPrefix": "marc21"}, "cannotDisseminateFormat"),
    ({"verb": "GetRecord", "identifier": "cu-ding", "metadataPrefix": "oai_dc"}, "idDoesNotExist"),
    ({"verb": "GetRecord", "identifier": "oai:museum.test:", "metadataPrefix": "oai_dc"}, "idDoesNotExist"),
    ({"verb": "ListRecords"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": ["copper", "ich"]}, "badArgument"),
    ({"verb": "ListIdentifiers", "metadataPrefix": "<script>"}, "cannotDisseminateFormat"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "x" * 5000}, "badArgument"),
])
def test_every_error_condition(client, catalogue, args, code):
    tree = get(client, **args)
    assert error_code(tree) == code
    request = tree.find("o:request", NS)
    if code in ("badVerb", "badArgument"):
        assert dict(request.attrib) == {}
    assert tree.findtext("o:error", namespaces=NS)


def test_no_records_in_an_empty_repository(client):
    assert error_code(get(client, verb="ListRecords", metadataPrefix="oai_dc")) == "noRecordsMatch"
    assert error_code(get(client, verb="ListIdentifiers", metadataPrefix="jinshi", set="copper")) == "noRecordsMatch"
    get(client, verb="Identify")


def test_post_requests_and_conditional_get(client, catalogue):
    posted = client.post("/oai", data={"verb": "GetRecord", "identifier": "oai:museum.test:cu-mirror", "metadataPrefix": "oai_dc"})
    OAI_SCHEMA.assertValid(etree.fromstring(posted.data))
    first = client.get("/oai?verb=GetRecord&identifier=oai:museum.test:cu-mirror&metadataPrefix=oai_dc")
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    time.sleep(1.1)  # a later responseDate, the same record
    again = client.get("/oai?verb=GetRecord&identifier=oai:museum.test:cu-mirror&metadataPrefix=oai_dc",
                       headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    set_publication(catalogue.db, "cu-mirror", "withdrawn")
    changed = client.get("/oai?verb=GetRecord&identifier=oai:museum.test:cu-mirror&metadataPrefix=oai_dc",
                         headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and b'status="deleted"' in changed.data
