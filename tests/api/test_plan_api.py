"""The plan over HTTP: list (sorted, filtered), update with If-Match (409 on a stale version, 422 naming
the field), roles, proof files; on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib

import pytest
from support.storeapp import make_store_app
from support.storedb import example

TX_AG = "Texas Attorney General (online form)"


@pytest.fixture
def sa(db_url, tmp_path):
    sa = make_store_app(tmp_path, db_url)
    r = sa.client.post("/api/v1/incidents", json={"facts": example()}, headers=sa.h("responder"))
    assert r.status_code == 201, r.text
    sa.incident = r.json()["incident"]["id"]
    yield sa
    sa.client.app.state.db.dispose()


def _plan(sa, **params):
    r = sa.client.get(f"/api/v1/incidents/{sa.incident}/plan", params=params, headers=sa.h("cmo"))
    assert r.status_code == 200, r.text
    return r.json()


def _tx(plan):
    return next(i for i in plan["items"] if i["recipient"] == TX_AG)


def test_plan_lists_sorted_and_filters(sa):
    plan = _plan(sa)
    assert plan["summary"]["open"] == len(plan["items"])
    # CANDOR_TODAY is 2026-11-27 in tests: the Texas AG deadline (2026-10-20) has passed.
    assert plan["summary"]["overdue"] == sum(i["overdue"] for i in plan["items"]) > 0
    assert _tx(plan)["overdue"] and _tx(plan)["time_left"] == "OVERDUE by 38 days"
    moments = [i["deadline_moment"] for i in plan["items"] if i["deadline_moment"]]
    assert moments == sorted(moments)
    tx_only = _plan(sa, jurisdiction="US-TX")
    assert {i["jurisdiction"] for i in tx_only["items"]} == {"US-TX"}
    assert _plan(sa, status="done")["items"] == []
    r = sa.client.get(
        f"/api/v1/incidents/{sa.incident}/plan", params={"status": "finished"}, headers=sa.h("cmo")
    )
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"].endswith("status")


def test_update_with_if_match_and_conflict(sa):
    item = _tx(_plan(sa))
    url = f"/api/v1/incidents/{sa.incident}/plan/items/{item['id']}"
    got = sa.client.get(url, headers=sa.h("compliance"))
    assert got.headers["etag"] == f'"{item["version"]}"'
    body = {
        "status": "done",
        "sent_at": "2026-10-02T14:30:00+00:00",
        "method": "portal",
        "reference": "#123",
    }
    r = sa.client.patch(
        url, json=body, headers=sa.h("compliance", **{"If-Match": got.headers["etag"]})
    )
    assert r.status_code == 200, r.text
    done = r.json()
    assert done["status"] == "done" and done["reference"] == "#123"
    assert done["sent_by"] == "compliance@test.example"
    assert r.headers["etag"] == f'"{done["version"]}"'
    again = sa.client.patch(
        url, json={"note": "x", "base_version": item["version"]}, headers=sa.h("compliance")
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "conflict"
    assert _tx(_plan(sa, status="done"))["id"] == item["id"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "done", "method": "portal"}, "sent_at"),
        ({"status": "done", "sent_at": "2026-10-02T14:30:00", "method": "portal"}, "sent_at"),
        ({"status": "not_required"}, "reason"),
        ({"method": "pigeon"}, "method"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_updates_are_422_naming_the_field(sa, body, field):
    item = _tx(_plan(sa))
    url = f"/api/v1/incidents/{sa.incident}/plan/items/{item['id']}"
    r = sa.client.patch(
        url, json=body | {"base_version": item["version"]}, headers=sa.h("compliance")
    )
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert any(d["field"].endswith(field) for d in err["details"]), err
    assert _tx(_plan(sa)) == item  # nothing changed


def test_roles_and_missing_version(sa):
    item = _tx(_plan(sa))
    url = f"/api/v1/incidents/{sa.incident}/plan/items/{item['id']}"
    body = {"status": "in_progress", "base_version": item["version"]}
    assert sa.client.patch(url, json=body, headers=sa.h("cmo")).status_code == 403
    assert sa.client.patch(url, json=body).status_code == 401
    r = sa.client.patch(url, json={"status": "in_progress"}, headers=sa.h("responder"))
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "base_version"
    missing = sa.client.get(
        f"/api/v1/incidents/{sa.incident}/plan/items/999999", headers=sa.h("cmo")
    )
    assert missing.status_code == 404


def test_attachment_upload_and_download(sa):
    item = _tx(_plan(sa))
    pdf = b"%PDF-1.4\n% confirmation #123\n"
    url = f"/api/v1/incidents/{sa.incident}/plan/items/{item['id']}/attachments"
    r = sa.client.post(
        url,
        files={"file": ("../../confirmation 123.pdf", pdf, "application/pdf")},
        headers=sa.h("compliance"),
    )
    assert r.status_code == 201, r.text
    att = r.json()
    assert att["sha256"] == hashlib.sha256(pdf).hexdigest()
    assert att["filename"] == "confirmation 123.pdf"
    got = sa.client.get(f"{url}/{att['id']}", headers=sa.h("cmo"))
    assert got.status_code == 200 and got.content == pdf
    assert got.headers["content-disposition"].startswith("attachment")
    assert _tx(_plan(sa))["attachments"][0]["id"] == att["id"]
    empty = sa.client.post(
        url, files={"file": ("x.pdf", b"", "application/pdf")}, headers=sa.h("compliance")
    )
    assert empty.status_code == 422 and empty.json()["error"]["details"][0]["field"] == "file"
    assert (
        sa.client.post(url, files={"file": ("x.pdf", pdf)}, headers=sa.h("cmo")).status_code == 403
    )


def test_fact_change_over_http_keeps_progress(sa):
    item = _tx(_plan(sa))
    url = f"/api/v1/incidents/{sa.incident}/plan/items/{item['id']}"
    sa.client.patch(
        url,
        json={"status": "in_progress", "note": "form half filled", "base_version": item["version"]},
        headers=sa.h("compliance"),
    )
    facts = example()
    facts["incident"]["discovery_date"] = "2026-09-22"
    r = sa.client.put(
        f"/api/v1/incidents/{sa.incident}/facts",
        json={"facts": facts, "base_version": 1},
        headers=sa.h("security"),
    )
    assert r.status_code == 200, r.text
    moved = _tx(_plan(sa))
    assert moved["status"] == "in_progress" and moved["note"] == "form half filled"
    assert (moved["due"], moved["previous_due"]) == ("2026-10-22", "2026-10-20")
