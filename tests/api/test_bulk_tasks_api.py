"""Bulk drafting and bulk export as background tasks (app.export.bulk_tasks) over the API, on
SQLite and PostgreSQL (tasks on the in-process runner: the worker path is the merge's, tested in
tests/export/test_merge_workers.py): progress, idempotent re-runs, the zip equal to the single
exports, roles and bad input."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from support.approvals import approve_every_draft
from support.storeapp import StoreApp, make_store_app
from support.storedb import example


def _run(sa: StoreApp, url: str) -> dict:
    assert sa.client.app.state.jobs.wait(timeout=300)
    r = sa.client.get(url, headers=sa.h("cmo"))
    assert r.status_code == 200, r.text
    return r.json()


def _incident(sa: StoreApp) -> tuple[int, list[dict]]:
    r = sa.client.post("/api/v1/incidents", json={"facts": example()}, headers=sa.h("responder"))
    assert r.status_code == 201, r.text
    return r.json()["incident"]["id"], r.json()["drafts"]


def test_bulk_drafting_adds_each_missing_variant_and_tone_once(tmp_path: Path, db_url: str) -> None:
    sa = make_store_app(tmp_path, db_url, JOBS="in-process")
    incident, first = _incident(sa)
    variants = {d["variant"] for d in first}
    assert variants and {d["tone"] for d in first} == {"plain"}
    url = f"/api/v1/incidents/{incident}/drafts/bulk"
    r = sa.client.post(url, json={"tones": ["plain", "formal"]}, headers=sa.h("cmo"))
    assert r.status_code == 202, r.text
    job = _run(sa, r.json()["url"])
    assert job["status"] == "complete" and job["kind"] == "drafts"
    assert job["done"] == job["total"] == 2 * len(variants)
    assert job["result"]["existing"] == len(variants) and job["result"]["failed"] == []
    assert len(job["result"]["created"]) == len(variants)
    drafts = sa.client.get(f"/api/v1/incidents/{incident}/drafts", headers=sa.h("cmo")).json()
    assert sorted((d["variant"], d["tone"]) for d in drafts) == sorted(
        (v, t) for v in variants for t in ("plain", "formal")
    )
    again = _run(
        sa, sa.client.post(url, json={"tones": ["formal"]}, headers=sa.h("cmo")).json()["url"]
    )
    assert again["result"] == {"created": [], "existing": len(variants), "failed": []}
    # Roles and bad input: nothing queued.
    assert sa.client.post(url, json={}, headers=sa.h("compliance")).status_code == 403
    bad = sa.client.post(url, json={"tones": ["cheerful"]}, headers=sa.h("cmo"))
    assert bad.status_code == 422 and bad.json()["error"]["details"][0]["field"].startswith("tones")
    missing = sa.client.post("/api/v1/incidents/424242/drafts/bulk", json={}, headers=sa.h("cmo"))
    assert missing.status_code == 404
    assert sa.client.get("/api/v1/tasks/nosuchjob", headers=sa.h("cmo")).status_code == 404


def test_bulk_export_zips_every_approved_letter_as_the_single_export(
    tmp_path: Path, db_url: str
) -> None:
    sa = make_store_app(tmp_path, db_url, JOBS="in-process")
    incident, drafts = _incident(sa)
    with sa.client.app.state.db.sessions() as session:
        approve_every_draft(session, incident)
    r = sa.client.post(
        f"/api/v1/exports/incidents/{incident}/letters",
        json={"format": "txt"},
        headers=sa.h("compliance"),
    )
    assert r.status_code == 202, r.text
    job = _run(sa, r.json()["url"])
    assert job["status"] == "complete", job
    assert job["done"] == job["total"] == len(drafts) == job["result"]["letters"]
    got = sa.client.get(job["download"], headers=sa.h("compliance"))
    assert got.status_code == 200 and got.headers["content-type"] == "application/zip"
    zf = zipfile.ZipFile(io.BytesIO(got.content))
    index = list(csv.DictReader(io.StringIO(zf.read("index.csv").decode())))
    assert sorted(int(row["draft_id"]) for row in index) == sorted(d["id"] for d in drafts)
    for row in index:
        single = sa.client.get(
            f"/api/v1/exports/drafts/{row['draft_id']}/letter?format=txt",
            headers=sa.h("compliance"),
        )
        assert zf.read(row["file"]) == single.content
        assert (row["released"] == "yes") == (single.headers["x-candor-proof"] == "passed")
    # A drafts job has no zip; the zip is for exporters only... every role exports.
    drafts_job = sa.client.post(
        f"/api/v1/incidents/{incident}/drafts/bulk", json={}, headers=sa.h("cmo")
    ).json()
    _run(sa, drafts_job["url"])
    assert sa.client.get(f"{drafts_job['url']}/download", headers=sa.h("cmo")).status_code == 409
    audit = sa.client.get("/api/v1/audit?limit=200", headers=sa.h("compliance")).json()
    actions = [e["action"] for e in (audit["entries"] if isinstance(audit, dict) else audit)]
    assert "bulk_export" in actions and "export_download" in actions
