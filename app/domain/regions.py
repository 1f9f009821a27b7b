"""Where affected people live: US states and territories (ISO 3166-2) and countries (ISO 3166-1).

Residence codes are what incident facts count people by (`US-CA`, `DE`, `CA-QC`); jurisdiction
codes (`US-CA`, `EU-GDPR`) are what laws are filed under. `app.domain.jurisdictions` maps one to
the other.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

US_STATES: dict[str, str] = {
    "US-AL": "Alabama",
    "US-AK": "Alaska",
    "US-AZ": "Arizona",
    "US-AR": "Arkansas",
    "US-CA": "California",
    "US-CO": "Colorado",
    "US-CT": "Connecticut",
    "US-DE": "Delaware",
    "US-DC": "District of Columbia",
    "US-FL": "Florida",
    "US-GA": "Georgia",
    "US-HI": "Hawaii",
    "US-ID": "Idaho",
    "US-IL": "Illinois",
    "US-IN": "Indiana",
    "US-IA": "Iowa",
    "US-KS": "Kansas",
    "US-KY": "Kentucky",
    "US-LA": "Louisiana",
    "US-ME": "Maine",
    "US-MD": "Maryland",
    "US-MA": "Massachusetts",
    "US-MI": "Michigan",
    "US-MN": "Minnesota",
    "US-MS": "Mississippi",
    "US-MO": "Missouri",
    "US-MT": "Montana",
    "US-NE": "Nebraska",
    "US-NV": "Nevada",
    "US-NH": "New Hampshire",
    "US-NJ": "New Jersey",
    "US-NM": "New Mexico",
    "US-NY": "New York",
    "US-NC": "North Carolina",
    "US-ND": "North Dakota",
    "US-OH": "Ohio",
    "US-OK": "Oklahoma",
    "US-OR": "Oregon",
    "US-PA": "Pennsylvania",
    "US-RI": "Rhode Island",
    "US-SC": "South Carolina",
    "US-SD": "South Dakota",
    "US-TN": "Tennessee",
    "US-TX": "Texas",
    "US-UT": "Utah",
    "US-VT": "Vermont",
    "US-VA": "Virginia",
    "US-WA": "Washington",
    "US-WV": "West Virginia",
    "US-WI": "Wisconsin",
    "US-WY": "Wyoming",
    "US-PR": "Puerto Rico",
    "US-GU": "Guam",
    "US-VI": "U.S. Virgin Islands",
}

EU_COUNTRIES: dict[str, str] = {
    "AT": "Austria",
    "BE": "Belgium",
    "BG": "Bulgaria",
    "HR": "Croatia",
    "CY": "Cyprus",
    "CZ": "Czechia",
    "DK": "Denmark",
    "EE": "Estonia",
    "FI": "Finland",
    "FR": "France",
    "DE": "Germany",
    "GR": "Greece",
    "HU": "Hungary",
    "IE": "Ireland",
    "IT": "Italy",
    "LV": "Latvia",
    "LT": "Lithuania",
    "LU": "Luxembourg",
    "MT": "Malta",
    "NL": "Netherlands",
    "PL": "Poland",
    "PT": "Portugal",
    "RO": "Romania",
    "SK": "Slovakia",
    "SI": "Slovenia",
    "ES": "Spain",
    "SE": "Sweden",
    # EEA states apply the GDPR too.
    "IS": "Iceland",
    "LI": "Liechtenstein",
    "NO": "Norway",
}

OTHER_COUNTRIES: dict[str, str] = {
    "GB": "United Kingdom",
    "CA": "Canada",
    "CA-QC": "Quebec (Canada)",
    "AU": "Australia",
    "SG": "Singapore",
    "BR": "Brazil",
    "IN": "India",
}

RESIDENCE_CODES: dict[str, str] = {**US_STATES, **EU_COUNTRIES, **OTHER_COUNTRIES}


def residence_name(code: str) -> str:
    """Human name of a residence code (`US-MA` -> `Massachusetts`)."""
    return RESIDENCE_CODES.get(code, code)


def is_us(code: str) -> bool:
    """True for US states and territories."""
    return code.startswith("US-")


def us_postal_reading(code: str) -> str | None:
    """The US state a bare country code can also be read as (`CA` -> `US-CA`), or None.

    Responders type postal abbreviations out of habit: `"CA": 700` means Canada in Candor's facts,
    but a responder who meant California would only find out when the wrong law is applied.
    """
    if is_us(code) or "-" in code:
        return None
    state = f"US-{code.upper()}"
    return state if state in US_STATES else None


def residence_warnings(codes: Iterable[str]) -> list[str]:
    """One message per residence code that reads two ways, naming both readings and how to say each."""
    out = []
    for code in codes:
        state = us_postal_reading(code)
        if state:
            out.append(
                f"residence {code!r} is read as {residence_name(code)} (country code {code}); if you meant "
                f"{US_STATES[state]}, use {state!r}"
            )
    return out


def resolve_residences(affected: Mapping[str, int]) -> list[dict[str, object]]:
    """Each residence code with its resolved name and any second reading, for a preview before saving."""
    rows: list[dict[str, object]] = []
    for code, count in affected.items():
        known = code in RESIDENCE_CODES
        state = us_postal_reading(code) if known else None
        suggestion = None
        if not known and f"US-{code.upper()}" in US_STATES:
            suggestion = f"US-{code.upper()}"
        rows.append(
            {
                "code": code,
                "count": count,
                "known": known,
                "name": residence_name(code) if known else None,
                "also": US_STATES[state] if state else None,
                "also_code": state,
                "suggestion": suggestion,
            }
        )
    return rows
