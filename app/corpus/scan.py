"""Measure every letter in a folder the way researchers and regulators count notices.

Why a pass of its own rather than the full check: the corpus table needs a few measures per
letter (Flesch–Kincaid grade and Reading Ease, the downplaying families, the required elements
of the selected jurisdictions, the apology components, where the first step for the reader
comes), not every finding, and an attorney general's office points it at hundreds of notices.
Each measure is computed by the same code the full check uses (segmentation, the readability
metrics, the family rules, the component rules, the legal element detectors), so a letter's
row agrees with `candor check` on it.

Letters are the `*.md` and `*.txt` files directly in the folder (a `README*` is not a letter).
A file that cannot be read as UTF-8, is empty or is over the size limit is listed under
`skipped` with the reason; the others are still measured.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import BaseModel, Field

from app.checks.context import CheckContext
from app.checks.empathy import summarise
from app.checks.engine import check_size, run_rule
from app.checks.legal import detect
from app.checks.readability import document_metrics
from app.checks.text import segment
from app.core.errors import AppError
from app.corpus.families import family_findings, family_rules

if TYPE_CHECKING:
    from app.core.config import Settings
    from app.rulebook.loader import Rulebook
    from app.rulebook.schema import ElementDef

LETTER_SUFFIXES = (".md", ".txt")
COMPONENTS = ("responsibility", "repair", "regret", "explanation", "repentance", "forgiveness")
# Flesch (1948) Reading Ease bands, lower bound inclusive.
BANDS = (
    (90, "very easy"),
    (80, "easy"),
    (70, "fairly easy"),
    (60, "standard"),
    (50, "fairly difficult"),
    (30, "difficult"),
    (float("-inf"), "very difficult"),
)
FIRST_THIRD = 1 / 3


def band(reading_ease: float | None) -> str | None:
    """The Flesch band of a Reading Ease score ("fairly difficult" is 50–60, "difficult" 30–50)."""
    if reading_ease is None:
        return None
    return next(name for low, name in BANDS if reading_ease >= low)


class LetterRow(BaseModel):
    """One letter's measures."""

    file: str
    words: int
    sentences: int
    flesch_kincaid_grade: float | None = Field(
        description="None when the letter has no prose sentence."
    )
    flesch_reading_ease: float | None
    reading_ease_band: str | None = Field(description="Flesch band: very easy … very difficult.")
    downplaying: dict[str, int] = Field(description="Family → number of downplaying phrases found.")
    jurisdictions: list[str] = Field(
        description="Jurisdictions whose required elements were looked for."
    )
    elements: dict[str, dict[str, bool]] = Field(
        description="Jurisdiction → required element → present."
    )
    apology: bool = Field(description="The letter says sorry (the `regret` component).")
    apology_components: dict[str, bool] = Field(
        description="Lewicki et al. (2016) components detected."
    )
    first_action_at: float | None = Field(
        description="Where the first step for the reader starts, as a share of the letter (0–1); None when there is none."
    )
    first_action_in_first_third: bool


class Skipped(BaseModel):
    """A file that is not measured, and why."""

    file: str
    reason: str


@dataclass(frozen=True)
class Selection:
    """Which jurisdictions to look for: the same for every letter, or each letter's sidecar labels."""

    jurisdictions: tuple[str, ...] = ()
    from_labels: bool = True


def letter_files(folder: Path) -> list[Path]:
    """The letters in a folder, in name order (`*.md`, `*.txt`; README files are not letters)."""
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file()
        and p.suffix.lower() in LETTER_SUFFIXES
        and not p.name.lower().startswith("readme")
    )


def sidecar_jurisdictions(path: Path, known: set[str]) -> tuple[str, ...]:
    """`jurisdictions:` of the letter's `.labels.yml` (the fixture corpus convention), known codes only."""
    labels = path.with_name(path.stem + ".labels.yml")
    if not labels.exists():
        return ()
    try:
        data = yaml.safe_load(labels.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError, OSError):
        return ()
    codes = data.get("jurisdictions") if isinstance(data, dict) else None
    return tuple(c for c in codes or () if isinstance(c, str) and c in known)


_ACTION_EDEFS: dict[int, tuple[ElementDef, ElementDef]] = {}


def _action_defs(rulebook: Rulebook) -> tuple[ElementDef, ElementDef] | None:
    """The consumer-steps detector, and a copy without headings (the first advice sentence)."""
    edef = rulebook.elements.get("consumer_steps")
    if edef is None:
        return None
    hit = _ACTION_EDEFS.get(id(edef))
    if hit is None or hit[0] is not edef:
        hit = _ACTION_EDEFS[id(edef)] = (edef, edef.model_copy(update={"headings": []}))
    return hit


def first_action_at(doc, rulebook: Rulebook) -> float | None:  # type: ignore[no-untyped-def]
    """Where the first step for the reader starts (its heading or its first advice sentence) / length."""
    defs = _action_defs(rulebook)
    if defs is None or not doc.text:
        return None
    starts = [ev.start for ev in (detect(doc, defs[0]), detect(doc, defs[1])) if ev is not None]
    return round(min(starts) / len(doc.text), 4) if starts else None


_RULES: dict[str, tuple[list[tuple[str, Any]], list[tuple[str, Any]]]] = {}


def _measure_rules(rulebook: Rulebook) -> tuple[list[tuple[str, Any]], list[tuple[str, Any]]]:
    """(apology-component rules, jurisdiction rules), picked out once per rulebook."""
    hit = _RULES.get(rulebook.hash)
    if hit is None:
        items = sorted(rulebook.rules.items())
        hit = _RULES[rulebook.hash] = (
            [(rid, r) for rid, r in items if r.kind == "phrases" and r.component],
            [(rid, r) for rid, r in items if r.kind == "legal_elements"],
        )
    return hit


def measure(
    name: str,
    text: str,
    rulebook: Rulebook,
    settings: Settings | None,
    jurisdictions: tuple[str, ...],
) -> LetterRow:
    """One letter's row (raises TooLarge over the size limit)."""
    check_size(text, settings)
    doc = segment(text)
    ctx = CheckContext(doc=doc, rulebook=rulebook, settings=settings, jurisdictions=jurisdictions)
    metrics = document_metrics(ctx) if text.strip() else {}
    components_rules, legal_rules = _measure_rules(rulebook)
    for rid, rule in components_rules:
        run_rule(rid, rule, ctx)  # records the component on ctx.empathy
    for rid, rule in legal_rules:
        if rule.jurisdiction in jurisdictions:
            run_rule(rid, rule, ctx)  # records element results on ctx.elements
    components = {c.component: c.detected for c in summarise(ctx.empathy)}
    elements: dict[str, dict[str, bool]] = {j: {} for j in jurisdictions}
    for e in ctx.elements:
        if e.requirement == "required":
            elements[e.jurisdiction][e.element] = e.detected
    at = first_action_at(doc, rulebook)
    fk, fre = metrics.get("flesch_kincaid_grade"), metrics.get("flesch_reading_ease")
    return LetterRow(
        file=name,
        words=int(metrics.get("words", 0)),
        sentences=int(metrics.get("sentences", 0)),
        flesch_kincaid_grade=fk,
        flesch_reading_ease=fre,
        reading_ease_band=band(fre),
        downplaying={fam: len(found) for fam, found in family_findings(doc, rulebook).items()},
        jurisdictions=list(jurisdictions),
        elements=elements,
        apology=components.get("regret", False),
        apology_components={c: components.get(c, False) for c in COMPONENTS},
        first_action_at=at,
        first_action_in_first_third=at is not None and at < FIRST_THIRD,
    )


def scan(
    folder: Path, rulebook: Rulebook, settings: Settings | None, selection: Selection = Selection()
) -> tuple[list[LetterRow], list[Skipped]]:
    """Measure every letter in `folder`; unreadable, empty or over-long files are skipped with the reason."""
    rows: list[LetterRow] = []
    skipped: list[Skipped] = []
    known = set(rulebook.jurisdictions)
    for path in letter_files(folder):
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            skipped.append(Skipped(file=path.name, reason="not UTF-8 text"))
            continue
        except OSError as exc:
            skipped.append(Skipped(file=path.name, reason=f"cannot read: {exc.__class__.__name__}"))
            continue
        if not text.strip():
            skipped.append(Skipped(file=path.name, reason="empty"))
            continue
        codes = selection.jurisdictions or (
            sidecar_jurisdictions(path, known) if selection.from_labels else ()
        )
        try:
            rows.append(measure(path.name, text, rulebook, settings, codes))
        except AppError as exc:
            skipped.append(Skipped(file=path.name, reason=exc.message))
    return rows, skipped


def families(rulebook: Rulebook) -> list[str]:
    """The downplaying families the rulebook defines, in name order."""
    return list(family_rules(rulebook))
