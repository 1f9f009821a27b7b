"""Hand-worked incident scenarios: facts plus the answers worked out from reference/legal-requirements.md.

Each answer was derived by hand from the reference (Part H row, Part A/B/C section named in `why`),
not by running the code. Dates: discovery 2026-03-02 (a Monday) unless stated; `today` 2026-03-10.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.domain.facts import IncidentFacts

DISCOVERY = date(2026, 3, 2)
TODAY = date(2026, 3, 10)


def make_facts(
    affected: dict[str, int],
    data_types: list[str],
    *,
    entity_types: list[str] | None = None,
    discovery: date | None = DISCOVERY,
    encrypted: bool = False,
    key: bool = False,
    notice_date: date | None = None,
    monitoring_months: int | None = None,
    **extra: Any,
) -> IncidentFacts:
    """Minimal valid facts for a scenario."""
    data: dict[str, Any] = {
        "organisation": {"name": "Acme Widgets", "entity_types": entity_types or ["business"]},
        "incident": {
            "summary": "Someone broke into our order system and copied customer records.",
            "cause": "hacking",
            "breach_start": "2026-02-20",
            "discovery_date": discovery.isoformat() if discovery else None,
            "data_encrypted": encrypted,
            "key_compromised": key,
        },
        "data_types": data_types,
        "affected": affected,
    }
    if notice_date:
        data["notice_date"] = notice_date.isoformat()
    if monitoring_months:
        data["services"] = {
            "credit_monitoring": {
                "provider": "Experian IdentityWorks",
                "months": monitoring_months,
                "enrollment_url": "https://example.com/enroll",
            }
        }
    data.update(extra)
    return IncidentFacts.model_validate(data)


def find_obligations(
    report: Any, jurisdiction: str, obligation: str, recipient: str = ""
) -> list[Any]:
    """The report's obligations of `jurisdiction` named `obligation` whose recipient contains `recipient`."""
    return [
        o
        for o in report.obligations
        if o.jurisdiction == jurisdiction
        and o.obligation == obligation
        and recipient.lower() in o.recipient.lower()
    ]


def lettered(report: Any) -> set[str]:
    """The jurisdictions whose letters the report says are due."""
    return {a.jurisdiction for a in report.jurisdictions if a.letters}


@dataclass
class Scenario:
    """Facts and the expected answers."""

    id: str
    why: str
    facts: IncidentFacts
    letters: set[str]  # jurisdictions whose letters are due
    not_applicable: set[str] = field(default_factory=set)  # reached by the facts but not applicable
    variants: list[set[str]] = field(default_factory=list)  # residence groups, any order
    due: dict[tuple[str, str, str], date | None] = field(
        default_factory=dict
    )  # (jurisdiction, obligation, recipient contains) -> due
    absent: list[tuple[str, str, str]] = field(
        default_factory=list
    )  # obligations that must NOT be listed
    no_letter: set[str] = field(default_factory=set)
    today: date = TODAY


SSN = ["name", "ssn"]
SCENARIOS = [
    Scenario(
        "ca-ma-split",
        "C1: CA 30 days, AG sample >500, 15 days after consumer notice; C3: MA forbids what_happened -> own variant",
        make_facts({"US-CA": 600, "US-MA": 50}, SSN),
        {"US-CA", "US-MA"},
        variants=[{"US-CA"}, {"US-MA"}],
        due={
            ("US-CA", "individuals", ""): date(2026, 4, 1),
            ("US-CA", "regulator", "Attorney General"): date(2026, 4, 16),
            ("US-MA", "individuals", ""): None,
            ("US-MA", "regulator", "Consumer Affairs"): None,
        },
    ),
    Scenario(
        "credentials-ca-ny-tx",
        "Part H: cred is PI in CA and NY (standalone), not in TX (med, ins, gov ID only)",
        make_facts({"US-CA": 100, "US-NY": 100, "US-TX": 100}, ["email", "username_password"]),
        {"US-CA", "US-NY"},
        not_applicable={"US-TX"},
        variants=[{"US-CA", "US-NY"}],
        no_letter={"US-TX"},
        due={
            ("US-CA", "individuals", ""): date(2026, 4, 1),
            ("US-NY", "individuals", ""): date(2026, 4, 1),
        },
        absent=[("US-CA", "regulator", "")],
    ),
    Scenario(
        "encrypted-key-safe",
        "Part H Enc.: CA Y-unless-key, MA Y-unless-key: encrypted data with the key safe needs no notice",
        make_facts({"US-CA": 600, "US-MA": 50}, SSN, encrypted=True),
        set(),
        not_applicable={"US-CA", "US-MA"},
        variants=[],
        no_letter={"US-CA", "US-MA"},
        absent=[("US-CA", "individuals", ""), ("US-MA", "regulator", "")],
    ),
    Scenario(
        "encrypted-key-taken",
        "Key taken voids CA's safe harbour; FL (Enc. Y, no key clause) treated as not exempt; FL 30 days",
        make_facts({"US-CA": 10, "US-FL": 10}, SSN, encrypted=True, key=True),
        {"US-CA", "US-FL"},
        variants=[{"US-CA", "US-FL"}],
        due={
            ("US-FL", "individuals", ""): date(2026, 4, 1),
            ("US-CA", "individuals", ""): date(2026, 4, 1),
        },
        absent=[("US-FL", "regulator", "")],
    ),
    Scenario(
        "hipaa-il-in-ma",
        "A1: HIPAA covers everyone, 60 days; HHS >=500 total; media >500 per State (IN 600 only); "
        "IN and MA do not count medical data as PI; IL does (no AG: 400 <= 500)",
        make_facts(
            {"US-IL": 400, "US-IN": 600, "US-MA": 20},
            ["name", "medical", "health_insurance"],
            entity_types=["hipaa_covered_entity"],
        ),
        {"US-HIPAA", "US-IL"},
        not_applicable={"US-IN", "US-MA"},
        variants=[{"US-IL", "US-IN", "US-MA"}],
        due={
            ("US-HIPAA", "individuals", ""): date(2026, 5, 1),
            ("US-HIPAA", "regulator", "OCR breach portal"): date(2026, 5, 1),
            ("US-HIPAA", "media", "Indiana"): date(2026, 5, 1),
            ("US-IL", "individuals", ""): None,
        },
        absent=[
            ("US-HIPAA", "media", "Illinois"),
            ("US-HIPAA", "regulator", "annual log"),
            ("US-IL", "regulator", ""),
        ],
    ),
    Scenario(
        "hipaa-small",
        "A1: fewer than 500 -> HHS annual log 60 days after year end; TX counts medical info; TX 60 days; AG only >=250",
        make_facts({"US-TX": 100}, ["name", "medical"], entity_types=["hipaa_covered_entity"]),
        {"US-HIPAA", "US-TX"},
        variants=[{"US-TX"}],
        due={
            ("US-HIPAA", "regulator", "annual log"): date(2027, 3, 1),
            ("US-TX", "individuals", ""): date(2026, 5, 1),
        },
        absent=[("US-TX", "regulator", ""), ("US-HIPAA", "media", "")],
    ),
    Scenario(
        "hipaa-ma-conflict",
        "HIPAA requires what_happened, MA forbids it, for the same people: one variant, conflict reported",
        make_facts(
            {"US-MA": 10}, ["name", "ssn", "medical"], entity_types=["hipaa_covered_entity"]
        ),
        {"US-HIPAA", "US-MA"},
        variants=[{"US-MA"}],
        due={("US-HIPAA", "individuals", ""): date(2026, 5, 1)},
    ),
    Scenario(
        "ma-il-ri-ca",
        "F1/F2: MA forbids what_happened+count, IL forbids count, RI requires count: {MA, IL} and {CA, RI}; "
        "RI 45 days, AG and CRAs >500 with the consumer notice",
        make_facts({"US-MA": 100, "US-IL": 200, "US-RI": 600, "US-CA": 50}, SSN),
        {"US-MA", "US-IL", "US-RI", "US-CA"},
        variants=[{"US-MA", "US-IL"}, {"US-CA", "US-RI"}],
        due={
            ("US-RI", "individuals", ""): date(2026, 4, 16),
            ("US-RI", "regulator", ""): date(2026, 4, 16),
            ("US-RI", "cra", ""): date(2026, 4, 16),
        },
        absent=[("US-CA", "regulator", ""), ("US-IL", "regulator", "")],
    ),
    Scenario(
        "gdpr",
        "B1: any personal data; supervisory authority within 72 hours; letters without undue delay (no date)",
        make_facts({"DE": 100, "FR": 50}, ["name", "email"]),
        {"EU-GDPR"},
        variants=[{"DE", "FR"}],
        due={
            ("EU-GDPR", "regulator", "supervisory"): date(2026, 3, 5),
            ("EU-GDPR", "individuals", ""): None,
        },
    ),
    Scenario(
        "gdpr-encrypted",
        "Art. 34(3)(a): encryption spares the letters, not the Art. 33 notice",
        make_facts({"DE": 100}, ["name", "email"], encrypted=True),
        set(),
        variants=[],
        no_letter={"DE"},
        due={("EU-GDPR", "regulator", "supervisory"): date(2026, 3, 5)},
        absent=[("EU-GDPR", "individuals", "")],
    ),
    Scenario(
        "brazil-business-days",
        "B6: 3 business days from Friday 2026-03-06 -> Wednesday 2026-03-11 (ANPD and data subjects)",
        make_facts({"BR": 30}, ["name", "email"], discovery=date(2026, 3, 6)),
        {"BR-LGPD"},
        variants=[{"BR"}],
        due={
            ("BR-LGPD", "individuals", ""): date(2026, 3, 11),
            ("BR-LGPD", "regulator", "ANPD"): date(2026, 3, 11),
        },
    ),
    Scenario(
        "uk-au-sg",
        "B2/B4/B5: ICO 72 h; PDPC 3 days; OAIC as soon as practicable; one international letter (no conflicts)",
        make_facts({"GB": 10, "AU": 10, "SG": 10}, ["name", "email"]),
        {"GB-UKGDPR", "AU-NDB", "SG-PDPA"},
        variants=[{"GB", "AU", "SG"}],
        due={
            ("GB-UKGDPR", "regulator", "ICO"): date(2026, 3, 5),
            ("SG-PDPA", "regulator", "PDPC"): date(2026, 3, 5),
            ("AU-NDB", "regulator", "Information Commissioner"): None,
            ("SG-PDPA", "individuals", ""): None,
        },
    ),
    Scenario(
        "maryland-ag-first",
        "C4/Part H: MD 45 days; AG BEFORE individuals (notice date 2026-03-20 -> 2026-03-19); CRA only >=1,000",
        make_facts({"US-MD": 100}, SSN, notice_date=date(2026, 3, 20)),
        {"US-MD"},
        variants=[{"US-MD"}],
        due={
            ("US-MD", "individuals", ""): date(2026, 4, 16),
            ("US-MD", "regulator", ""): date(2026, 3, 19),
        },
        absent=[("US-MD", "cra", "")],
    ),
    Scenario(
        "texas-large",
        "C23/Part H: TX 60 days; AG >=250 within 30 days; CRAs >10,000 with the consumer notice",
        make_facts({"US-TX": 12000}, ["name", "drivers_license"]),
        {"US-TX"},
        variants=[{"US-TX"}],
        due={
            ("US-TX", "individuals", ""): date(2026, 5, 1),
            ("US-TX", "regulator", ""): date(2026, 4, 1),
            ("US-TX", "cra", ""): date(2026, 5, 1),
        },
    ),
    Scenario(
        "vermont-business-days",
        "C13: preliminary AG notice within 14 business days of discovery. Mon 03-02; Tue 03-03 is "
        "Town Meeting Day, a Vermont legal holiday (1 V.S.A. § 371), so it does not count: 03-04..06 = 3, 03-09..13 = 8, "
        "03-16..20 = 13, Mon 03-23 = 14. 45 days -> 04-16",
        make_facts({"US-VT": 10}, SSN),
        {"US-VT"},
        variants=[{"US-VT"}],
        due={
            ("US-VT", "regulator", ""): date(2026, 3, 23),
            ("US-VT", "individuals", ""): date(2026, 4, 16),
        },
        absent=[("US-VT", "cra", "")],
    ),
    Scenario(
        "iowa-after-notice",
        "C9: AG within 5 business days after consumer notice if >500 (notice Fri 03-27 -> Fri 04-03)",
        make_facts({"US-IA": 600}, SSN, notice_date=date(2026, 3, 27)),
        {"US-IA"},
        variants=[{"US-IA"}],
        due={("US-IA", "regulator", ""): date(2026, 4, 3), ("US-IA", "individuals", ""): None},
    ),
    Scenario(
        "ssn-without-name",
        "Part H: in IN an SSN alone is PI; in CA only with a name",
        make_facts({"US-IN": 10, "US-CA": 10}, ["ssn"]),
        {"US-IN"},
        not_applicable={"US-CA"},
        variants=[{"US-IN"}],
        no_letter={"US-CA"},
        due={("US-IN", "individuals", ""): date(2026, 4, 16)},
    ),
    Scenario(
        "ftc-hbnr",
        "A2: PHR vendor, 60 days, FTC >=500, media >500 per State; WA counts medical info, 30 days, AG >500",
        make_facts({"US-WA": 700}, ["name", "medical"], entity_types=["phr_vendor"]),
        {"US-FTC-HBNR", "US-WA"},
        variants=[{"US-WA"}],
        due={
            ("US-FTC-HBNR", "individuals", ""): date(2026, 5, 1),
            ("US-FTC-HBNR", "regulator", "Federal Trade Commission"): date(2026, 5, 1),
            ("US-FTC-HBNR", "media", "Washington"): date(2026, 5, 1),
            ("US-WA", "individuals", ""): date(2026, 4, 1),
            ("US-WA", "regulator", ""): date(2026, 4, 1),
        },
    ),
    Scenario(
        "ftc-hbnr-not-for-hipaa",
        "A2: the FTC rule does not apply to HIPAA covered entities; HIPAA does. RCW 19.255.030 deems "
        "the HIPAA notice compliant, so no Washington letter (10 residents: no AG notice either)",
        make_facts(
            {"US-WA": 10}, ["name", "medical"], entity_types=["phr_vendor", "hipaa_covered_entity"]
        ),
        {"US-HIPAA"},
        not_applicable={"US-FTC-HBNR"},
        variants=[{"US-WA"}],
        absent=[("US-FTC-HBNR", "individuals", "")],
    ),
    Scenario(
        "glba-ny",
        "A3 + C2: GLBA 'as soon as possible'; Safeguards FTC notice >=500 in 30 days; NY 30 days, CRAs >5,000",
        make_facts(
            {"US-NY": 6000}, ["name", "financial_account"], entity_types=["financial_institution"]
        ),
        {"US-GLBA", "US-NY"},
        variants=[{"US-NY"}],
        due={
            ("US-NY", "individuals", ""): date(2026, 4, 1),
            ("US-NY", "cra", ""): date(2026, 4, 1),
            ("US-GLBA", "individuals", ""): None,
            ("US-GLBA", "regulator", "Safeguards"): date(2026, 4, 1),
        },
    ),
    Scenario(
        "dc-puerto-rico",
        "C18/Part H: DC AG if >=50 with the consumer notice (no number: null); PR DACO within 10 days of detection",
        make_facts({"US-DC": 60, "US-PR": 10}, ["name", "ssn"]),
        {"US-DC", "US-PR"},
        variants=[{"US-DC", "US-PR"}],
        due={
            ("US-DC", "regulator", ""): None,
            ("US-PR", "regulator", "DACO"): date(2026, 3, 12),
            ("US-PR", "individuals", ""): None,
        },
    ),
    Scenario(
        "no-discovery-date",
        "Without a discovery date no clock can start: due null",
        make_facts({"US-CA": 10}, SSN, discovery=None),
        {"US-CA"},
        variants=[{"US-CA"}],
        due={("US-CA", "individuals", ""): None},
    ),
    Scenario(
        "credentials-ma-ca-ri",
        "Credentials are not PI in MA, so MA's prohibitions do not bite: CA and RI share a letter",
        make_facts({"US-MA": 10, "US-CA": 10, "US-RI": 10}, ["email", "username_password"]),
        {"US-CA", "US-RI"},
        not_applicable={"US-MA"},
        variants=[{"US-CA", "US-RI"}],
        no_letter={"US-MA"},
    ),
    Scenario(
        "connecticut-60",
        "C22: CT 60 days after discovery; AG no later than the residents' notice",
        make_facts({"US-CT": 10}, SSN, monitoring_months=24),
        {"US-CT"},
        variants=[{"US-CT"}],
        due={
            ("US-CT", "individuals", ""): date(2026, 5, 1),
            ("US-CT", "regulator", ""): date(2026, 5, 1),
        },
    ),
    Scenario(
        "no-content-states-join-main",
        "States without content rules (GA, KS) join the fullest letter, not the MA one",
        make_facts({"US-MA": 10, "US-CA": 10, "US-GA": 10, "US-KS": 10}, SSN),
        {"US-MA", "US-CA", "US-GA", "US-KS"},
        variants=[{"US-MA"}, {"US-CA", "US-GA", "US-KS"}],
    ),
]
