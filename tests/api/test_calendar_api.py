"""Calendar feeds: the .ics parses with the `icalendar` package, has one event per open item, keeps UIDs
stable when a deadline moves (SEQUENCE goes up), and the feed token is scoped and revocable."""

from __future__ import annotations

from datetime import date

import pytest
from icalendar import Calendar
from support.storeapp import make_store_app
from support.storedb import example

TX_AG = "Texas Attorney General (online form)"


@pytest.fixture
def sa(db_url, tmp_path):
    sa = make_store_app(tmp_path, db_url, PUBLIC_URL="https://candor.example")
    r = sa.client.post("/api/v1/incidents", json={"facts": example()}, headers=sa.h("responder"))
    assert r.status_code == 201, r.text
    sa.incident = r.json()["incident"]["id"]
    yield sa
    sa.client.app.state.db.dispose()


def _events(body: bytes) -> dict[str, object]:
    cal = Calendar.from_ical(body)
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def _path(url: str) -> str:
    return url.removeprefix("https://candor.example")


def test_incident_feed_uids_stable_and_token_revocable(sa):
    r = sa.client.post(
        "/api/v1/calendar/tokens", json={"incident_id": sa.incident}, headers=sa.h("cmo")
    )
    assert r.status_code == 201, r.text
    token = r.json()
    assert token["url"].startswith(
        f"https://candor.example/api/v1/calendar/incidents/{sa.incident}.ics?token="
    )
    feed = sa.client.get(_path(token["url"]))
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
    events = _events(feed.content)
    plan = sa.client.get(f"/api/v1/incidents/{sa.incident}/plan", headers=sa.h("cmo")).json()
    dated = [i for i in plan["items"] if i["status"] == "open" and (i["due"] or i["due_at"])]
    assert len(events) == len(dated)
    tx = next(i for i in plan["items"] if i["recipient"] == TX_AG)
    uid = f"candor-plan-item-{tx['id']}@candor.example"
    assert events[uid]["DTSTART"].dt == date(2026, 10, 20) and int(events[uid]["SEQUENCE"]) == 0
    assert TX_AG in str(events[uid]["SUMMARY"])
    assert len(events[uid].walk("VALARM")) == 3

    facts = example()
    facts["incident"]["discovery_date"] = "2026-09-23"
    sa.client.put(
        f"/api/v1/incidents/{sa.incident}/facts",
        json={"facts": facts, "base_version": 1},
        headers=sa.h("security"),
    )
    moved = _events(sa.client.get(_path(token["url"])).content)
    assert set(moved) == set(events)  # same UIDs
    assert moved[uid]["DTSTART"].dt == date(2026, 10, 23) and int(moved[uid]["SEQUENCE"]) == 1

    item = sa.client.get(
        f"/api/v1/incidents/{sa.incident}/plan/items/{tx['id']}", headers=sa.h("cmo")
    )
    sa.client.patch(
        f"/api/v1/incidents/{sa.incident}/plan/items/{tx['id']}",
        json={
            "status": "not_required",
            "reason": "Counted again: 240 Texans",
            "base_version": item.json()["version"],
        },
        headers=sa.h("compliance"),
    )
    assert uid not in _events(sa.client.get(_path(token["url"])).content)

    assert (
        sa.client.get(
            f"/api/v1/calendar/me.ics?token={token['url'].split('token=')[1]}"
        ).status_code
        == 404
    )
    assert (
        sa.client.delete(f"/api/v1/calendar/tokens/{token['id']}", headers=sa.h("cmo")).status_code
        == 204
    )
    gone = sa.client.get(_path(token["url"]))
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "not_found"
    assert sa.client.get(f"/api/v1/calendar/incidents/{sa.incident}.ics").status_code == 404
    listed = sa.client.get("/api/v1/calendar/tokens", headers=sa.h("cmo")).json()
    assert listed[0]["revoked_at"] and listed[0]["url"] is None


def test_user_feed_covers_every_incident(sa):
    second = sa.client.post(
        "/api/v1/incidents", json={"facts": example("saas-credentials")}, headers=sa.h("responder")
    ).json()["incident"]["id"]
    token = sa.client.post(
        "/api/v1/calendar/tokens", json={"incident_id": None}, headers=sa.h("compliance")
    ).json()
    events = _events(sa.client.get(_path(token["url"])).content)
    incidents = {str(e["URL"]).rsplit("/", 2)[-2] for e in events.values()}
    assert incidents == {str(sa.incident), str(second)}
    other = sa.client.delete(f"/api/v1/calendar/tokens/{token['id']}", headers=sa.h("cmo"))
    assert other.status_code == 404  # not yours
    bad = sa.client.post("/api/v1/calendar/tokens", json={"incident_id": 999}, headers=sa.h("cmo"))
    assert bad.status_code == 404
