"""`candor obligations --incident`, `candor evidence` (build, verify) and `candor reminders run` as
subprocesses on the real store: output, exit codes, one-line errors (exit 2)."""

from __future__ import annotations

import json
import zipfile

from support.storedb import candor, example, server_env

from app.domain.facts import IncidentFacts
from app.workflow import incidents


def _incident(store) -> int:
    with store.session() as s:
        return incidents.create_incident(
            s, store.ctx, store.users["responder"], IncidentFacts.model_validate(example())
        ).incident.id


def test_plan_evidence_and_errors(store, db_url, tmp_path):
    incident_id = _incident(store)
    env = server_env(db_url, tmp_path)

    text = candor(["obligations", "--incident", str(incident_id)], env)
    assert text.returncode == 0, text.stderr
    assert "Texas Attorney General (online form)" in text.stdout and "OVERDUE" in text.stdout
    body = json.loads(
        candor(
            [
                "obligations",
                "--incident",
                str(incident_id),
                "--jurisdiction",
                "US-TX",
                "--format",
                "json",
            ],
            env,
        ).stdout
    )
    assert {i["jurisdiction"] for i in body["items"]} == {"US-TX"} and body["summary"]["open"] > 0

    out = tmp_path / "bundle.zip"
    made = candor(["evidence", str(incident_id), "--out", str(out)], env)
    assert made.returncode == 0, made.stderr
    ok = candor(["evidence", "verify", str(out)], env)
    assert ok.returncode == 0 and "signature valid" in ok.stdout, ok.stderr

    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(out) as z, zipfile.ZipFile(tampered, "w") as t:
        for info in z.infolist():
            data = z.read(info.filename)
            t.writestr(
                info, data.replace(b"open", b"done") if info.filename == "plan/plan.json" else data
            )
    bad = candor(["evidence", "verify", str(tampered)], env)
    assert bad.returncode == 1 and "plan/plan.json" in bad.stderr

    for args in (
        ["obligations", "--incident", "999"],
        ["obligations"],
        ["obligations", "--status", "done", str(tmp_path / "x.json")],
        ["evidence", "abc", "--out", str(out)],
        ["evidence", str(incident_id)],
        ["evidence", "999", "--out", str(tmp_path / "x.zip")],
        ["evidence", "verify", str(tmp_path / "missing.zip")],
        ["reminders", "run"],
    ):
        r = candor(args, env)
        assert r.returncode == 2, (args, r.stdout, r.stderr)
        assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr, r.stderr
