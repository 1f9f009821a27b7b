"""Building a :class:`app.export.merge.MergePlan`: from a JSON file, or from an incident's drafts.

Kept apart from the engine so the engine needs neither the store nor the jurisdiction rules.

Plan file (``candor merge --plan PLAN.json``)::

    {"letters": {"US-CA": {"file": "ca.md", "approved": true, "variant": "us-ca",
                           "version_hash": "…", "title": "Notice of Data Breach",
                           "organisation": "Example Co."},
                 "US-MA": {"file": "ma.md", "approved": true}},
     "default": {"file": "generic.md", "approved": true, "variant": "us-generic"}}

``translations`` (optional): language -> residence code -> letter, as under ``letters``
(``{"es": {"US-CA": {"file": "ca.es.md", "approved": true, "variant": "us-ca.es"}}}``): a
recipient whose ``language`` column names that language gets it, anyone else the English letter,
counted under ``<variant>.en-fallback`` unless ``"fallback": false``. ``letters`` may also be the
top-level object. ``file`` is relative to the plan file. ``variant``
defaults to the file's stem; letters that share a file share a variant. The CLI proves such a plan
per residence too (app.export.proof.prove_plan): every residence the plan names and, when there is
a ``default`` letter, every residence found in the recipients file (:func:`residences_in`).

From the store (``--draft-set INCIDENT``): every letter draft of the incident whose state is
approved (or signed off) contributes its current version, for each residence code the draft lists
(its fixed scope). Letters in another language (Spanish) are the plan's ``translations``: a
recipient whose ``language`` column names that language gets it, anyone else the English letter
(``MergePlan.letter_for``; English sent to a reader of another language is counted under
``<variant>.en-fallback``). Two approved drafts for the same residence (two tones of one variant) are
ambiguous: pass a tone. The variant id is the draft's variant id (its laws joined by "+"), the
same id the obligations report, the drafts and the output file names use.

The store plan is refused (nothing is produced) when a draft is stale (the facts changed under
it), when an approved version was written on facts that changed its letter since, or when a
residence whose people need a letter under the current facts has no draft at all. Then every
residence's letter is proved for that residence's own laws (app.export.proof): a residence whose
letter fails gets no letters — its rows are rejected with the proof's reason code.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from app.export.merge import MergeError, MergePlan, Reject, VariantLetter, residence_of
from app.store.enums import DraftState

APPROVED_STATES = frozenset({DraftState.APPROVED.value, DraftState.SIGNED_OFF.value})
"""Draft states whose current version may be mailed (the only ones: the store's CHECK constraint
allows no other spelling since migration 0005 mapped the legacy ``signed-off`` and ``exported``)."""


def _letter(spec: Any, base: Path, where: str, language: str = "en") -> VariantLetter:
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
        language=language,
    )


_LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z]{2,4})?")


def _translations(data: Mapping[str, Any], base: Path, name: str) -> dict[str, dict[str, Any]]:
    """``translations``: language -> residence code -> letter spec (as under ``letters``)."""
    spec = data.get("translations") or {}
    if not isinstance(spec, Mapping):
        raise MergeError(f"{name}: translations: expected an object of language -> letters")
    out: dict[str, dict[str, Any]] = {}
    for language, letters in spec.items():
        if not _LANGUAGE.fullmatch(str(language)) or language == "en":
            raise MergeError(
                f"{name}: translations.{language}: expected a language code other than en "
                "(es, es-MX, fr)"
            )
        if not isinstance(letters, Mapping):
            raise MergeError(
                f"{name}: translations.{language}: expected an object of residence code -> letter"
            )
        out[str(language)] = {
            str(code): _letter(
                letter, base, f"translations.{language}.{code}", language=str(language)
            )
            for code, letter in letters.items()
        }
    return out


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
    letters_spec = data.get(
        "letters",
        {k: v for k, v in data.items() if k not in ("default", "translations", "fallback")},
    )
    if not isinstance(letters_spec, Mapping):
        raise MergeError(f"{path.name}: letters: expected an object of residence code -> letter")
    letters = {
        str(code): _letter(spec, path.parent, f"letters.{code}")
        for code, spec in letters_spec.items()
    }
    default = _letter(data["default"], path.parent, "default") if data.get("default") else None
    translations = _translations(data, path.parent, path.name)
    for language, by_code in translations.items():
        for code in by_code:
            if code not in letters and default is None:
                raise MergeError(
                    f"{path.name}: translations.{language}.{code}: no English letter for {code} "
                    "(every residence needs one: it goes to readers of other languages)"
                )
    fallback = data.get("fallback", bool(translations))
    if not isinstance(fallback, bool):
        raise MergeError(f"{path.name}: fallback: must be true or false")
    return MergePlan(letters, default, translations=translations, fallback=fallback)


def residences_in(recipients_csv: Path | str) -> set[str]:
    """The residence codes of a recipients file's rows, read as a stream (a default letter is
    proved for each). Rows without a valid residence, and an unreadable file, are left to the merge,
    which rejects or refuses them with its own messages."""
    codes: set[str] = set()
    try:
        with open(recipients_csv, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            reader.fieldnames = [h.strip() for h in (reader.fieldnames or [])]
            for row in reader:
                try:
                    codes.add(residence_of(row))
                except Reject:
                    continue
    except (OSError, UnicodeDecodeError, csv.Error):
        pass
    return codes


def _refuse_stale(session: Any, ctx: Any, incident_id: int, drafts: list[Any]) -> None:
    """Refuse the merge while any draft is stale or an approved version predates a facts change
    that alters its letter (nothing approved on old facts is mailed)."""
    from app.store import repositories as repo
    from app.workflow.staleness import outdated

    problems = [
        f"draft {d.id} ({d.variant}, {d.tone}) is stale: the facts changed after it was written"
        for d in drafts
        if d.state == "stale"
    ]
    for d in drafts:
        if d.state in APPROVED_STATES and outdated(
            session, ctx, d, repo.get_version(session, d.id)
        ):
            problems.append(
                f"draft {d.id} ({d.variant}, {d.tone}) was approved on facts that have changed since"
            )
    if problems:
        raise MergeError(
            f"incident {incident_id}: {'; '.join(problems)}. Re-draft or edit these letters from the current facts "
            "and approve them again before the merge"
        )


def _refuse_uncovered(ctx: Any, incident_id: int, facts: Any, drafts: list[Any]) -> None:
    """Refuse the merge when people who need a letter have no draft at all (they would get none)."""
    from app.domain.regions import residence_name
    from app.workflow.variants import lettered_residences

    covered = {r for d in drafts for r in d.residences or []}
    missing = sorted(
        r for r in lettered_residences(facts, ctx.rulebook, ctx.today()) if r not in covered
    )
    if missing:
        who = ", ".join(
            f"{residence_name(r)} ({r}, {facts.affected.get(r, 0):,} people)" for r in missing
        )
        raise MergeError(
            f"incident {incident_id}: no draft covers {who}, who need a letter under the current facts; "
            "add their draft (POST /api/v1/incidents/{id}/drafts) and approve it before the merge"
        )


def plan_from_store(
    session: Any,
    incident_id: int,
    *,
    ctx: Any,
    tone: str | None = None,
    organisation: str = "",
    letterhead: str = "",
) -> MergePlan:
    """Build the plan of an incident's approved drafts, proved per residence (store imported lazily).

    ``ctx``: the workflow context (rulebook, settings, today). Drafts that are not approved are
    left out; if that leaves a residence without a letter, its recipients are rejected
    (``no_variant``) rather than sent a draft. Stale drafts, approvals on changed facts and
    residences no draft covers refuse the whole plan (see module doc).
    """
    from app.export.proof import prove_plan, prove_translations
    from app.store import repositories as repo

    incident = repo.get_incident(session, incident_id)
    facts = repo.current_facts(session, incident_id)
    # Only letters are mailed (e-mails, postings and regulator notices are drafts too).
    drafts = [d for d in repo.list_drafts(session, incident_id) if d.channel == "letter"]
    in_tone = [d for d in drafts if not tone or d.tone == tone]
    _refuse_stale(session, ctx, incident_id, in_tone)
    _refuse_uncovered(ctx, incident_id, facts, [d for d in drafts if d.language == "en"])
    by_language: dict[str, dict[str, VariantLetter]] = {}
    tones: dict[str, str] = {}
    for draft in in_tone:
        if draft.state not in APPROVED_STATES:
            continue
        version = repo.get_version(session, draft.id)
        written = repo.facts_version(session, incident_id, version.facts_version).facts
        org = organisation or (written.get("organisation") or {}).get("name") or incident.title
        title = re.match(r"\s*#\s+(.+)", version.text)
        # A letter in another language is its own variant: `US-CA+US-TX.es`.
        vid = draft.variant if draft.language == "en" else f"{draft.variant}.{draft.language}"
        tones[vid] = draft.tone
        letter = VariantLetter(
            variant_id=vid,
            text=version.text,
            approved=True,
            version_hash=_version_hash(version),
            title=title.group(1).strip() if title else "Notice of Data Breach",
            organisation=org,
            letterhead=letterhead or org,
            language=draft.language,
        )
        letters = by_language.setdefault(draft.language, {})
        for code in draft.residences or []:
            if code in letters and letters[code].variant_id != letter.variant_id:
                raise MergeError(
                    f"incident {incident_id}: residence {code} has two approved letters "
                    f"({letters[code].variant_id}, {letter.variant_id}); choose a tone"
                )
            letters[code] = letter
    english = by_language.pop("en", {})
    if not english:
        raise MergeError(
            f"incident {incident_id} has no approved drafts: approve the letters before the merge"
        )
    proved = dict(rulebook=ctx.rulebook, settings=ctx.settings, facts=facts, tones=tones)
    plan = prove_plan(MergePlan(english, fallback=True), **proved)
    return prove_translations(plan, by_language, **proved)


def _version_hash(version: Any) -> str:
    """Return the version's content hash (the store's when it has one, else SHA-256)."""
    for attr in ("content_hash", "hash", "version_hash"):
        value = getattr(version, attr, None)
        if value:
            return str(value)
    return hashlib.sha256(str(version.text).encode()).hexdigest()
