"""The corpus table: shares and distributions over the measured letters, beside the published figures.

Shares are of the measured letters (skipped files are not counted). A share per required
element is over the letters checked against that jurisdiction. Reading Ease < 60 is "fairly
difficult" or harder on Flesch's scale (fairly difficult 50–60, difficult 30–50, very
difficult < 30); Zou et al. report their 97% as "difficult" or "fairly difficult".
"""

from __future__ import annotations

import statistics

from pydantic import BaseModel, Field

from app.corpus.scan import BANDS, COMPONENTS, LetterRow, Skipped

FK_TARGET = 8.0  # DESIGN.md: plain tone target, Flesch–Kincaid grade ≤ 8


class Distribution(BaseModel):
    """Summary of one metric over the letters that have it."""

    n: int
    median: float | None
    mean: float | None
    min: float | None
    max: float | None
    p25: float | None
    p75: float | None


class Readability(BaseModel):
    """Readability distribution of the corpus."""

    flesch_kincaid_grade: Distribution
    flesch_reading_ease: Distribution
    bands: dict[str, float] = Field(description="Share of letters per Flesch Reading Ease band.")
    share_fairly_difficult_or_harder: float = Field(description="Reading Ease < 60.")
    share_difficult_or_harder: float = Field(description="Reading Ease < 50.")
    share_above_grade_8: float = Field(
        description="Flesch–Kincaid grade > 8 (DESIGN.md target for plain letters)."
    )


class Published(BaseModel):
    """The published figures the table is compared with (Zou et al., CHI 2019)."""

    source: str = (
        'Zou, Danino, Sun & Schaub, \'You "Might" Be Affected: An Empirical Analysis of Readability '
        "and Usability Issues in Data Breach Notifications', CHI 2019, doi:10.1145/3290605.3300424"
    )
    letters: int = 161
    median_flesch_kincaid_grade: float = 10.0
    flesch_kincaid_grade_range: tuple[float, float] = (6.4, 16.0)
    share_difficult_or_fairly_difficult: float = 0.97
    share_hedge: float = Field(0.70, description="Approximate: 'about 70%' used hedge terms.")
    share_no_evidence: float = Field(
        0.40, description="Approximate: 'about 40%' claimed no evidence of misuse."
    )


class Summary(BaseModel):
    """Shares and distributions over the measured letters."""

    letters: int
    readability: Readability
    downplaying: dict[str, float] = Field(
        description="Family → share of letters with at least one phrase of it."
    )
    any_downplaying: float
    elements: dict[str, dict[str, float]] = Field(
        description="Jurisdiction → required element → share of the letters checked against it."
    )
    letters_per_jurisdiction: dict[str, int]
    apology: float
    apology_components: dict[str, float]
    first_action_in_first_third: float
    no_action: float = Field(description="Share of letters that give the reader no step to take.")


class CorpusReport(BaseModel):
    """What `candor corpus --format json` prints."""

    folder: str
    rulebook: str
    summary: Summary
    published: Published = Field(default_factory=Published)
    rows: list[LetterRow]
    skipped: list[Skipped]


def _share(count: int, total: int) -> float:
    return round(count / total, 4) if total else 0.0


def distribution(values: list[float]) -> Distribution:
    """Median, mean, range and quartiles (None for an empty list)."""
    if not values:
        return Distribution(n=0, median=None, mean=None, min=None, max=None, p25=None, p75=None)
    qs = (
        statistics.quantiles(values, n=4, method="inclusive")
        if len(values) > 1
        else [values[0]] * 3
    )
    r = lambda v: round(v, 2)  # noqa: E731
    return Distribution(
        n=len(values),
        median=r(statistics.median(values)),
        mean=r(statistics.fmean(values)),
        min=r(min(values)),
        max=r(max(values)),
        p25=r(qs[0]),
        p75=r(qs[2]),
    )


def summarise(rows: list[LetterRow], families: list[str]) -> Summary:
    """The corpus table from the per-letter rows."""
    n = len(rows)
    fre = [r.flesch_reading_ease for r in rows if r.flesch_reading_ease is not None]
    fk = [r.flesch_kincaid_grade for r in rows if r.flesch_kincaid_grade is not None]
    readability = Readability(
        flesch_kincaid_grade=distribution(fk),
        flesch_reading_ease=distribution(fre),
        bands={
            name: _share(sum(1 for r in rows if r.reading_ease_band == name), n)
            for _, name in BANDS
        },
        share_fairly_difficult_or_harder=_share(sum(1 for v in fre if v < 60), n),
        share_difficult_or_harder=_share(sum(1 for v in fre if v < 50), n),
        share_above_grade_8=_share(sum(1 for v in fk if v > FK_TARGET), n),
    )
    per_j: dict[str, list[LetterRow]] = {}
    for r in rows:
        for j in r.jurisdictions:
            per_j.setdefault(j, []).append(r)
    elements = {}
    for j, rs in sorted(per_j.items()):
        ids = sorted({e for r in rs for e in r.elements.get(j, {})})
        elements[j] = {
            e: _share(sum(1 for r in rs if r.elements.get(j, {}).get(e)), len(rs)) for e in ids
        }
    return Summary(
        letters=n,
        readability=readability,
        downplaying={f: _share(sum(1 for r in rows if r.downplaying.get(f)), n) for f in families},
        any_downplaying=_share(sum(1 for r in rows if any(r.downplaying.values())), n),
        elements=elements,
        letters_per_jurisdiction={j: len(rs) for j, rs in sorted(per_j.items())},
        apology=_share(sum(1 for r in rows if r.apology), n),
        apology_components={
            c: _share(sum(1 for r in rows if r.apology_components.get(c)), n) for c in COMPONENTS
        },
        first_action_in_first_third=_share(
            sum(1 for r in rows if r.first_action_in_first_third), n
        ),
        no_action=_share(sum(1 for r in rows if r.first_action_at is None), n),
    )
