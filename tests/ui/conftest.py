"""Browser-test fixtures: Debian's Chromium through Playwright, and the real app under uvicorn.

* `browser` (session): Chromium from CANDOR_TEST_CHROMIUM or /usr/bin/chromium, launched by
  playwright's sync API (never `playwright install`). Missing Chromium skips with the reason.
* `live_app` (module): the app in a subprocess on a free port with its own temp SQLite database
  and one user per role, so tests under `pytest -n 2` never share a port or a database. It names
  its database and export folder so a test can set up state through the service functions.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from support.incident_page import submit_new_incident
from support.storedb import AUDIT_KEY, test_settings

from app.core.config import PROJECT_ROOT, Settings

CHROMIUM = os.environ.get("CANDOR_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Saves and checks run on a shared 2-core machine: give assertions room before they fail.
EXPECT_TIMEOUT_MS = 20_000
# Screenshots go to docs/screenshots/ only under `make screenshots` (CANDOR_SCREENSHOTS=1); an ordinary
# test run writes them into its temporary folder, so running the tests leaves the working tree clean.
DOCS_SCREENSHOTS = PROJECT_ROOT / "docs" / "screenshots"
PASSWORD = "correct-horse-battery-staple"
USERS = {
    role: f"{role}@example.test" for role in ("responder", "cmo", "security", "compliance", "admin")
}


@dataclass
class LiveApp:
    url: str
    users: dict[str, str]
    password: str
    database_url: str = ""  # the server's store, for set-up through the service functions
    export_dir: str = ""

    def settings(self) -> Settings:
        """Settings for an in-process app on the server's store and folders (same audit key), to
        set up state through the service functions."""
        return test_settings(self.database_url, Path(self.export_dir).parent)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def chromium_browser():  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        pytest.skip(
            f"Chromium not found at {CHROMIUM} (install Debian's chromium or set CANDOR_TEST_CHROMIUM)"
        )
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    data = tmp_path_factory.mktemp("ui")
    port = _free_port()
    env = {
        **os.environ,
        "CANDOR_ENVIRONMENT": "test",
        "CANDOR_DATABASE_URL": f"sqlite:///{data}/candor.db",
        "CANDOR_DEMO_DATA": "false",
        "CANDOR_EXPORT_DIR": str(data / "exports"),
        "CANDOR_TODAY": "2026-11-27",
        "CANDOR_SECRET_KEY": "ui-test-secret-" + "x" * 32,
        "CANDOR_AUDIT_KEY": AUDIT_KEY,
        "CANDOR_UI_TEST_USERS": json.dumps(
            [[email, role, PASSWORD] for role, email in USERS.items()]
        ),
    }
    env.pop("CANDOR_LANGUAGETOOL_URL", None)
    log = open(data / "server.log", "w")
    proc = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("serve_app.py")), str(port)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180  # a loaded 2-core machine: import, migrate, seed
    while True:
        if proc.poll() is not None:
            log.close()
            raise RuntimeError(
                f"app exited with {proc.returncode}:\n{(data / 'server.log').read_text()[-4000:]}"
            )
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code < 500:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(
                "app did not start in 180 s:\n" + (data / "server.log").read_text()[-4000:]
            )
        time.sleep(0.2)
    yield LiveApp(
        url=url,
        users=USERS,
        password=PASSWORD,
        database_url=env["CANDOR_DATABASE_URL"],
        export_dir=env["CANDOR_EXPORT_DIR"],
    )
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture
def new_page(chromium_browser, live_app):  # type: ignore[no-untyped-def]
    """Factory: a page in a fresh browser context (its own cookies), signed in as `role`."""
    contexts = []

    def make(role: str | None = None, width: int = 1366, height: int = 900):  # type: ignore[no-untyped-def]
        ctx = chromium_browser.new_context(
            viewport={"width": width, "height": height}, base_url=live_app.url
        )
        ctx.set_default_timeout(15_000)
        contexts.append(ctx)
        page = ctx.new_page()
        if role:
            sign_in(page, live_app, role)
        return page

    yield make
    for c in contexts:
        c.close()


def sign_in(page, live_app: LiveApp, role: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.get_by_label("Email").fill(live_app.users[role])
    page.get_by_label("Password").fill(live_app.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("[data-testid=whoami-role]")


def screenshot_dir(tmp_root: Path) -> Path:
    """docs/screenshots under `make screenshots` (CANDOR_SCREENSHOTS=1), else a temporary folder."""
    return DOCS_SCREENSHOTS if os.environ.get("CANDOR_SCREENSHOTS") == "1" else tmp_root


def screenshot(page, name: str, folder: Path = DOCS_SCREENSHOTS) -> Path:  # type: ignore[no-untyped-def]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def shot(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """`shot(page, name)` writes <name>.png from the test's browser: into docs/screenshots/ under
    `make screenshots`, else into a temporary folder (the test still proves the page renders)."""
    folder = screenshot_dir(tmp_path_factory.mktemp("screenshots"))
    return lambda page, name: screenshot(page, name, folder)


def set_letter_text(page, text: str) -> None:  # type: ignore[no-untyped-def]
    """Replace the letter's Markdown through the editor's source view, as a user pasting Markdown
    would (the formatted editor keeps the form's `#letter-text` textarea in step with it)."""
    toggle = page.locator("#source-toggle")
    if toggle.count() and toggle.get_attribute("aria-pressed") != "true":
        toggle.click()
    page.locator("#letter-text").fill(text)


@pytest.fixture
def set_letter():  # type: ignore[no-untyped-def]
    """`set_letter(page, markdown)`: replace the letter text in the editor (see set_letter_text)."""
    return set_letter_text


@pytest.fixture
def login(live_app):  # type: ignore[no-untyped-def]
    """`login(page, role)` signs the page's context in as the user with `role`."""
    return lambda page, role: sign_in(page, live_app, role)


def fill_incident(
    page,
    *,
    affected: str = "US-CA 1200\nUS-NY 800",
    summary: str = "A criminal group broke into our billing server and copied customer files.",
) -> None:  # type: ignore[no-untyped-def]
    page.get_by_label("Incident title").fill("Billing server break-in, October 2026")
    page.get_by_label("Organisation name").fill("Northwind Outfitters")
    page.get_by_label("What happened", exact=True).fill(summary)
    page.get_by_label("Cause").select_option("hacking")
    page.get_by_label("Breach start").fill("2026-10-02")
    page.get_by_label("Breach end").fill("2026-10-09")
    page.get_by_label("Discovered on").fill("2026-10-12")
    page.get_by_label("Letter date").fill("2026-11-27")
    for value in ("name", "address", "email", "payment_card", "account_security_code"):
        page.locator(f"input[name=data_types][value={value}]").check()
    page.get_by_label("Affected people per residence").fill(affected)
    page.get_by_label("Toll-free number").fill("1-888-555-0193")
    page.get_by_label("Call centre hours").fill("Monday to Friday, 8 a.m. to 6 p.m. Eastern")
    page.get_by_label("Email for questions").fill("privacy@northwind.example")
    page.get_by_label("Incident web page").fill("https://www.northwind.example/notice")
    page.get_by_label("What you did", exact=True).fill(
        "We shut down the affected server.\nWe reset every staff password."
    )
    page.get_by_label("Signed by").fill("Dana Ruiz")
    page.get_by_label("Their title").fill("Chief Privacy Officer")


@pytest.fixture
def incident_form():  # type: ignore[no-untyped-def]
    """`incident_form(page, affected=..., summary=...)` fills the new-incident form (page must be on it)."""
    return fill_incident


@pytest.fixture
def new_draft(incident_form):  # type: ignore[no-untyped-def]
    """`new_draft(page, affected=...)`: create an incident from `page` (signed in) and return its first draft's id."""

    def make(page, affected: str) -> int:  # type: ignore[no-untyped-def]
        page.goto("/incidents/new")
        incident_form(page, affected=affected)
        incident = submit_new_incident(page)
        section = page.locator(f"section[aria-labelledby='inc-{incident}']")
        return int(section.get_by_test_id("draft-row").first.get_attribute("data-draft-id"))

    return make
