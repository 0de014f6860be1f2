"""`jinshi items list|publish|withdraw|draft|delete`: the curation services from the command line."""
from __future__ import annotations

import json

from sqlalchemy import select

from exhibits.models import AuditEntry, Change, Item


def _states(runtime) -> dict[str, tuple[str, str]]:
    with runtime.db.session() as session:
        return {i.id: (i.state, i.publication) for i in session.scalars(select(Item))}


def test_items_list_filters_by_state_and_museum(cli, ingested):
    listed = [json.loads(line) for line in cli("items", "list", "--json").stdout.splitlines()]
    assert {row["id"] for row in listed} == {"cu-ding", "cu-mirror", "cu-record", "cu-draft"}
    drafts = cli("items", "list", "--state", "draft").stdout
    assert drafts.splitlines()[0].startswith("cu-draft\tcopper/mirrors\tdraft\t未发布")
    assert len(drafts.splitlines()) == 1
    assert cli("items", "list", "--museum", "ich").stdout == ""
    unknown = cli("items", "list", "--museum", "nowhere")
    assert unknown.exit_code == 1 and "unknown museum" in unknown.output


def test_publish_withdraw_delete_are_audited_and_harvestable(cli, ingested, museum_runtime, client):
    assert client.get("/items/cu-draft").status_code == 404
    assert cli("items", "publish", "cu-draft").stdout.strip() == "1 item(s) published"
    assert client.get("/items/cu-draft").status_code == 200
    assert client.get("/api/search?q=未发布").json["total"] == 1
    again = cli("items", "publish", "cu-draft", "cu-ding")
    assert again.stdout.strip() == "0 item(s) published, 2 already so"
    assert cli("items", "withdraw", "cu-draft", "cu-ding").exit_code == 0
    assert client.get("/items/cu-ding").status_code == 404
    assert client.get("/api/items/cu-ding").status_code == 404
    assert client.get("/api/search?q=兽面纹鼎").json["total"] == 0
    assert cli("items", "list", "--state", "withdrawn").stdout.count("\n") == 2
    assert cli("items", "draft", "cu-ding").exit_code == 0
    assert _states(museum_runtime)["cu-ding"] == ("ready", "draft")
    deleted = cli("items", "delete", "--yes", "cu-record")
    assert deleted.stdout.strip() == "1 item(s) deleted"
    assert "cu-record" not in _states(museum_runtime)
    with museum_runtime.db.session() as session:
        entries = [(a.actor, a.action, a.target) for a in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
        changes = [(c.item_id, c.action) for c in session.scalars(select(Change).order_by(Change.id))][-6:]
    ingest_rows = [entry for entry in entries if entry[1].startswith("item.ingest")]
    assert ingest_rows and entries[:len(ingest_rows)] == ingest_rows  # the batch that made the items comes first
    assert entries[len(ingest_rows):] == [
        ("cli", "item.publish", "item:cu-draft"), ("cli", "item.withdraw", "item:cu-draft"),
        ("cli", "item.withdraw", "item:cu-ding"), ("cli", "item.draft", "item:cu-ding"),
        ("cli", "item.delete", "item:cu-record"),
    ]
    # harvesters hear of visibility only: publish = Create, withdraw = Delete, withdrawn → draft = nothing
    assert changes[-4:] == [("cu-draft", "Create"), ("cu-draft", "Delete"), ("cu-ding", "Delete"), ("cu-record", "Delete")]


def test_a_bad_item_in_the_list_changes_nothing(cli, ingested, museum_runtime):
    before = _states(museum_runtime)
    refused = cli("items", "withdraw", "cu-ding", "no-such-item")
    assert refused.exit_code == 1 and "no item 'no-such-item'" in refused.output and "nothing changed" in refused.output
    assert _states(museum_runtime) == before
    assert cli("items", "delete", "--yes", "no-such-item").exit_code == 1
