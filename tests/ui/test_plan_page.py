"""The plan page and the dashboard's deadlines through the real app (TestClient, signed-in sessions):
roles, CSRF, a refused form keeps its values, a saved form with a proof file, evidence and feed links."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from support.clients import page_session
from support.storedb import example, test_settings

from app.domain.facts import IncidentFacts
from app.main import create_app

PASSWORD = "plan-page-password-0123"
ROLES = ("compliance", "cmo", "responder", "admin")
TX_AG = "Texas Attorney General (online form)"


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    from app.auth.users import create_user
    from app.workflow import incidents

    d = tmp_path_factory.mktemp("plan_page")
    s = test_settings(f"sqlite:///{d}/c.db", d, PUBLIC_URL="http://testserver")
    app = create_app(s)
    with app.state.db.sessions() as session:
        users = {r: create_user(session, None, f"{r}@plan.test", r, PASSWORD)[0] for r in ROLES}
        made = incidents.create_incident(
            session, app.state.workflow, users["responder"], IncidentFacts.model_validate(example())
        )
    yield {"app": app, "incident": made.incident.id}
    app.state.db.dispose()


def client(env: dict, role: str) -> tuple[TestClient, str]:
    return page_session(env["app"], f"{role}@plan.test", PASSWORD)


def _item(html: str) -> tuple[int, int]:
    """(id, version) of the Texas AG notice on the page."""
    for block in re.findall(r'<li id="item-\d+".*?</li>', html, re.S):
        if TX_AG in block:
            item_id = re.search(r'data-item-id="(\d+)"', block)
            version = re.search(r'name="version" value="(\d+)"', block)
            assert item_id and version
            return int(item_id.group(1)), int(version.group(1))
    raise AssertionError("no Texas AG notice on the page")


def test_plan_page_views_and_roles(env):
    c, token = client(env, "cmo")
    page = c.get(f"/incidents/{env['incident']}/plan")
    assert page.status_code == 200 and TX_AG in page.text
    assert "overdue" in page.text and "Record progress" not in page.text  # cmo reads only
    filtered = c.get(f"/incidents/{env['incident']}/plan?jurisdiction=US-TX").text
    assert set(re.findall(r'data-jurisdiction="([^"]+)"', filtered)) == {"US-TX"}
    r = c.post(
        f"/incidents/{env['incident']}/plan/items/1",
        data={"csrf_token": token, "status": "done", "version": "1"},
        follow_redirects=False,
    )
    assert r.status_code == 403
    assert c.get(f"/incidents/{env['incident']}/evidence").status_code == 403
    dash = c.get("/").text
    assert 'data-testid="plan-link"' in dash and 'data-status="open"' in dash


def test_compliance_records_done_with_proof(env):
    c, token = client(env, "compliance")
    html = c.get(f"/incidents/{env['incident']}/plan").text
    item_id, version = _item(html)
    url = f"/incidents/{env['incident']}/plan/items/{item_id}"
    form = {
        "status": "done",
        "sent_at": "2026-10-02T14:30",
        "reference": "#123",
        "method": "",
        "version": str(version),
    }
    no_csrf = c.post(url, data=form, follow_redirects=False)
    assert no_csrf.status_code == 403
    refused = c.post(
        url,
        data={"csrf_token": token, **form},
        files={"file": ("early.pdf", b"%PDF-1.4 early", "application/pdf")},
        follow_redirects=False,
    )
    assert refused.status_code == 422 and "method" in refused.text
    assert 'value="#123"' in refused.text  # what was typed is kept

    pdf = b"%PDF-1.4\n% confirmation\n"
    saved = c.post(
        url,
        data={"csrf_token": token, **form, "method": "portal"},
        files={"file": ("confirmation.pdf", pdf, "application/pdf")},
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    html = c.get(f"/incidents/{env['incident']}/plan?status=done").text
    assert TX_AG in html and "#123" in html and "confirmation.pdf" in html
    assert "early.pdf" not in html  # the refused form stored nothing, not even its file
    link = re.search(r'href="(/incidents/\d+/plan/items/\d+/attachments/\d+)"', html)
    assert link and c.get(link.group(1)).content == pdf
    dash = c.get("/?status=done&jurisdiction=US-TX").text
    assert 'data-status="done"' in dash and 'data-status="open"' not in dash

    bundle = c.get(f"/incidents/{env['incident']}/evidence")
    assert bundle.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(bundle.content)).namelist()
    assert "manifest.json" in names and any(n.startswith("plan/proof/") for n in names)

    feed = c.post(
        f"/incidents/{env['incident']}/plan/feed",
        data={"csrf_token": token},
        follow_redirects=False,
    )
    url = re.search(r"<code>http://testserver(/api/v1/calendar/[^<]+)</code>", feed.text)
    assert url
    ics = c.get(url.group(1).replace("&amp;", "&"))
    assert ics.status_code == 200 and b"BEGIN:VCALENDAR" in ics.content
