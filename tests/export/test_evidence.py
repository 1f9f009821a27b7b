"""The evidence bundle on the real store (SQLite, and PostgreSQL when configured): what it holds, that
it verifies, and that verification fails after any byte of any file changes."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from support.storedb import AUDIT_KEY, example

from app.domain.facts import IncidentFacts
from app.export.evidence import build_bundle
from app.export.evidence_verify import verify_bundle
from app.workflow import drafts, incidents, reviews
from app.workflow.plan_updates import ItemChange, add_attachment, update_item
from app.workflow.plan_view import plan_rows

KEY = AUDIT_KEY.encode()
PDF = b"%PDF-1.4\n% Texas AG portal confirmation #123\n"


def _bundle(store, tmp_path) -> tuple[Path, int, int]:
    with store.session() as s:
        made = incidents.create_incident(
            s, store.ctx, store.users["responder"], IncidentFacts.model_validate(example())
        )
        incident_id = made.incident.id
        draft_id = next(d.draft.id for d in made.drafts if "US-TX" in d.draft.jurisdictions)
    for who in ("cmo", "security"):
        with store.session() as s:
            report = drafts.detail(s, draft_id, 1).report
            ack = [f.id for f in reviews.needs_acknowledgement(report)]
            reviews.approve(s, store.ctx, store.users[who], draft_id, 1, acknowledged=ack)
    with store.session() as s:
        row = next(
            r
            for r in plan_rows(s, incident_id, store.ctx.now())
            if r["recipient"].startswith("Texas Attorney General")
        )
    user = store.users["compliance"]
    with store.session() as s:
        add_attachment(s, user, incident_id, row["id"], "confirmation.pdf", "application/pdf", PDF)
    with store.session() as s:
        update_item(
            s,
            user,
            incident_id,
            row["id"],
            ItemChange(
                status="done",
                sent_at=datetime(2026, 10, 2, 14, 30, tzinfo=UTC),
                method="portal",
                reference="#123",
            ),
            row["version"] + 1,
        )
    with store.session() as s:
        data = build_bundle(s, store.ctx, user, incident_id)
        s.commit()
    path = tmp_path / "evidence.zip"
    path.write_bytes(data)
    return path, incident_id, row["id"]


def _rewrite(src: Path, dst: Path, name: str, change) -> None:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(src) as z, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as out:
        for info in z.infolist():
            data = z.read(info.filename)
            out.writestr(info, change(data) if info.filename == name else data)


def _flip(data: bytes, at: int) -> bytes:
    b = bytearray(data)
    b[at % len(b)] ^= 0x01
    return bytes(b)


def test_bundle_contents_verify_and_tamper(store, tmp_path):
    path, incident_id, item_id = _bundle(store, tmp_path)
    verdict = verify_bundle(path, KEY)
    assert verdict.ok and verdict.signature == "valid", verdict.problems

    z = zipfile.ZipFile(path)
    names = set(z.namelist())
    assert {
        "incident.json",
        "facts/facts-v1.json",
        "letters/index.json",
        "approvals.json",
        "waivers.json",
        "plan/plan.json",
        "plan/reminders.json",
        "audit/entries.jsonl",
        "audit/verification.json",
        "rulebook/sources.json",
        "manifest.json",
        "manifest.sig",
    } <= names
    letters = json.loads(z.read("letters/index.json"))
    assert letters and all(entry["file"] in names for entry in letters)
    assert z.read(letters[0]["file"]).startswith(b"%PDF")
    assert len(letters[0]["version_hash"]) == 64 and letters[0]["checklist"] in names
    assert {a["role"] for a in json.loads(z.read("approvals.json"))} >= {"cmo", "security"}
    plan = json.loads(z.read("plan/plan.json"))
    tx = next(r for r in plan if r["id"] == item_id)
    assert tx["status"] == "done" and tx["reference"] == "#123"
    assert z.read(tx["attachments"][0]["file"]) == PDF
    audit = [json.loads(line) for line in z.read("audit/entries.jsonl").splitlines()]
    actions = {e["action"] for e in audit}
    assert {
        "incident.created",
        "draft.approved",
        "plan.item_updated",
        "evidence.exported",
    } <= actions
    assert json.loads(z.read("audit/verification.json"))["chain_ok"] is True
    sources = json.loads(z.read("rulebook/sources.json"))
    assert sources["rulebook_hash"] == store.ctx.rulebook.hash
    assert any(j["code"] == "US-TX" and j["deadline_citations"] for j in sources["jurisdictions"])
    assert not any(n.startswith("recipients/") for n in names)  # no recipient data by default

    # Any byte of any file (the manifest and its signature included): verification fails.
    for name in sorted(names):
        size = len(z.read(name))
        for at in {0, size // 2, size - 1}:
            bad = tmp_path / "bad.zip"
            _rewrite(path, bad, name, lambda d, at=at: _flip(d, at))
            v = verify_bundle(bad, KEY)
            assert not v.ok, f"flipping byte {at} of {name} went unnoticed"
    # A file added or removed fails too; the raw zip with a changed byte in a stored file fails.
    extra = tmp_path / "extra.zip"
    _rewrite(path, extra, "", lambda d: d)
    with zipfile.ZipFile(extra, "a") as zz:
        zz.writestr("letters/forged.pdf", b"%PDF-forged")
    assert not verify_bundle(extra, KEY).ok
    raw = bytearray(path.read_bytes())
    start = raw.find(b"PK\x03\x04") + 30 + len("approvals.json") + 5
    raw[start] ^= 0xFF
    broken = tmp_path / "raw.zip"
    broken.write_bytes(bytes(raw))
    assert not verify_bundle(broken, KEY).ok


def test_signature_needs_the_key(store, tmp_path):
    path, incident_id, _ = _bundle(store, tmp_path)
    assert verify_bundle(path, b"another-key-0123456789abcdef0123456789").signature == "invalid"
    with store.session() as s:  # asking for recipient data works (no merge ran: nothing to add)
        data = build_bundle(
            s, store.ctx, store.users["compliance"], incident_id, include_recipients=True
        )
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert json.loads(z.read("incident.json"))["includes_recipient_data"] is True
    keyless = verify_bundle(path, None)
    assert keyless.ok and keyless.signature == "not checked"
    with zipfile.ZipFile(path) as z:
        manifest = json.loads(z.read("manifest.json"))
    assert all(len(f["sha256"]) == 64 for f in manifest["files"])
    assert io.BytesIO(path.read_bytes()).getbuffer().nbytes > 0
