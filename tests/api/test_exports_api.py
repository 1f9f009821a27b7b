"""Exports API: letter formats and watermark, checklist, merge jobs, roles, retention."""

from __future__ import annotations

import csv
import io
import os
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from support.approvals import approve_every_draft
from support.recipients import CA_HEADINGS, COLUMNS, upload
from support.storedb import test_settings

from app.main import create_app

ROLES = ("admin", "responder", "cmo", "security", "compliance")


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    from app.auth.users import issue_token
    from app.store import repositories as repo

    d = tmp_path_factory.mktemp("exports_api")
    s = test_settings(f"sqlite:///{d}/c.db", d, DEMO_DATA=True, MAX_BODY_BYTES=5_000_000)
    app = create_app(s)
    tokens = {}
    with app.state.db.sessions() as session:
        users = {u.role: u for u in repo.list_users(session)}
        for role in ROLES:
            _, secret = issue_token(session, None, users[role], "test")
            tokens[role] = secret
        incident = repo.list_incidents(session)[0]
        drafts = approve_every_draft(session, incident.id)
        residences = {draft.id: list(draft.residences) for draft in drafts}
        variants = {draft.id: draft.variant for draft in drafts}
    with TestClient(app) as client:
        yield {
            "client": client,
            "tokens": tokens,
            "incident": incident.id,
            "drafts": list(residences),
            "residences": residences,
            "variants": variants,
            "settings": s,
            "app": app,
        }


def h(env: dict, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {env['tokens'][role]}"}


def pdf_text(data: bytes) -> tuple[int, str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), "\n".join(p.extract_text() for p in reader.pages)


def test_letter_pdf_approved_has_no_watermark(env: dict) -> None:
    draft = env["drafts"][0]
    r = env["client"].get(
        f"/api/v1/exports/drafts/{draft}/letter?format=pdf", headers=h(env, "responder")
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    assert "-DRAFT" not in r.headers["content-disposition"]
    pages, text = pdf_text(r.content)
    assert pages >= 1
    assert "DRAFT" not in text and "Harbor & Pine" in text


def test_ca_variant_keeps_headings_in_pdf_and_docx(env: dict) -> None:
    ca = next(d for d, res in env["residences"].items() if "US-CA" in res)
    r = env["client"].get(f"/api/v1/exports/drafts/{ca}/letter?format=pdf", headers=h(env, "cmo"))
    _, text = pdf_text(r.content)
    for heading in ("Notice of Data Breach", *CA_HEADINGS):
        assert heading in text
    r = env["client"].get(
        f"/api/v1/exports/drafts/{ca}/letter?format=docx", headers=h(env, "security")
    )
    assert r.status_code == 200
    import docx

    document = docx.Document(io.BytesIO(r.content))
    headings = [
        p.text.rstrip("?.") for p in document.paragraphs if p.style.name.startswith("Heading")
    ]
    assert "What Happened" in headings and "What You Can Do" in headings


def test_older_version_is_watermarked_in_every_format(env: dict) -> None:
    from app.store import repositories as repo
    from app.workflow.drafts import save_version

    draft = env["drafts"][-1]
    app = env["app"]
    with app.state.db.sessions() as session:
        user = next(u for u in repo.list_users(session) if u.role == "cmo")
        d = repo.get_draft(session, draft)
        text = repo.get_version(session, draft).text
        save_version(
            session, app.state.workflow, user, draft, text + "\nP.S. Call us.\n", d.current_version
        )
    client = env["client"]
    for fmt in ("pdf", "docx", "txt", "eml"):
        r = client.get(
            f"/api/v1/exports/drafts/{draft}/letter?format={fmt}", headers=h(env, "compliance")
        )
        assert r.status_code == 200, r.text
        assert "-DRAFT" in r.headers["content-disposition"]
        if fmt == "pdf":
            assert "DRAFT — NOT APPROVED" in pdf_text(r.content)[1]
        elif fmt == "docx":
            import docx

            assert "DRAFT — NOT APPROVED" in docx.Document(io.BytesIO(r.content)).paragraphs[0].text
        elif fmt == "txt":
            assert r.text.startswith("DRAFT — NOT APPROVED")
        else:
            import email
            from email import policy

            msg = email.message_from_bytes(r.content, policy=policy.default)
            assert msg["Subject"].startswith("[DRAFT — NOT APPROVED]")
            assert "DRAFT — NOT APPROVED" in msg.get_body(("plain",)).get_content()
    # The version that was approved (1) is no longer current: also watermarked.
    r = client.get(
        f"/api/v1/exports/drafts/{draft}/letter?format=txt&version=1", headers=h(env, "responder")
    )
    assert r.text.startswith("DRAFT — NOT APPROVED")
    with app.state.db.sessions() as session:  # set-up for the merge tests: the new version approved
        repo.get_draft(session, draft).state = "approved"
        session.commit()


def test_checklist_csv_and_pdf(env: dict) -> None:
    draft = env["drafts"][0]
    r = env["client"].get(
        f"/api/v1/exports/drafts/{draft}/checklist?format=csv", headers=h(env, "compliance")
    )
    assert r.status_code == 200, r.text
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert rows and len(rows[0]["version_hash"]) == 64 and rows[0]["rulebook_hash"]
    assert "cmo@demo.candor.example (cmo)" in rows[0]["approvals"]
    assert "security@demo.candor.example (security)" in rows[0]["approvals"]
    r = env["client"].get(
        f"/api/v1/exports/drafts/{draft}/checklist?format=pdf", headers=h(env, "compliance")
    )
    assert r.status_code == 200 and pdf_text(r.content)[0] >= 1


def test_roles(env: dict) -> None:
    c = env["client"]
    draft = env["drafts"][0]
    assert c.get(f"/api/v1/exports/drafts/{draft}/letter?format=txt").status_code == 401
    # One export rule: admin, who may download every merged letter, may export one letter too.
    assert (
        c.get(
            f"/api/v1/exports/drafts/{draft}/letter?format=txt", headers=h(env, "admin")
        ).status_code
        == 200
    )
    files = {"recipients": ("r.csv", b"recipient_id\n", "text/csv")}
    for role in ("responder", "cmo", "security"):
        r = c.post(
            "/api/v1/exports/merges",
            data={"incident_id": env["incident"]},
            files=files,
            headers=h(env, role),
        )
        assert r.status_code == 403, role
    assert c.get("/api/v1/exports/merges", headers=h(env, "cmo")).status_code == 403
    assert c.get("/api/v1/exports/drafts/999999/letter", headers=h(env, "cmo")).status_code == 404
    # An incident id in the form, not the path: its 404 is in the API description too.
    r = c.post(
        "/api/v1/exports/merges",
        data={"incident_id": 999999},
        files=files,
        headers=h(env, "compliance"),
    )
    assert r.status_code == 404 and r.json()["error"]["code"]
    spec = c.get("/api/v1/openapi.json").json()
    assert "404" in spec["paths"]["/api/v1/exports/merges"]["post"]["responses"]


def _recipients_csv(env: dict, n: int) -> bytes:
    codes = [code for res in env["residences"].values() for code in res]
    return upload(codes, n, prefix="p", bad=1)


def _wait(
    c: TestClient, env: dict, job: str, *, until=("complete", "failed", "interrupted")
) -> dict:
    for _ in range(600):
        st = c.get(f"/api/v1/exports/merges/{job}", headers=h(env, "compliance")).json()
        if st["status"] in until:
            return st
        time.sleep(0.1)
    raise AssertionError(st)


def test_merge_job_text_end_to_end(env: dict) -> None:
    c = env["client"]
    data = _recipients_csv(env, 300)
    # One vocabulary of format names (the letter export's): `text` is refused, naming the field.
    r = c.post(
        "/api/v1/exports/merges",
        data={"incident_id": env["incident"], "format": "text"},
        files={"recipients": ("r.csv", data, "text/csv")},
        headers=h(env, "compliance"),
    )
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "format", r.text
    r = c.post(
        "/api/v1/exports/merges",
        data={"incident_id": env["incident"], "format": "txt"},
        files={"recipients": ("r.csv", data, "text/csv")},
        headers=h(env, "compliance"),
    )
    assert r.status_code == 202, r.text
    job = r.json()["id"]
    st = _wait(c, env, job)
    assert st["status"] == "complete", st
    # ISO 8601 timestamps and the user's id, as in every other API body.
    me = c.get("/api/v1/auth/me", headers=h(env, "compliance")).json()
    assert st["format"] == "txt" and st["created_by"] == me["id"], st
    assert datetime.fromisoformat(st["created_at"]).tzinfo is not None, st
    assert datetime.fromisoformat(st["updated_at"]) >= datetime.fromisoformat(st["created_at"])
    assert st["done"] == 300 and st["rejected"] == 1 and st["total"] == 301
    folder = Path(env["settings"].EXPORT_DIR) / "merges" / job
    assert not (folder / "upload.csv").exists()  # personal data deleted after the job
    assert not (folder / "chunks").exists()  # nor the chunk files
    manifest = list(
        csv.DictReader(
            io.StringIO(
                c.get(f"/api/v1/exports/merges/{job}/manifest", headers=h(env, "compliance")).text
            )
        )
    )
    assert len(manifest) == 300
    for row in manifest[:20]:
        expect = next(d for d, res in env["residences"].items() if row["residence"] in res)
        assert row["variant"] == env["variants"][expect]  # one variant id everywhere
        letter = c.get(f"/api/v1/exports/merges/{job}/files/{row['file']}", headers=h(env, "admin"))
        assert letter.status_code == 200
        i = row["recipient_id"][1:]
        assert letter.text.count(f"Pat Sample {i}") >= 2  # address block and greeting
        assert "[[recipient" not in letter.text and "DRAFT" not in letter.text
    rejects = c.get(f"/api/v1/exports/merges/{job}/rejects", headers=h(env, "compliance")).text
    assert "bad1" in rejects and "missing_state" in rejects
    assert (
        c.get(
            f"/api/v1/exports/merges/{job}/files/../job.json", headers=h(env, "admin")
        ).status_code
        == 404
    )
    assert (
        c.get(f"/api/v1/exports/merges/{job}/files/_work/x", headers=h(env, "admin")).status_code
        == 404
    )


def test_merge_job_pdf_per_variant_interrupt_and_resume(env: dict) -> None:
    from app.export import jobs

    c = env["client"]
    data = _recipients_csv(env, 6)
    r = c.post(
        "/api/v1/exports/merges",
        data={"incident_id": env["incident"], "format": "pdf", "mode": "per-variant"},
        files={"recipients": ("r.csv", data, "text/csv")},
        headers=h(env, "admin"),
    )
    job = r.json()["id"]
    runner = env["app"].state.jobs
    assert runner.wait(job, 120)
    export_dir = Path(env["settings"].EXPORT_DIR)
    st = _wait(c, env, job)
    assert st["status"] == "complete", st
    pdfs = [p for p in (export_dir / "merges" / job / "out").glob("*.pdf")]
    assert len(pdfs) == len(env["drafts"])
    # A second job interrupted mid-way (test hook: stop after 10 rows), then resumed through the API.
    data = _recipients_csv(env, 40)
    from app.export.plan import plan_from_store

    upload = export_dir / "up.csv"
    upload.write_bytes(data)
    with env["app"].state.db.sessions() as session:
        plan = plan_from_store(session, env["incident"], ctx=env["app"].state.workflow)
        job2 = jobs.create_job(
            session,
            export_dir,
            plan=plan,
            upload=upload,
            fmt="text",
            mode="per-recipient",
            incident_id=env["incident"],
            created_by=None,
            chunk_size=15,
        )
        runner.runtime.hooks["stop_after"] = 10
        try:
            jobs.start(session, runner, job2)
            assert runner.wait(job2, 60)
        finally:
            runner.runtime.hooks.pop("stop_after")
    st = c.get(f"/api/v1/exports/merges/{job2}", headers=h(env, "compliance")).json()
    assert st["status"] == "interrupted" and st["resumable"], st
    assert st["done"] == 10 and st["chunks"]["total"] == 3
    assert (
        c.get(f"/api/v1/exports/merges/{job2}/manifest", headers=h(env, "compliance")).status_code
        == 409
    )
    assert (
        c.post(f"/api/v1/exports/merges/{job2}/resume", headers=h(env, "compliance")).status_code
        == 202
    )
    assert runner.wait(job2, 60)
    st = _wait(c, env, job2)
    assert st["status"] == "complete" and st["done"] == 40
    manifest = c.get(f"/api/v1/exports/merges/{job2}/manifest", headers=h(env, "compliance")).text
    ids = [row["recipient_id"] for row in csv.DictReader(io.StringIO(manifest))]
    assert len(ids) == len(set(ids)) == 40


def test_merge_refused_when_nothing_approved(env: dict, tmp_path: Path) -> None:
    from app.store import repositories as repo

    app = env["app"]
    with app.state.db.sessions() as session:
        saved = {d.id: d.state for d in repo.list_drafts(session, env["incident"])}
        for d in repo.list_drafts(session, env["incident"]):
            d.state = "in_review"
        session.commit()
    try:
        r = env["client"].post(
            "/api/v1/exports/merges",
            data={"incident_id": env["incident"]},
            files={"recipients": ("r.csv", _recipients_csv(env, 2), "text/csv")},
            headers=h(env, "compliance"),
        )
        assert r.status_code == 422 and "no approved drafts" in r.json()["error"]["message"]
    finally:
        with app.state.db.sessions() as session:
            for d in repo.list_drafts(session, env["incident"]):
                d.state = saved[d.id]
            session.commit()


def test_retention_cleanup(env: dict, tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    from app.export import jobs
    from app.store.merge_models import MergeJob

    now = datetime.now(UTC)
    with env["app"].state.db.sessions() as session:
        for job_id, age, status in (
            ("abc123", 9, "complete"),
            ("def456", 0, "complete"),
            ("abc789", 9, "running"),
        ):
            (jobs.merges_dir(tmp_path) / job_id).mkdir(parents=True)
            session.add(
                MergeJob(
                    id=job_id,
                    status=status,
                    format="text",
                    mode="per-recipient",
                    plan={},
                    chunk_size=10,
                    created_at=now - timedelta(days=age),
                    updated_at=now - timedelta(days=age),
                )
            )
        session.commit()
        orphan = jobs.merges_dir(tmp_path) / "fff000"  # a folder the database does not know
        orphan.mkdir()
        old = time.time() - 9 * 86400
        os.utime(orphan, (old, old))
        assert sorted(jobs.cleanup(session, tmp_path, 7)) == ["abc123", "fff000"]
        assert session.get(MergeJob, "abc123") is None and session.get(MergeJob, "def456")
    assert not (jobs.merges_dir(tmp_path) / "abc123").exists()
    assert (jobs.merges_dir(tmp_path) / "def456").exists()
    assert (jobs.merges_dir(tmp_path) / "abc789").exists()  # a running job is never deleted


def test_merge_csv_outputs_neutralise_spreadsheet_formulas(env: dict) -> None:
    c = env["client"]
    code = next(code for res in env["residences"].values() for code in res)
    evil = ['=HYPERLINK("http://evil.example","x")', "@SUM(1+1)", "+cmd|' /C calc'!A0", "-2+3"]
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(COLUMNS)
    for i, rid in enumerate(evil):
        w.writerow([rid, f"Pat {i}", "1 Rd", "", "Town", code[3:], "97209", "US", "X"])
    w.writerow(["=1+1", "No State", "1 Rd", "", "Town", "", "00000", "US", "X"])
    r = c.post(
        "/api/v1/exports/merges",
        data={"incident_id": env["incident"], "format": "txt"},
        files={"recipients": ("r.csv", out.getvalue().encode(), "text/csv")},
        headers=h(env, "compliance"),
    )
    assert r.status_code == 202, r.text
    job = r.json()["id"]
    assert _wait(c, env, job)["status"] == "complete"
    manifest = c.get(f"/api/v1/exports/merges/{job}/manifest", headers=h(env, "compliance")).text
    ids = [row["recipient_id"] for row in csv.DictReader(io.StringIO(manifest))]
    assert sorted(ids) == sorted("'" + e for e in evil), ids
    rejects = list(
        csv.DictReader(
            io.StringIO(
                c.get(f"/api/v1/exports/merges/{job}/rejects", headers=h(env, "compliance")).text
            )
        )
    )
    assert [row["recipient_id"] for row in rejects] == ["'=1+1"]
    cells = [cell for line in csv.reader(io.StringIO(manifest)) for cell in line]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)


def test_merge_downloads_and_resume_are_audited(env: dict) -> None:
    c = env["client"]
    r = c.post(
        "/api/v1/exports/merges",
        data={"incident_id": env["incident"], "format": "txt"},
        files={"recipients": ("r.csv", _recipients_csv(env, 3), "text/csv")},
        headers=h(env, "compliance"),
    )
    job = r.json()["id"]
    assert _wait(c, env, job)["status"] == "complete"
    row = next(
        csv.DictReader(
            io.StringIO(
                c.get(f"/api/v1/exports/merges/{job}/manifest", headers=h(env, "admin")).text
            )
        )
    )
    assert (
        c.get(
            f"/api/v1/exports/merges/{job}/files/{row['file']}", headers=h(env, "admin")
        ).status_code
        == 200
    )
    entries = c.get("/api/v1/audit?limit=1000&entity=incident", headers=h(env, "admin")).json()
    downloads = [
        e for e in entries if e["action"] == "merge_download" and e["details"]["job"] == job
    ]
    assert {e["details"]["file"] for e in downloads} >= {"manifest.csv", row["file"]}
    assert {e["actor"] for e in downloads} == {"admin@demo.candor.example"}
    r = c.post(f"/api/v1/exports/merges/{job}/resume", headers=h(env, "compliance"))
    assert r.status_code == 409  # a complete job is not resumable; the refusal records nothing
    assert not [
        e
        for e in c.get("/api/v1/audit?limit=1000&entity=incident", headers=h(env, "admin")).json()
        if e["action"] == "merge_resume" and e["details"]["job"] == job
    ]


def test_non_utf8_recipients_file_is_refused_up_front(env: dict) -> None:
    c = env["client"]
    latin1 = (",".join(COLUMNS) + "\n" + "p1,José Müller,1 Rd,,Town,CA,97209,US,X\n").encode(
        "latin-1"
    )
    before = c.get("/api/v1/exports/merges", headers=h(env, "compliance")).json()
    r = c.post(
        "/api/v1/exports/merges",
        data={"incident_id": env["incident"], "format": "txt"},
        files={"recipients": ("r.csv", latin1, "text/csv")},
        headers=h(env, "compliance"),
    )
    assert (
        r.status_code == 422
        and "UTF-8" in r.json()["error"]["message"]
        and "line 2" in r.json()["error"]["message"]
    )
    assert len(c.get("/api/v1/exports/merges", headers=h(env, "compliance")).json()) == len(before)
