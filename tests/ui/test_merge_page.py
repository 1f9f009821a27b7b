"""Mail-merge page in process (no browser): roles, CSRF, refused uploads beside the form (4xx, never
500, choices kept), a job started through the same service as the API, the polling panel, resume,
and no recipient data on the page. The browser path is test_merge_browser.py."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from support.approvals import approve_every_draft
from support.clients import page_session
from support.recipients import upload
from support.storedb import test_settings

from app.export import jobs
from app.main import create_app

PASSWORD = "merge-page-password-0123"
ROLES = ("compliance", "admin", "cmo", "responder")


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    from app.auth.users import create_user
    from app.store import repositories as repo

    d = tmp_path_factory.mktemp("merge_page")
    s = test_settings(f"sqlite:///{d}/c.db", d, DEMO_DATA=True, SESSION_COOKIE_SECURE=False)
    app = create_app(s)
    with app.state.db.sessions() as session:
        users = {
            role: create_user(session, None, f"{role}@merge.test", role, PASSWORD)[0]
            for role in ROLES
        }
        incident = repo.list_incidents(session)[0]
        drafts = approve_every_draft(session, incident.id)
        codes = [code for draft in drafts for code in draft.residences]
        assert users
    yield {"app": app, "settings": s, "incident": incident.id, "codes": codes}


def client(env: dict, role: str) -> tuple[TestClient, str]:
    return page_session(env["app"], f"{role}@merge.test", PASSWORD)


def recipients(codes: list[str], n: int, bad: int = 0, names: str = "Pat Sample") -> bytes:
    return upload(codes, n, names=names, bad=bad)


def post(
    c: TestClient,
    token: str,
    env: dict,
    data: bytes | None,
    filename: str = "people.csv",
    **form: str,
):  # type: ignore[no-untyped-def]
    files = {"recipients": (filename, data, "text/csv")} if data is not None else None
    return c.post(
        f"/incidents/{env['incident']}/merge",
        data={"csrf_token": token, **form},
        files=files,
        follow_redirects=False,
    )


def wait_all(env: dict) -> None:
    assert env["app"].state.jobs.wait(timeout=120)


def test_roles_and_dashboard_link(env: dict) -> None:
    url = f"/incidents/{env['incident']}/merge"
    for role in ("cmo", "responder"):
        c, token = client(env, role)
        assert c.get(url).status_code == 403, role
        assert c.get(url + "/jobs").status_code == 403, role
        assert post(c, token, env, recipients(env["codes"], 2)).status_code == 403, role
        assert 'data-testid="merge-link"' not in c.get("/").text
    for role in ("compliance", "admin"):
        c, _ = client(env, role)
        assert c.get(url).status_code == 200, role
        assert f'href="{url}"' in c.get("/").text
    anon = TestClient(env["app"])
    r = anon.get(url, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")
    c, _ = client(env, "compliance")
    assert c.get("/incidents/999999/merge").status_code == 404


def test_page_lists_approved_letters_and_form(env: dict) -> None:
    c, _ = client(env, "compliance")
    html = c.get(f"/incidents/{env['incident']}/merge").text
    assert 'data-mailable="yes"' in html and 'data-testid="no-approved"' not in html
    assert 'enctype="multipart/form-data"' in html and 'name="csrf_token"' in html
    assert 'type="file"' in html and 'name="recipients"' in html


def test_post_without_csrf_is_refused(env: dict) -> None:
    c, _ = client(env, "compliance")
    r = post(c, "not-the-token", env, recipients(env["codes"], 2))
    assert r.status_code == 403


@pytest.mark.parametrize(
    ("data", "filename", "expect"),
    [
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
            "photo.png",
            "not a UTF-8 CSV",
        ),
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", "people.xlsx", "not a UTF-8 CSV"),
        (
            b"recipient_id,name,city\nr1,Pat Sample,Porttown\n",
            "people.csv",
            "missing columns: address_line1",
        ),
        (b"", "empty.csv", "is empty"),
        (None, "", "Choose the recipients CSV file"),
    ],
)
def test_bad_upload_is_shown_beside_the_form(
    env: dict, data: bytes | None, filename: str, expect: str
) -> None:
    c, token = client(env, "compliance")
    before = (
        {p.name for p in (Path(env["settings"].EXPORT_DIR) / "merges").glob("*")}
        if (Path(env["settings"].EXPORT_DIR) / "merges").exists()
        else set()
    )
    r = post(c, token, env, data, filename, format="text", mode="per-variant", page_size="A4")
    assert r.status_code == 422, r.text
    assert 'data-testid="merge-error"' in r.text and expect in r.text
    assert 'aria-invalid="true"' in r.text
    # Choices are kept.
    assert re.search(r'value="text" checked', r.text) and re.search(
        r'value="per-variant" checked', r.text
    )
    assert re.search(r'value="A4" selected', r.text)
    after = (
        {p.name for p in (Path(env["settings"].EXPORT_DIR) / "merges").glob("*")}
        if (Path(env["settings"].EXPORT_DIR) / "merges").exists()
        else set()
    )
    assert after == before  # no job, no leftover upload


def test_bad_format_is_refused_not_500(env: dict) -> None:
    c, token = client(env, "compliance")
    r = post(c, token, env, recipients(env["codes"], 2), format="docx")
    assert r.status_code == 422 and "format must be one of" in r.text


def test_nothing_approved_is_explained_and_refused(env: dict) -> None:
    from app.store import repositories as repo

    app = env["app"]
    with app.state.db.sessions() as session:
        saved = {d.id: d.state for d in repo.list_drafts(session, env["incident"])}
        for d in repo.list_drafts(session, env["incident"]):
            d.state = "in_review"
        session.commit()
    try:
        c, token = client(env, "compliance")
        page = c.get(f"/incidents/{env['incident']}/merge").text
        assert 'data-testid="no-approved"' in page and "nothing to mail" in page
        r = post(c, token, env, recipients(env["codes"], 2))
        assert r.status_code == 422 and "no approved drafts" in r.text
    finally:
        with app.state.db.sessions() as session:
            for d in repo.list_drafts(session, env["incident"]):
                d.state = saved[d.id]
            session.commit()


def test_good_upload_starts_a_job_and_the_panel_stops_polling(env: dict) -> None:
    c, token = client(env, "compliance")
    r = post(
        c, token, env, recipients(env["codes"], 12, bad=2, names="Quinn Zephyr"), format="text"
    )
    assert r.status_code == 303, r.text
    job_id = r.headers["location"].rsplit("#job-", 1)[1]
    assert env["app"].state.jobs.wait(job_id, 120)
    panel = c.get(f"/incidents/{env['incident']}/merge/jobs").text
    assert 'data-polling="no"' in panel and "hx-trigger" not in panel
    job = re.search(rf'<article[^>]*data-job-id="{job_id}"[^>]*data-state="(\w+)"', panel)
    assert job and job.group(1) == "complete"
    block = panel[panel.index(f'data-job-id="{job_id}"') :]
    assert re.search(r'data-testid="job-done">12<', block) and re.search(
        r'data-testid="job-rejected">2<', block
    )
    assert (
        f"/api/v1/exports/merges/{job_id}/manifest" in block
        and f"/api/v1/exports/merges/{job_id}/rejects" in block
    )
    assert re.search(r'<progress id="progress-' + job_id + r'" max="14" value="14"', block)
    # The links work with the browser session (the API's file routes, same role rule).
    manifest = c.get(f"/api/v1/exports/merges/{job_id}/manifest")
    assert (
        manifest.status_code == 200 and len(list(csv.DictReader(io.StringIO(manifest.text)))) == 12
    )
    out = re.search(r'href="(/api/v1/exports/merges/[^"]+/files/letters/[^"]+)"', block)
    assert out and c.get(out.group(1)).status_code == 200
    # No recipient names or addresses on the page or the panel.
    page = c.get(f"/incidents/{env['incident']}/merge").text
    assert "Quinn Zephyr" not in page + panel and "Harbor Rd" not in page + panel
    # The cmo cannot download through the API either.
    cmo, _ = client(env, "cmo")
    assert cmo.get(f"/api/v1/exports/merges/{job_id}/manifest").status_code == 403


def test_running_job_panel_polls(env: dict) -> None:
    from app.export.plan import plan_from_store

    export_dir = Path(env["settings"].EXPORT_DIR)
    runner = env["app"].state.jobs
    with env["app"].state.db.sessions() as session:
        plan = plan_from_store(session, env["incident"], ctx=env["app"].state.workflow)
        upload = export_dir / "up-running.csv"
        export_dir.mkdir(parents=True, exist_ok=True)
        upload.write_bytes(recipients(env["codes"], 5))
        job = jobs.create_job(
            session,
            export_dir,
            plan=plan,
            upload=upload,
            fmt="text",
            mode="per-recipient",
            incident_id=env["incident"],
            created_by=None,
        )
    # A task of the job is held on the in-process runner, so the job reads as running.
    import threading

    gate = threading.Event()
    from app.export import runner as runner_mod

    runner_mod.TASKS["test.hold"] = lambda rt, job_id: gate.wait(30)
    runner.defer("test.hold", job_id=job)
    try:
        c, _ = client(env, "compliance")
        panel = c.get(f"/incidents/{env['incident']}/merge/jobs").text
        assert 'data-polling="yes"' in panel
        assert (
            f'hx-get="/incidents/{env["incident"]}/merge/jobs"' in panel
            and 'hx-trigger="every 1s"' in panel
        )
        assert re.search(rf'data-job-id="{job}" data-state="queued"', panel)
    finally:
        gate.set()
        assert runner.wait(job, 30)
        runner_mod.TASKS.pop("test.hold", None)
    # With no task of it left (the server restarted) the job reads as interrupted and can be resumed.
    c, token = client(env, "compliance")
    panel = c.get(f"/incidents/{env['incident']}/merge/jobs").text
    assert f"/merge/jobs/{job}/resume" in panel and 'data-polling="no"' in panel
    r = c.post(
        f"/incidents/{env['incident']}/merge/jobs/{job}/resume",
        data={"csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303 and "resumed" in r.headers["location"]
    assert runner.wait(job, 60)
    with env["app"].state.db.sessions() as session:
        assert jobs.view(session, job, runner)["status"] == "complete"
    # A finished job cannot be resumed; a job of another incident is not found.
    r = c.post(
        f"/incidents/{env['incident']}/merge/jobs/{job}/resume",
        data={"csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303 and "kind=error" in r.headers["location"]
    r = c.post(
        f"/incidents/{env['incident'] + 1000}/merge/jobs/{job}/resume",
        data={"csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 404


def test_api_refuses_a_bad_header_at_once(env: dict) -> None:
    """The header check moved before the job (app.export.jobs.start_merge) also serves the API: 422, no job."""
    c, token = client(env, "compliance")
    r = c.post(
        "/api/v1/exports/merges",
        data={"incident_id": env["incident"]},
        files={"recipients": ("r.csv", b"recipient_id,name\nr1,Pat\n", "text/csv")},
        headers={"X-CSRF-Token": token},
    )
    assert r.status_code == 422 and "missing columns" in r.json()["error"]["message"]


def test_check_header_unit(tmp_path: Path) -> None:
    from app.export.merge import MergeError

    ok = tmp_path / "ok.csv"
    ok.write_bytes(
        b"\xef\xbb\xbfrecipient_id, name ,address_line1,city,state,postal_code,country\r\n"
    )
    jobs.check_header(ok, "ok.csv")
    for body, msg in [
        (b"recipient_id,name,address_line1,city,postal_code,country\n", "region (or state)"),
        (b"a" * (jobs.HEADER_BYTES + 10), "no header line"),
        (b"recipient_id,\x00name\n", "binary"),
        (b"  \n", "is empty"),
    ]:
        bad = tmp_path / "bad.csv"
        bad.write_bytes(body)
        with pytest.raises(MergeError, match=re.escape(msg)):
            jobs.check_header(bad, "bad.csv")


def test_email_channel_without_smtp_is_disabled_and_refused(env: dict) -> None:
    """No SMTP server configured: the e-mail choice is shown disabled with the reason, and a post
    that asks for it anyway is refused beside the form (no job)."""
    c, token = client(env, "compliance")
    page = c.get(f"/incidents/{env['incident']}/merge").text
    assert re.search(r'name="channel" value="email"[^>]*disabled', page)
    assert "CANDOR_SMTP_URL" in page
    r = post(c, token, env, recipients(env["codes"], 2), channel="email", format="text")
    assert r.status_code == 422 and "needs an SMTP server" in r.text
    r = post(c, token, env, recipients(env["codes"], 2), channel="fax", format="text")
    assert r.status_code == 422 and "Channel must be print or e-mail" in r.text
