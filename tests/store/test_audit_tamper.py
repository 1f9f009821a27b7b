"""An attacker with database access but without the audit key: rewriting the chain with recomputed
hashes, deleting entries or cutting off the tail is detected by `verify` (the tail with a signed
checkpoint exported beforehand), in-process and through `candor audit verify|checkpoint`."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime

from sqlalchemy import select, text
from support.storedb import candor, server_env

from app.store.models import AuditEntry, AuditHead
from app.workflow import audit


def _no_triggers(conn, is_sqlite):
    if is_sqlite:
        for t in ("audit_entries_no_update", "audit_entries_no_delete"):
            conn.execute(text(f"DROP TRIGGER IF EXISTS {t}"))
    else:
        conn.execute(text("DROP TRIGGER IF EXISTS audit_entries_append_only ON audit_entries"))


def _fill(store, n=8):
    from app.auth.users import issue_token

    with store.session() as s:
        for _ in range(n):
            issue_token(s, None, s.merge(store.users["cmo"]), "t")


def _rows(store):
    with store.db.reads() as s:
        return [
            audit.entry_fields(e) | {"prev_hash": e.prev_hash, "hash": e.hash}
            for e in s.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars()
        ]


def _unkeyed(fields, prev):
    """The pre-HMAC scheme: plain SHA-256 over the canonical JSON (anyone can compute it)."""
    payload = json.dumps(
        {**fields, "prev_hash": prev}, sort_keys=True, separators=(",", ":"), default=str
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _wrong_key(fields, prev):
    payload = json.dumps(
        {**fields, "prev_hash": prev}, sort_keys=True, separators=(",", ":"), default=str
    )
    return hmac.new(b"attacker-guess-" * 3, payload.encode(), hashlib.sha256).hexdigest()


def _rewrite(store, rows, hasher):
    """Replace the whole chain and the head with `rows`, hashes recomputed by `hasher`."""
    prev = audit.GENESIS
    with store.db.engine.connect() as conn:
        _no_triggers(conn, store.db.is_sqlite)
        conn.execute(text("DELETE FROM audit_entries"))
        for seq, r in enumerate(rows, 1):
            fields = {
                k: r[k]
                for k in (
                    "at",
                    "actor_id",
                    "actor",
                    "action",
                    "entity",
                    "entity_id",
                    "version",
                    "details",
                )
            }
            fields["seq"] = seq
            h = hasher(fields, prev)
            stored = fields | {"at": datetime.fromisoformat(fields["at"])}
            conn.execute(AuditEntry.__table__.insert().values(**stored, prev_hash=prev, hash=h))
            prev = h
        conn.execute(
            AuditHead.__table__.update().where(AuditHead.id == 1).values(seq=len(rows), hash=prev)
        )
        conn.commit()


def _verify(store, marks=None):
    with store.db.reads() as s:
        return audit.verify(s, marks)


def test_a_chain_rewritten_with_recomputed_unkeyed_hashes_fails(store):
    _fill(store)
    rows = _rows(store)
    rows[2]["actor"] = "forged@evil.example"
    _rewrite(store, rows, _unkeyed)
    r = _verify(store)
    assert not r.ok and r.broken_seq == 1 and "keyed hash" in r.reason


def test_a_chain_rewritten_with_a_guessed_key_fails(store):
    _fill(store)
    _rewrite(store, _rows(store), _wrong_key)
    assert not _verify(store).ok


def test_a_deleted_middle_entry_renumbered_and_rehashed_fails(store):
    _fill(store)
    rows = _rows(store)
    del rows[4]
    _rewrite(store, rows, _unkeyed)
    assert not _verify(store).ok


def test_a_cut_off_tail_is_caught_by_a_signed_checkpoint(store):
    _fill(store)
    with store.db.reads() as s:
        mark = audit.checkpoint(s)
    n = mark["seq"]
    with store.db.engine.connect() as conn:
        _no_triggers(conn, store.db.is_sqlite)
        keep = conn.execute(
            text("SELECT hash FROM audit_entries WHERE seq = :s"), {"s": n - 3}
        ).scalar_one()
        conn.execute(text("DELETE FROM audit_entries WHERE seq > :s"), {"s": n - 3})
        conn.execute(
            text("UPDATE audit_head SET seq = :s, hash = :h WHERE id = 1"), {"s": n - 3, "h": keep}
        )
        conn.commit()
    # Without the checkpoint the shorter chain is internally consistent: that is why checkpoints exist.
    assert _verify(store).ok
    r = _verify(store, [mark])
    assert not r.ok and r.broken_seq == n - 2 and "checkpoint" in r.reason and "deleted" in r.reason


def test_a_forged_or_altered_checkpoint_is_refused(store):
    _fill(store)
    with store.db.reads() as s:
        mark = audit.checkpoint(s)
    assert _verify(store, [mark]).ok
    altered = mark | {"seq": mark["seq"] + 5}
    r = _verify(store, [altered])
    assert not r.ok and "not signed" in r.reason


def test_an_entry_rewritten_before_a_checkpoint_differs_from_it(store):
    """Even with the key (a leaked key, or an insider re-keying), the checkpoint pins the old hashes."""
    _fill(store)
    with store.db.reads() as s:
        mark = audit.checkpoint(s)
        key = audit.session_key(s)
    rows = _rows(store)
    rows[1]["action"] = "nothing.happened"
    _rewrite(store, rows, lambda f, p: audit.entry_hash(key, f, p))
    assert _verify(store).ok  # a valid keyed chain ...
    r = _verify(store, [mark])
    assert not r.ok and "checkpoint" in r.reason  # ... that no longer matches what was exported


def test_cli_checkpoint_then_verify_detects_truncation(store, db_url, tmp_path):
    _fill(store)
    env = server_env(db_url, tmp_path)
    marks = tmp_path / "outside" / "checkpoints.jsonl"
    r = candor(["audit", "checkpoint", "--file", str(marks)], env)
    assert r.returncode == 0, r.stderr
    assert json.loads(marks.read_text().splitlines()[-1])["seq"] == json.loads(r.stdout)["seq"]
    ok = candor(["audit", "verify", "--checkpoints", str(marks)], env)
    assert ok.returncode == 0 and "1 signed checkpoint" in ok.stdout, ok.stdout + ok.stderr
    with store.db.engine.connect() as conn:
        _no_triggers(conn, store.db.is_sqlite)
        keep = conn.execute(text("SELECT hash FROM audit_entries WHERE seq = 5")).scalar_one()
        conn.execute(text("DELETE FROM audit_entries WHERE seq > 5"))
        conn.execute(text("UPDATE audit_head SET seq = 5, hash = :h WHERE id = 1"), {"h": keep})
        conn.commit()
    env_file = env | {"CANDOR_AUDIT_CHECKPOINTS": str(marks)}
    bad = candor(["audit", "verify"], env_file)
    assert bad.returncode == 1 and "entry 6" in bad.stderr and "deleted" in bad.stderr, bad.stderr
    wrong_key = candor(["audit", "verify"], env | {"CANDOR_AUDIT_KEY": "another-key-" * 4})
    assert wrong_key.returncode == 1 and "keyed hash" in wrong_key.stderr
    missing = candor(["audit", "verify", "--checkpoints", str(tmp_path / "nope.jsonl")], env)
    assert (
        missing.returncode == 2
        and "not found" in missing.stderr
        and "Traceback" not in missing.stderr
    )
