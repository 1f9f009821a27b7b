"""Every IncidentFacts field can be typed in the facts form and reaches the letter (or has a documented reason).

The model is walked recursively, so a new field fails here until the form has it (app.ui.facts_form)
and WALK says where it shows in the letter or why it does not. Real form parsing, real rendering.
"""

from __future__ import annotations

import types
import typing
from typing import Any

import pytest
from pydantic import BaseModel

from app.core.config import PROJECT_ROOT
from app.domain.facts import IncidentFacts
from app.letters.drafting import draft_letter
from app.ui.facts_form import FIELDS, facts_from_form, form_values, new_incident_defaults
from app.workflow.variants import variants_for

TEMPLATES = PROJECT_ROOT / "templates" / "letters"


def model_leaves(model: type[BaseModel], prefix: str = "") -> list[str]:
    """Dotted paths of every non-model field, descending into nested models (also inside Optional)."""
    out: list[str] = []
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        ann = info.annotation
        args = (
            typing.get_args(ann)
            if isinstance(ann, types.UnionType) or typing.get_origin(ann) is typing.Union
            else (ann,)
        )
        nested = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
        out.extend(model_leaves(nested[0], path + ".") if nested else [path])
    return out


# The full form every walk starts from: each field filled, as a responder types it.
FULL: dict[str, Any] = {
    "title": "Walk",
    "organisation.name": "Northwind Outfitters",
    "organisation.entity_types": ["business"],
    "organisation.parent_company": "Northwind Holdings",
    "organisation.website": "https://www.northwind.example",
    "organisation.source_of_breach": ["false", "true"],
    "organisation.address.street": "1 Main Street",
    "organisation.address.city": "Springfield",
    "organisation.address.region": "OR",
    "organisation.address.postal_code": "97000",
    "organisation.address.country": "US",
    "incident.summary": "Someone broke into our billing server.",
    "incident.cause": "hacking",
    "incident.breach_start": "2026-10-02",
    "incident.breach_end": "2026-10-09",
    "incident.discovery_date": "2026-10-12",
    "incident.containment_date": "2026-10-13",
    "notice_date": "2026-11-27",
    "incident.third_parties": "a criminal group",
    "incident.law_enforcement_delay": ["false"],
    "incident.data_encrypted": ["false"],
    "incident.key_compromised": ["false"],
    "incident.misuse_known": ["false"],
    "data_types": ["name", "ssn", "other"],
    "data_types_other": "loyalty card numbers",
    "affected": "US-CA 1200\nUS-NY 800",
    "remediation": "We shut down the server.\nWe reset every password.",
    "services.credit_monitoring.provider": "Experian IdentityWorks",
    "services.credit_monitoring.months": "24",
    "services.credit_monitoring.enrollment_url": "https://enroll.example/nw",
    "services.credit_monitoring.enrollment_code": "NW-1000",
    "services.credit_monitoring.enroll_by": "2027-03-01",
    "services.credit_monitoring.phone": "1-877-555-0100",
    "services.other": "We will reimburse fees for new cards.",
    "contacts.toll_free.number": "1-888-555-0193",
    "contacts.toll_free.hours": "Monday to Friday, 8 a.m. to 6 p.m. Eastern",
    "contacts.phone": "503-555-0100",
    "contacts.phone_hours": "Monday to Friday, 9:00 to 17:00 Pacific",
    "contacts.email": "privacy@northwind.example",
    "contacts.website": "https://www.northwind.example/notice",
    "contacts.postal_address.street": "PO Box 7",
    "contacts.postal_address.city": "Salem",
    "contacts.postal_address.region": "OR",
    "contacts.postal_address.postal_code": "97301",
    "contacts.postal_address.country": "US",
    "contacts.dpo.name": "Ada Lovelace",
    "contacts.dpo.email": "dpo@northwind.example",
    "contacts.dpo.address": "2 Privacy Way",
    "contacts.dpo.serves_us_residents": ["false"],
    "signatory.name": "Dana Ruiz",
    "signatory.title": "Chief Privacy Officer",
    "language": "en",
}

# path -> (new form value, text the letter must then contain, jurisdictions of the letter)
#      or  (new form value, None, reason it does not appear in the letter's words).
WALK: dict[str, tuple[Any, str | None, Any]] = {
    "organisation.name": ("Zephyr Tools", "Zephyr Tools", ["US-CA"]),
    "organisation.entity_types": (
        ["hipaa_covered_entity"],
        None,
        "decides which laws apply (HIPAA, GLBA, FTC HBNR): the incident's variants and deadlines",
    ),
    "organisation.parent_company": ("Acme Holdings", "a subsidiary of Acme Holdings", ["US-MA"]),
    "organisation.website": (
        "https://www.zephyr.example",
        None,
        "the organisation's home page is not printed; letters point to the incident page (contacts.website)",
    ),
    "organisation.source_of_breach": (
        ["false"],
        None,
        "no rule or template reads it yet (California's monitoring duty)",
    ),
    "organisation.address.street": ("77 Quay Road", "77 Quay Road", ["US-CA"]),
    "organisation.address.city": ("Bristolton", "Bristolton", ["US-CA"]),
    "organisation.address.region": ("ME", "Springfield, ME", ["US-CA"]),
    "organisation.address.postal_code": ("04001", "04001", ["US-CA"]),
    "organisation.address.country": ("GB", "97000, GB", ["US-CA"]),
    "incident.summary": (
        "A thief took a laptop from our office.",
        "A thief took a laptop from our office.",
        ["US-CA"],
    ),
    "incident.cause": (
        "ransomware",
        None,
        "printed only when there is no summary: a cause line beside the responder's own summary "
        "could contradict it (#19.3); it still picks the cause wording of summary-less letters",
    ),
    "incident.breach_start": ("2026-10-01", "between October 1 and October 9", ["US-CA"]),
    "incident.breach_end": ("2026-10-11", "October 11, 2026", ["US-CA"]),
    "incident.discovery_date": ("2026-10-14", "October 14, 2026", ["US-CA"]),
    "incident.containment_date": ("2026-10-15", "October 15, 2026", ["US-CA"]),
    "notice_date": ("2026-11-30", "November 30, 2026", ["US-CA"]),
    "incident.third_parties": ("an unknown buyer", "an unknown buyer", ["US-CA"]),
    "incident.law_enforcement_delay": (
        ["false", "true"],
        "because law enforcement asked us",
        ["US-CA"],
    ),
    "incident.data_encrypted": (
        ["false", "true"],
        None,
        "encryption safe harbour: decides whether a law applies (variants)",
    ),
    "incident.key_compromised": (
        ["false", "true"],
        None,
        "voids the safe harbour when the data was encrypted (variants)",
    ),
    "incident.misuse_known": (["false", "true"], "already been misused", ["US-CA"]),
    "incident.discovery_at": (
        "2026-10-12T09:30:00-07:00",
        None,
        "sets the moment hour clocks (GDPR 72 hours) run from; the letter shows the day",
    ),
    "incident.no_harm_determination_date": (
        "2026-10-20",
        None,
        "decides obligations in no-harm states (FL, AK...); California has none",
    ),
    "incident.hhs_notice_date": (
        "2026-10-20",
        None,
        "dates the HIPAA follow-ups (New York's copy to its AG); not in the letter",
    ),
    "organisation.ba_notifies_individuals": (
        ["false", "true"],
        None,
        "decides whether a HIPAA business associate writes letters; a business is none",
    ),
    "data_types": (["name", "ssn", "other", "medical"], "medical", ["US-CA"]),
    "data_types_other": ("gym membership numbers", "Gym membership numbers", ["US-CA"]),
    "affected": ("US-CA 1234\nUS-RI 66", "1,300 people", ["US-RI"]),
    "remediation": ("We hired a security firm.", "We hired a security firm.", ["US-CA"]),
    "services.credit_monitoring.provider": ("Kestrel Watch", "Kestrel Watch", ["US-CA"]),
    "services.credit_monitoring.months": ("18", "18 months", ["US-CA"]),
    "services.credit_monitoring.enrollment_url": (
        "https://kestrel.example/enrol",
        "https://kestrel.example/enrol",
        ["US-CA"],
    ),
    "services.credit_monitoring.enrollment_code": ("KST-4411", "KST-4411", ["US-CA"]),
    "services.credit_monitoring.enroll_by": ("2027-04-02", "April 2, 2027", ["US-CA"]),
    "services.credit_monitoring.phone": ("1-877-555-0123", "1-877-555-0123", ["US-CA"]),
    "services.other": (
        "We will pay for a new passport.",
        "We will pay for a new passport.",
        ["US-CA"],
    ),
    "contacts.toll_free.number": ("1-866-555-0111", "1-866-555-0111", ["US-CA"]),
    "contacts.toll_free.hours": (
        "Daily, 9 a.m. to 5 p.m. Central",
        "Daily, 9 a.m. to 5 p.m. Central",
        ["US-CA"],
    ),
    # Letters outside the US print the other number with its local hours (#19.6); US letters
    # print the toll-free number only.
    "contacts.phone": ("+353 1 555 0111", "+353 1 555 0111", ["EU-GDPR"]),
    "contacts.phone_hours": ("Daily, 8:00 to 20:00 CET", "Daily, 8:00 to 20:00 CET", ["EU-GDPR"]),
    "contacts.email": ("help@zephyr.example", "help@zephyr.example", ["US-CA"]),
    "contacts.website": ("https://zephyr.example/incident", "zephyr.example/incident", ["US-CA"]),
    "contacts.postal_address.street": ("PO Box 99", "PO Box 99", ["US-CA"]),
    "contacts.postal_address.city": ("Eugene", "Eugene", ["US-CA"]),
    "contacts.postal_address.region": ("WA", "Salem, WA", ["US-CA"]),
    "contacts.postal_address.postal_code": ("97999", "97999", ["US-CA"]),
    "contacts.postal_address.country": ("IE", "97301, IE", ["US-CA"]),
    # US letters leave the EU DPO out (#19.3: contacts filtered by the letter's audience).
    "contacts.dpo.name": ("Grace Hopper", "Grace Hopper", ["EU-GDPR"]),
    "contacts.dpo.email": ("officer@zephyr.example", "officer@zephyr.example", ["EU-GDPR"]),
    "contacts.dpo.address": ("9 Data Lane", "9 Data Lane", ["EU-GDPR"]),
    # ... unless the facts say the DPO serves US residents too.
    "contacts.dpo.serves_us_residents": (["false", "true"], "Ada Lovelace", ["US-CA"]),
    "signatory.name": ("Sam Lee", "Sam Lee", ["US-CA"]),
    "signatory.title": ("General Counsel", "General Counsel", ["US-CA"]),
    "language": (
        "de",
        None,
        "the recipients' default language: picks the letter's language where drafts are made "
        "(en, es; another is drafted in English with a warning), not the English letter's words",
    ),
    "recipient_languages": (
        "US-CA es",
        None,
        "picks Spanish templates for those recipients' drafts (tests/letters/test_channels.py); "
        "the English letter is unchanged",
    ),
    **{
        f"translations.es.{name}": (
            value,
            None,
            "printed only in Spanish letters (tests/checks/test_spanish.py), never in the English one",
        )
        for name, value in {
            "summary": "Alguien entró en el servidor.",
            "remediation": "Apagamos el servidor.",
            "third_parties": "un grupo criminal",
            "services_other": "Pagaremos un pasaporte nuevo.",
            "data_types_other": "números de socio",
            "phone_hours": "todos los días",
            "signatory_title": "Directora jurídica",
        }.items()
    },
}


def _letter(values: dict[str, Any], rulebook, jurisdictions: list[str]) -> str:  # type: ignore[no-untyped-def]
    facts, errors = facts_from_form(values)
    assert errors == {} and facts is not None, errors
    return draft_letter(facts, rulebook, TEMPLATES, tone="plain", jurisdictions=jurisdictions).text


def test_every_model_field_is_a_form_field_named_by_its_path() -> None:
    leaves = model_leaves(IncidentFacts)
    assert "contacts.toll_free.number" in leaves and "organisation.entity_types" in leaves
    assert sorted(set(leaves) - set(FIELDS)) == [], (
        "add these IncidentFacts fields to app.ui.facts_form.FIELDSETS"
    )
    assert sorted(set(FIELDS) - set(leaves)) == [], "these form fields name no IncidentFacts field"


def test_every_model_field_is_walked_to_the_letter() -> None:
    assert sorted(set(model_leaves(IncidentFacts)) ^ set(WALK)) == [], (
        "say in WALK where each field shows in the letter, or why not"
    )


@pytest.mark.parametrize("path", sorted(WALK))
def test_field_from_form_to_letter(path: str, rulebook) -> None:  # type: ignore[no-untyped-def]
    value, expected, where = WALK[path]
    changed = {**FULL, path: value}
    if expected is None:
        assert isinstance(where, str) and len(where) > 10  # the documented reason
        before = _letter(FULL, rulebook, ["US-CA"])
        after = _letter(changed, rulebook, ["US-CA"])
        if path in (
            "organisation.entity_types",
            "incident.data_encrypted",
            "incident.key_compromised",
        ):
            return  # checked by test_law_deciding_fields_change_the_variants
        assert before == after, (
            f"{path} now changes the letter: move it from the reasons to the texts in WALK"
        )
        return
    before = _letter(FULL, rulebook, where)
    after = _letter(changed, rulebook, where)
    assert expected not in before, f"{path}: pick a walk value that differs from FULL's"
    assert expected in after, (
        f"{path}={value!r} typed in the form does not reach the {where} letter"
    )
    assert "[[missing:" not in after.replace("[[missing: contacts.dpo", ""), after


def test_law_deciding_fields_change_the_variants(rulebook) -> None:  # type: ignore[no-untyped-def]
    from datetime import date

    from app.domain.jurisdictions import applicable_jurisdictions

    def facts(values: dict[str, Any]) -> IncidentFacts:
        made, errors = facts_from_form(values)
        assert made is not None, errors
        return made

    def codes(values: dict[str, Any]) -> set[str]:
        return {
            c
            for v in variants_for(facts(values), rulebook, date(2026, 11, 27))
            for c in v.jurisdictions
        }

    def letters_due(values: dict[str, Any]) -> set[str]:
        return {
            a.jurisdiction for a in applicable_jurisdictions(facts(values), rulebook) if a.letters
        }

    assert "US-HIPAA" not in codes(FULL)
    assert "US-HIPAA" in codes(
        {
            **FULL,
            "organisation.entity_types": ["hipaa_covered_entity"],
            "data_types": ["name", "medical"],
        }
    )
    base = letters_due(FULL)
    assert "US-CA" in base
    encrypted = {**FULL, "incident.data_encrypted": ["false", "true"]}
    assert "US-CA" not in letters_due(encrypted)  # safe harbour
    assert (
        letters_due({**encrypted, "incident.key_compromised": ["false", "true"]}) == base
    )  # the key was taken


def test_form_values_round_trip_every_example(example_facts) -> None:  # type: ignore[no-untyped-def]
    for name, facts in example_facts.items():
        values = {"title": name, **form_values(facts)}
        back, errors = facts_from_form(values)
        assert errors == {}, (name, errors)
        assert back is not None and back.model_dump() == facts.model_dump(), name


def test_full_form_round_trips() -> None:
    facts, errors = facts_from_form(FULL)
    assert errors == {} and facts is not None
    again, errors = facts_from_form({"title": "Walk", **form_values(facts)})
    assert again is not None and again.model_dump() == facts.model_dump()
    assert (
        facts.contacts.toll_free is not None and facts.contacts.toll_free.number == "1-888-555-0193"
    )
    assert facts.organisation.source_of_breach is True and facts.incident.misuse_known is False


def test_errors_sit_beside_their_fields_and_every_value_stays() -> None:
    bad = {
        **FULL,
        "affected": "US-CA 1200\nNarnia lots",
        "contacts.toll_free.number": "call us",
        "incident.breach_end": "2026-10-01",
        "services.credit_monitoring.months": "999",
        "contacts.dpo.email": "nope",
    }
    facts, errors = facts_from_form(bad)
    assert facts is None and "Narnia lots" in errors["affected"]
    facts, errors = facts_from_form({**bad, "affected": FULL["affected"]})
    assert facts is None
    assert set(errors) >= {
        "contacts.toll_free.number",
        "incident.breach_end",
        "services.credit_monitoring.months",
        "contacts.dpo.email",
    }, errors
    assert "breach_start" in errors["incident.breach_end"]
    # A group half filled names its missing part.
    facts, errors = facts_from_form({**FULL, "signatory.title": ""})
    assert facts is None and "signatory.title" in errors
    facts, errors = facts_from_form({"organisation.name": "Northwind"})
    assert facts is None and {"title", "affected"} <= set(errors)


def test_blank_new_incident_form_starts_from_the_model_defaults() -> None:
    values = new_incident_defaults()
    assert (
        values["organisation.entity_types"] == ["business"]
        and values["organisation.source_of_breach"] is True
    )
    assert (
        values["language"] == "en"
        and values["organisation.name"] == ""
        and values["tone"] == "plain"
    )


@pytest.mark.parametrize(
    "number", ["1-888-555-0193", "+1 (888) 555-0193", "(888) 555-0193", "0800 123 4567"]
)
def test_the_toll_free_number_typed_is_the_one_in_every_letter(number: str, rulebook) -> None:  # type: ignore[no-untyped-def]
    """The reported bug: a number typed as toll-free was stored, and the letter said [[missing: ...]]."""
    values = {**FULL, "contacts.toll_free.number": number, "contacts.phone": ""}
    for jurisdictions in (["US-MA"], ["US-CA"], ["US-CA", "US-MA"]):
        letter = _letter(values, rulebook, jurisdictions)
        assert number in letter and "[[missing: contacts.toll_free" not in letter, jurisdictions


def test_stale_facts_form_takes_their_untouched_fields_and_lists_both_changed() -> None:
    from app.ui.facts_form import merge_values

    base, _ = facts_from_form(FULL)
    assert base is not None
    old = form_values(base)
    theirs = {
        **old,
        "contacts.toll_free.hours": "Daily",
        "incident.summary": "Their summary.",
        "incident.misuse_known": True,
    }
    mine = {
        **old,
        "contacts.toll_free.number": "1-866-555-0111",
        "incident.summary": "My summary.",
        "incident.misuse_known": ["false", "true"],
    }
    merged, taken, both = merge_values(old, theirs, mine)
    assert merged["contacts.toll_free.hours"] == "Daily"  # only they changed it: taken
    assert merged["contacts.toll_free.number"] == "1-866-555-0111"  # only I changed it: kept
    assert merged["incident.summary"] == "My summary."  # both: mine kept, and listed
    assert [r["path"] for r in taken] == ["contacts.toll_free.hours"]
    assert [(r["path"], r["theirs"], r["mine"]) for r in both] == [
        ("incident.summary", "Their summary.", "My summary.")
    ]
    facts, errors = facts_from_form({"title": "t", **merged})
    assert errors == {} and facts is not None and facts.incident.misuse_known is True


def test_a_blank_dpo_with_its_box_unticked_is_no_dpo() -> None:
    """The DPO's 'also serves US residents' box sends a hidden "false": left blank, the DPO is
    absent, not a half-filled DPO with no name (#19.3)."""
    blank = {
        **FULL,
        "contacts.dpo.name": "",
        "contacts.dpo.email": "",
        "contacts.dpo.address": "",
        "contacts.dpo.serves_us_residents": ["false"],
    }
    facts, errors = facts_from_form(blank)
    assert errors == {} and facts is not None and facts.contacts.dpo is None
    ticked = {**blank, "contacts.dpo.serves_us_residents": ["false", "true"]}
    facts, errors = facts_from_form(ticked)
    assert facts is None and "contacts.dpo.name" in errors  # ticked: it needs the DPO's name
    values = form_values(facts_from_form(FULL)[0])
    assert values["contacts.dpo.serves_us_residents"] is False
    assert values["contacts.phone_hours"] == "Monday to Friday, 9:00 to 17:00 Pacific"
