"""The merge API: stale saves merged or 409 with both sides, resolve by choice, new facts applied, If-Match on facts.

In-process app on a real SQLite store (tests/support/storeapp.py), real checks and rendering.
"""

from __future__ import annotations

import pytest
from support.storeapp import make_store_app
from support.storedb import example


@pytest.fixture(scope="module")
def sa(tmp_path_factory):  # type: ignore[no-untyped-def]
    return make_store_app(tmp_path_factory.mktemp("merges"))


def _incident(sa):  # type: ignore[no-untyped-def]
    r = sa.client.post(
        "/api/v1/incidents",
        json={"facts": example(), "tones": ["plain"]},
        headers=sa.h("responder"),
    )
    assert r.status_code == 201, r.text
    body = r.json()
    d = body["drafts"][0]
    return body["incident"]["id"], d["id"], d["version"]["text"]


def test_stale_save_merges_or_lists_both_sides_and_resolve_saves_the_choice(sa):  # type: ignore[no-untyped-def]
    _, did, v1 = _incident(sa)
    first = v1.splitlines()[0]
    r = sa.client.post(
        f"/api/v1/drafts/{did}/versions",
        json={"text": v1.replace(first, first + " A", 1), "base_version": 1},
        headers=sa.h("cmo"),
    )
    assert r.status_code == 201 and r.json()["merged"] is None
    r = sa.client.post(
        f"/api/v1/drafts/{did}/versions",
        json={"text": v1 + "\nP.S. B.\n"},
        headers=sa.h("security", **{"If-Match": '"1"'}),
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["version"]["number"] == 3 and body["merged"] == {
        "base_version": 1,
        "merged_with": 2,
        "changes_kept_from_theirs": 1,
    }
    assert (
        first + " A" in body["version"]["text"]
        and "P.S. B." in body["version"]["text"]
        and r.headers["ETag"] == '"3"'
    )

    v3 = body["version"]["text"]
    sa.client.post(
        f"/api/v1/drafts/{did}/versions",
        json={"text": v3.replace("P.S. B.", "P.S. C."), "base_version": 3},
        headers=sa.h("cmo"),
    )
    mine = v3.replace("P.S. B.", "P.S. D.")
    r = sa.client.post(
        f"/api/v1/drafts/{did}/versions",
        json={"text": mine, "base_version": 3},
        headers=sa.h("security"),
    )
    assert r.status_code == 409
    err = r.json()["error"]
    details = {
        d["field"]: d.get("value") for d in err["details"]
    }  # details: always a list of {field, message, value}
    assert err["code"] == "conflict" and details["current_version"] == 4
    (overlap,) = [v for f, v in details.items() if f.startswith("overlaps[")]
    assert (
        "P.S. D." in overlap["yours"]
        and "P.S. C." in overlap["theirs"]
        and "P.S. B." in overlap["base"]
    )

    resolve = {"text": mine, "base_version": 3, "theirs_version": 4, "choices": {}}
    r = sa.client.post(
        f"/api/v1/drafts/{did}/versions/resolve", json=resolve, headers=sa.h("security")
    )
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "choices.0"
    r = sa.client.post(
        f"/api/v1/drafts/{did}/versions/resolve",
        json={**resolve, "choices": {"0": "maybe"}},
        headers=sa.h("security"),
    )
    assert r.status_code == 422
    r = sa.client.post(
        f"/api/v1/drafts/{did}/versions/resolve",
        json={**resolve, "choices": {"0": "both"}},
        headers=sa.h("security"),
    )
    assert r.status_code == 201, r.text
    assert "P.S. C." in r.json()["version"]["text"] and "P.S. D." in r.json()["version"]["text"]
    r = sa.client.post(
        f"/api/v1/drafts/{did}/versions/resolve",
        json={**resolve, "choices": {"0": "ours"}},
        headers=sa.h("compliance"),
    )
    assert r.status_code == 403


def test_facts_put_takes_if_match_and_drafts_get_the_new_facts(sa):  # type: ignore[no-untyped-def]
    iid, did, v1 = _incident(sa)
    r = sa.client.get(f"/api/v1/incidents/{iid}/facts", headers=sa.h("cmo"))
    assert r.headers["ETag"] == '"1"'
    facts = r.json()["facts"]
    facts["contacts"]["toll_free"]["number"] = "1-888-555-0199"
    r = sa.client.put(
        f"/api/v1/incidents/{iid}/facts", json={"facts": facts}, headers=sa.h("responder")
    )
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "base_version"
    r = sa.client.put(
        f"/api/v1/incidents/{iid}/facts",
        json={"facts": facts, "base_version": 2},
        headers=sa.h("responder", **{"If-Match": '"1"'}),
    )
    assert r.status_code == 422  # they disagree
    r = sa.client.put(
        f"/api/v1/incidents/{iid}/facts",
        json={"facts": facts},
        headers=sa.h("cmo", **{"If-Match": '"1"'}),
    )
    assert r.status_code == 403  # cmo may not edit facts
    r = sa.client.put(
        f"/api/v1/incidents/{iid}/facts",
        json={"facts": facts},
        headers=sa.h("security", **{"If-Match": '"1"'}),
    )
    assert r.status_code == 200 and r.json()["number"] == 2 and r.headers["ETag"] == '"2"'
    r = sa.client.put(
        f"/api/v1/incidents/{iid}/facts",
        json={"facts": facts},
        headers=sa.h("responder", **{"If-Match": '"1"'}),
    )
    assert r.status_code == 409
    assert {"field": "current_version", "message": "current_version is 2", "value": 2} in r.json()[
        "error"
    ]["details"]

    r = sa.client.get(f"/api/v1/drafts/{did}/facts-update", headers=sa.h("compliance"))
    assert r.status_code == 200, r.text
    up = r.json()
    assert (
        up["pending"]
        and up["letter_changes"]
        and (up["from_facts_version"], up["to_facts_version"]) == (1, 2)
    )
    assert {
        "path": "contacts.toll_free.number",
        "label": "contacts.toll_free.number",
        "old": "1-855-555-0142",
        "new": "1-888-555-0199",
    } in up["fact_changes"]
    assert "1-888-555-0199" in up["proposed_text"] and up["overlaps"] == []
    assert {"op": "insert", "text": "1-888-555-0199"} in up["diff"] or any(
        s["op"] == "insert" and "888" in s["text"] for s in up["diff"]
    )
    r = sa.client.post(
        f"/api/v1/drafts/{did}/facts-update",
        json={"facts_version": 2},
        headers=sa.h("cmo", **{"If-Match": '"1"'}),
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert (
        body["version"]["facts_version"] == 2
        and not body["facts_changed"]
        and "1-888-555-0199" in body["version"]["text"]
    )
    r = sa.client.post(
        f"/api/v1/drafts/{did}/facts-update",
        json={"facts_version": 2, "base_version": 2},
        headers=sa.h("cmo"),
    )
    assert r.status_code == 409  # nothing left to apply
