"""The new-incident form and dashboard parts of #11: residence codes are shown as they will be read before
saving (CA is Canada but also the US postal code for California), and hour clocks show hours under 72."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from support.clients import page_session
from support.storedb import test_settings

from app.main import create_app

PASSWORD = "preview-page-password-0123"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    from app.auth.users import create_user

    d = tmp_path_factory.mktemp("residence_preview")
    s = test_settings(f"sqlite:///{d}/c.db", d, SESSION_COOKIE_SECURE=False)
    application = create_app(s)
    with application.state.db.sessions() as session:
        for role in ("responder", "cmo"):
            create_user(session, None, f"{role}@preview.test", role, PASSWORD)
        session.commit()
    yield application


def signed_in(app: object, role: str) -> tuple[TestClient, str]:
    return page_session(app, f"{role}@preview.test", PASSWORD)


def test_form_asks_for_the_preview(app: object) -> None:
    c, _ = signed_in(app, "responder")
    html = c.get("/incidents/new").text
    assert 'hx-post="/residences/preview"' in html and 'id="residence-preview"' in html


def test_preview_names_both_readings_of_ca_and_suggests_for_unknown(app: object) -> None:
    c, token = signed_in(app, "responder")
    r = c.post(
        "/residences/preview",
        data={"affected": "CA 10\nUS-TX 5\nTX 3"},
        headers={"X-CSRF-Token": token},
    )
    assert r.status_code == 200, r.text
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", r.text))
    assert "Canada" in text and "California" in text and "US-CA" in text
    assert "Texas" in text
    assert "did you mean US-TX" in text  # 'TX' is no residence code; the state is US-TX


def test_preview_reports_an_unreadable_line(app: object) -> None:
    c, token = signed_in(app, "responder")
    r = c.post(
        "/residences/preview", data={"affected": "US-CA twelve"}, headers={"X-CSRF-Token": token}
    )
    assert r.status_code == 200
    assert "Write each line as a residence code and a number" in r.text and "US-CA twelve" in r.text


def test_preview_needs_someone_who_enters_facts(app: object) -> None:
    c, token = signed_in(app, "cmo")
    r = c.post("/residences/preview", data={"affected": "CA 10"}, headers={"X-CSRF-Token": token})
    assert r.status_code == 403


def test_dashboard_shows_hours_when_an_hour_clock_has_fewer_than_72_left(app: object) -> None:
    """GDPR Art. 33: 72 hours from awareness. Discovered 2026-11-26 10:00 UTC -> due 2026-11-29 10:00 UTC.
    'Now' is TODAY=2026-11-27, i.e. 00:00 UTC: 24 + 24 + 10 = 58 hours left, so the dashboard says hours."""
    c, token = signed_in(app, "responder")
    r = c.post(
        "/incidents/new",
        data={
            "csrf_token": token,
            "title": "Hours on the dashboard",
            "organisation.name": "Example GmbH",
            "incident.summary": "A misdirected export.",
            "incident.discovery_date": "2026-11-26",
            "incident.discovery_at": "2026-11-26T10:00:00+00:00",
            "data_types": ["email"],
            "affected": "DE 10",
            "tone": "plain",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    html = re.sub(r"\s+", " ", c.get("/").text)
    assert "by 2026-11-29 10:00 UTC (58 hours left)" in html
