"""Checking an evidence bundle later: every file against the manifest, the manifest against its signature.

Fails when any byte of any file changed (its SHA-256 or the zip's CRC no longer matches), when a
file was added or removed, when the manifest was edited (its SHA-256 in manifest.sig), and — with
the audit key — when manifest.sig itself was changed or recomputed (HMAC). Without the key the
hashes are still checked and the result says the signature was not.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from app.export.evidence import MANIFEST, SIGNATURE


@dataclass
class Verdict:
    """Outcome: ok, files checked, problems (one sentence each), and whether the signature was checked."""

    ok: bool = True
    files: int = 0
    problems: list[str] = field(default_factory=list)
    signature: str = "not checked"  # valid | invalid | not checked

    def fail(self, message: str) -> None:
        """Record one problem."""
        self.ok = False
        self.problems.append(message)


def _read(z: zipfile.ZipFile, name: str, verdict: Verdict) -> bytes | None:
    try:
        return z.read(name)
    except (
        zipfile.BadZipFile,
        zlib.error,
        OSError,
        ValueError,
        EOFError,
    ) as exc:  # bad CRC, broken stream
        verdict.fail(f"{name}: cannot be read intact ({exc})")
        return None


def _check_signature(
    manifest: bytes, sig: bytes | None, key: bytes | None, verdict: Verdict
) -> None:
    if sig is None:
        verdict.fail(f"{SIGNATURE} is missing")
        return
    try:
        data = json.loads(sig)
        digest, mac = data["manifest_sha256"], data["hmac_sha256"]
    except (ValueError, KeyError, TypeError):
        verdict.fail(f"{SIGNATURE} is not a Candor signature")
        return
    if not hmac.compare_digest(hashlib.sha256(manifest).hexdigest(), str(digest)):
        verdict.fail(f"{MANIFEST} was changed (its SHA-256 does not match {SIGNATURE})")
    if key is None:
        return
    if hmac.compare_digest(hmac.new(key, manifest, hashlib.sha256).hexdigest(), str(mac)):
        verdict.signature = "valid"
    else:
        verdict.signature = "invalid"
        verdict.fail(
            f"{SIGNATURE}: the HMAC does not match this audit key (changed, or signed elsewhere)"
        )


def verify_bundle(path: Path, key: bytes | None) -> Verdict:
    """Check the bundle at `path` (with the audit key when given)."""
    verdict = Verdict()
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        verdict.fail(f"{path}: not a readable zip file ({exc})")
        return verdict
    with z:
        names = z.namelist()
        if MANIFEST not in names:
            verdict.fail(f"{MANIFEST} is missing")
            return verdict
        manifest = _read(z, MANIFEST, verdict)
        if manifest is None:
            return verdict
        _check_signature(
            manifest, _read(z, SIGNATURE, verdict) if SIGNATURE in names else None, key, verdict
        )
        try:
            listed = {f["path"]: f for f in json.loads(manifest)["files"]}
        except (ValueError, KeyError, TypeError):
            verdict.fail(f"{MANIFEST} is not a Candor manifest")
            return verdict
        for name in names:
            if name in (MANIFEST, SIGNATURE):
                continue
            entry = listed.get(name)
            if entry is None:
                verdict.fail(f"{name}: not in the manifest (added after the bundle was made)")
                continue
            data = _read(z, name, verdict)
            if data is None:
                continue
            verdict.files += 1
            if hashlib.sha256(data).hexdigest() != entry.get("sha256") or len(data) != entry.get(
                "bytes"
            ):
                verdict.fail(f"{name}: content differs from the manifest (SHA-256 mismatch)")
        for missing in sorted(set(listed) - set(names)):
            verdict.fail(f"{missing}: listed in the manifest but missing")
        if len(names) != len(set(names)):
            verdict.fail("the zip holds two files with the same name")
    return verdict
