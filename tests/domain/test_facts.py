"""IncidentFacts validation: each rule, with the field path the error names."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from app.core.errors import pydantic_error_details
from app.domain.facts import IncidentFacts, is_toll_free


def _errors(data: dict) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        IncidentFacts.model_validate(data)
    return {d["field"]: d["message"] for d in pydantic_error_details(info.value.errors())}


ORG = {"name": "Acme"}


def test_minimal_facts_are_valid():
    facts = IncidentFacts.model_validate({"organisation": ORG})
    assert facts.total_affected == 0 and facts.data_types == []


@pytest.mark.parametrize(
    ("data", "field", "fragment"),
    [
        (
            {"incident": {"breach_start": "2026-03-05", "discovery_date": "2026-03-01"}},
            "incident.discovery_date",
            "before breach_start",
        ),
        (
            {"incident": {"breach_start": "2026-03-05", "breach_end": "2026-03-01"}},
            "incident.breach_end",
            "on or after",
        ),
        ({"affected": {"US-CA": -3}}, "affected.US-CA", "greater than or equal to 0"),
        ({"affected": {"US-ZZ": 3}}, "affected.US-ZZ (key)", "unknown residence code"),
        ({"data_types": ["ssn", "shoe_size"]}, "data_types[1]", "Input should be"),
        (
            {"contacts": {"toll_free": {"number": "call us"}}},
            "contacts.toll_free.number",
            "phone number",
        ),
        ({"contacts": {"website": "not a url"}}, "contacts.website", "URL"),
        ({"contacts": {"email": "nobody"}}, "contacts.email", "pattern"),
        (
            {
                "notice_date": "2026-04-01",
                "services": {
                    "credit_monitoring": {
                        "provider": "X",
                        "months": 12,
                        "enrollment_url": "https://x.example",
                        "enroll_by": "2026-03-01",
                    }
                },
            },
            "services.credit_monitoring.enroll_by",
            "after notice_date",
        ),
        (
            {
                "services": {
                    "credit_monitoring": {
                        "provider": "X",
                        "months": 0,
                        "enrollment_url": "https://x.example",
                    }
                }
            },
            "services.credit_monitoring.months",
            "greater than or equal to 1",
        ),
        ({"data_types": ["other"]}, "data_types_other", "describe"),
        ({"surprise": 1}, "surprise", "Extra inputs"),
    ],
)
def test_invalid_facts_name_the_field(data, field, fragment):
    errors = _errors({"organisation": ORG, **data})
    assert field in errors, errors
    assert fragment.lower() in errors[field].lower()


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("1-800-555-0199", True),
        ("(888) 555-0100", True),
        ("+1 844 555 0100", True),
        ("1-312-555-0100", False),
        ("+44 20 7946 0000", False),
    ],
)
def test_toll_free_detection(number, expected):
    assert is_toll_free(number) is expected


def test_examples_are_valid(example_facts):
    assert len(example_facts) >= 3
    for facts in example_facts.values():
        assert facts.total_affected > 0 and facts.data_types
