"""Every jurisdiction file: loads, has provenance, a deadline and a PI definition; UNVERIFIED marks carried over."""

from __future__ import annotations

from datetime import date

import pytest
import yaml

from app.core.config import PROJECT_ROOT
from app.core.errors import RuleLoadError
from app.domain.regions import RESIDENCE_CODES, US_STATES
from app.rulebook.loader import load_rulebook

LEGAL = PROJECT_ROOT / "rules" / "legal"
FILES = sorted(p for p in LEGAL.glob("*.yml") if p.stem not in ("elements", "agencies"))
REQUIRED_CODES = set(US_STATES) | {
    "US-HIPAA",
    "US-FTC-HBNR",
    "US-GLBA",
    "EU-GDPR",
    "GB-UKGDPR",
    "CA-PIPEDA",
    "CA-QC",
    "AU-NDB",
    "SG-PDPA",
    "BR-LGPD",
}
# States the reference gives letter-content rules for (Part C / E).
CONTENT_STATES = {
    "US-CA",
    "US-NY",
    "US-MA",
    "US-MD",
    "US-NC",
    "US-OR",
    "US-WA",
    "US-IL",
    "US-IA",
    "US-MI",
    "US-NH",
    "US-HI",
    "US-VT",
    "US-VA",
    "US-WV",
    "US-WY",
    "US-RI",
    "US-DC",
    "US-CO",
    "US-FL",
    "US-PR",
    "US-CT",
    "US-AZ",
    "US-NM",
    "US-MO",
    "US-WI",
    "US-DE",
    "US-PA",
}
AGENCY_STATES = {"US-NY", "US-MD", "US-NC", "US-RI", "US-DC", "US-OR", "US-IA"}


def test_every_required_jurisdiction_present(rulebook) -> None:  # type: ignore[no-untyped-def]
    assert REQUIRED_CODES <= set(rulebook.jurisdictions)
    assert len(US_STATES) == 54


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_file_shape(path, rulebook) -> None:  # type: ignore[no-untyped-def]
    raw = yaml.safe_load(path.read_text())
    rule = rulebook.jurisdiction(raw["jurisdiction"])
    if rule.jurisdiction.startswith("US-") and rule.jurisdiction in US_STATES:
        assert path.stem == rule.jurisdiction.lower()
    assert rule.title and rule.source and rule.reviewed >= date(2026, 11, 27)
    if rule.jurisdiction == "US-GENERIC":
        return
    if rule.letter:
        assert any(d.obligation == "individuals" for d in rule.deadlines), (
            "needs the individuals' deadline"
        )
    else:
        assert rule.deadlines, "a law without letters still needs its notice deadlines"
    scope = rule.applicability
    assert scope.any_data or scope.personal_information or scope.standalone, (
        "needs a personal-information definition"
    )
    if scope.basis == "residence":
        assert scope.residence and set(scope.residence) <= set(RESIDENCE_CODES)
    else:
        assert scope.entity_types
    for d in rule.deadlines:
        assert d.citation, f"{d.recipient}: citation"


@pytest.mark.parametrize("code", sorted(US_STATES))
def test_state_status_rests_on_sources(code, rulebook) -> None:  # type: ignore[no-untyped-def]
    """`verified` means two sources from different publishers, one primary, each read on a date; `unverified` says what is missing."""
    rule = rulebook.jurisdiction(code)
    if rule.status == "verified":
        assert len({s.publisher for s in rule.sources}) >= 2 and any(
            s.primary for s in rule.sources
        )
        assert all(s.read <= date.today() and s.supports for s in rule.sources)
    else:
        assert rule.unverified, "an unverified file must say what is missing in `unverified:`"
        assert all(d.unverified for d in rule.deadlines)
    assert rule.applicability.residence == [code]


def test_content_rules_where_the_reference_has_them(rulebook) -> None:  # type: ignore[no-untyped-def]
    for code in CONTENT_STATES:
        assert rulebook.jurisdiction(code).has_content_rules, code
    assert rulebook.jurisdiction("US-MA").prohibits[:2] == ["what_happened", "affected_count"]
    assert rulebook.jurisdiction("US-IL").prohibits == ["affected_count"]
    assert "affected_count" in rulebook.jurisdiction("US-RI").requires


def test_agencies_printed_where_letters_need_them(rulebook) -> None:  # type: ignore[no-untyped-def]
    for code in AGENCY_STATES:
        agency = rulebook.jurisdiction(code).agency
        assert agency and agency.name and agency.phone and agency.address and agency.website, code
    assert {c for c, r in rulebook.jurisdictions.items() if r.agency} == AGENCY_STATES


def test_unverified_conditions_and_deadlines_named(rulebook) -> None:  # type: ignore[no-untyped-def]
    assert any(c.unverified for c in rulebook.jurisdiction("US-MA").conditions)
    hipaa = rulebook.jurisdiction("US-HIPAA")
    assert [d.unverified for d in hipaa.deadlines if d.obligation == "media"] == [True]
    assert all(d.unverified for d in rulebook.jurisdiction("IN-DPDP").deadlines)


def test_bad_file_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "rules"
    (root / "legal").mkdir(parents=True)
    (root / "legal" / "elements.yml").write_text((LEGAL / "elements.yml").read_text())
    bad = yaml.safe_load((LEGAL / "us-ca.yml").read_text())
    bad["deadlines"][0]["threshold_scope"] = "planet"
    (root / "legal" / "us-ca.yml").write_text(yaml.safe_dump(bad))
    with pytest.raises(RuleLoadError, match="threshold_scope"):
        load_rulebook(root)


@pytest.mark.parametrize(
    ("sources", "reason"),
    [
        ([], "no sources"),
        (
            [
                {
                    "title": "Chart A",
                    "url": "https://firm-a.example/ca",
                    "kind": "secondary",
                    "read": "2026-12-01",
                    "supports": "all",
                },
                {
                    "title": "Chart B",
                    "url": "https://firm-b.example/ca",
                    "kind": "secondary",
                    "read": "2026-12-01",
                    "supports": "all",
                },
            ],
            "no primary",
        ),
        (
            [
                {
                    "title": "Statute",
                    "url": "https://leg.example/s1",
                    "kind": "statute",
                    "read": "2026-12-01",
                    "supports": "all",
                },
                {
                    "title": "Statute again",
                    "url": "https://www.leg.example/s2",
                    "kind": "statute",
                    "read": "2026-12-01",
                    "supports": "all",
                },
            ],
            "one publisher",
        ),
    ],
)
def test_verified_without_independent_sources_is_refused(tmp_path, sources, reason) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "rules"
    (root / "legal").mkdir(parents=True)
    (root / "legal" / "elements.yml").write_text((LEGAL / "elements.yml").read_text())
    bad = yaml.safe_load((LEGAL / "us-ca.yml").read_text())
    bad["status"], bad["sources"] = "verified", sources
    (root / "legal" / "us-ca.yml").write_text(yaml.safe_dump(bad))
    with pytest.raises(RuleLoadError, match="two independent sources"):
        load_rulebook(root)


def test_a_source_needs_a_location(tmp_path) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "rules"
    (root / "legal").mkdir(parents=True)
    (root / "legal" / "elements.yml").write_text((LEGAL / "elements.yml").read_text())
    bad = yaml.safe_load((LEGAL / "us-ca.yml").read_text())
    bad["sources"][0].pop("url", None)
    bad["sources"][0].pop("citation", None)
    (root / "legal" / "us-ca.yml").write_text(yaml.safe_dump(bad))
    with pytest.raises(RuleLoadError, match="url or a citation"):
        load_rulebook(root)


def test_verification_target(rulebook) -> None:  # type: ignore[no-untyped-def]
    """Issue #11: at least 45 of the 54 US states and territories verified against recorded sources."""
    verified = [c for c in US_STATES if rulebook.jurisdiction(c).status == "verified"]
    assert len(verified) >= 45, sorted(set(US_STATES) - set(verified))
