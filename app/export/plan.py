"""Building a :class:`app.export.merge.MergePlan`: from a JSON file, or from an incident's drafts.

Kept apart from the engine so the engine needs neither the store nor the jurisdiction rules.

Plan file (``candor merge --plan PLAN.json``)::

    {"letters": {"US-CA": {"file": "ca.md", "approved": true, "variant": "us-ca",
                           "version_hash": "…", "title": "Notice of Data Breach",
                           "organisation": "Example Co."},
                 "US-MA": {"file": "ma.md", "approved": true}},
     "default": {"file": "generic.md", "approved": true, "variant": "us-generic"}}

``letters`` may also be the top-level object. ``file`` is relative to the plan file. ``variant``
defaults to the file's stem; letters that share a file share a variant.

From the store (``--draft-set INCIDENT``): every draft of the incident whose state is approved
(or signed off) contributes its current version, for each residence code the draft lists. Two
approved drafts for the same residence (two tones of one variant) are ambiguous: pass a tone.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from app.export.merge import MergeError, MergePlan, VariantLetter

APPROVED_STATES = frozenset({"approved", "signed_off", "signed-off", "exported"})
"""Draft states whose current version may be mailed."""


def _letter(spec: Any, base: Path, where: str) -> VariantLetter:
    if not isinstance(spec, Mapping) or "file" not in spec:
        raise MergeError(f"plan: {where}: expected an object with 'file' and 'approved'")
    path = base / str(spec["file"])
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise MergeError(
            f"plan: {where}: cannot read {spec['file']}: {exc.__class__.__name__}"
        ) from None
    approved = spec.get("approved", False)
    if not isinstance(approved, bool):
        raise MergeError(f"plan: {where}.approved: must be true or false")
    return VariantLetter(
        variant_id=str(spec.get("variant") or path.stem),
        text=text,
        approved=approved,
        version_hash=str(spec.get("version_hash") or hashlib.sha256(text.encode()).hexdigest()),
        title=str(spec.get("title") or "Notice of Data Breach"),
        organisation=str(spec.get("organisation") or ""),
        letterhead=str(spec.get("letterhead") or ""),
        enroll_by=spec.get("enroll_by"),
    )


def plan_from_json(path: Path | str) -> MergePlan:
    """Read a plan file (see module doc); errors are :class:`MergeError` naming the field."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise MergeError(f"{path.name}: cannot read plan: {exc.__class__.__name__}") from None
    except json.JSONDecodeError as exc:
        raise MergeError(f"{path.name}: invalid JSON at line {exc.lineno}: {exc.msg}") from None
    if not isinstance(data, Mapping):
        raise MergeError(f"{path.name}: expected a JSON object")
    letters_spec = data.get("letters", {k: v for k, v in data.items() if k != "default"})
    if not isinstance(letters_spec, Mapping):
        raise MergeError(f"{path.name}: letters: expected an object of residence code -> letter")
    letters = {
        str(code): _letter(spec, path.parent, f"letters.{code}")
        for code, spec in letters_spec.items()
    }
    default = _letter(data["default"], path.parent, "default") if data.get("default") else None
    return MergePlan(letters, default)


def plan_from_store(
    session: Any,
    incident_id: int,
    *,
    tone: str | None = None,
    organisation: str = "",
    letterhead: str = "",
) -> MergePlan:
    """Build the plan of an incident's approved drafts (store imported lazily).

    Drafts that are not approved are left out; if that leaves a residence without a letter, its
    recipients are rejected (``no_variant``) rather than sent a draft.
    """
    from app.store import repositories as repo  # noqa: PLC0415

    incident = repo.get_incident(session, incident_id)
    letters: dict[str, VariantLetter] = {}
    for draft in repo.list_drafts(session, incident_id):
        if tone and draft.tone != tone:
            continue
        if draft.state not in APPROVED_STATES:
            continue
        version = repo.get_version(session, draft.id)
        facts = repo.facts_version(session, incident_id, version.facts_version).facts
        org = organisation or (facts.get("organisation") or {}).get("name") or incident.title
        title = re.match(r"\s*#\s+(.+)", version.text)
        letter = VariantLetter(
            variant_id=variant_slug(f"{draft.variant}-{draft.tone}"),
            text=version.text,
            approved=True,
            version_hash=_version_hash(version),
            title=title.group(1).strip() if title else "Notice of Data Breach",
            organisation=org,
            letterhead=letterhead or org,
        )
        for code in draft.residences or []:
            if code in letters and letters[code].variant_id != letter.variant_id:
                raise MergeError(
                    f"incident {incident_id}: residence {code} has two approved letters "
                    f"({letters[code].variant_id}, {letter.variant_id}); choose a tone"
                )
            letters[code] = letter
    if not letters:
        raise MergeError(
            f"incident {incident_id} has no approved drafts: approve the letters before the merge"
        )
    return MergePlan(letters)


def variant_slug(name: str) -> str:
    """Return a variant id usable as a file name (``US-CA+US-NY-plain`` → ``US-CA_US-NY-plain``)."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._-") or "variant"
    if len(slug) > 64:
        slug = slug[:51] + "-" + hashlib.sha256(name.encode()).hexdigest()[:12]
    return slug


def _version_hash(version: Any) -> str:
    """Return the version's content hash (the store's when it has one, else SHA-256)."""
    for attr in ("content_hash", "hash", "version_hash"):
        value = getattr(version, attr, None)
        if value:
            return str(value)
    return hashlib.sha256(str(version.text).encode()).hexdigest()
