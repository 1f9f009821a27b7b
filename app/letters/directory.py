"""The agency contacts letters print, built once per rulebook.

Why: the credit bureaus, the FTC, annualcreditreport.com, each law's regulator and each
supervisory authority come from the rulebook's agency directory and rule files; they do not
depend on the incident, so a draft should not rebuild them. They are kept per rulebook object
(a rulebook is frozen once loaded), for the few rulebooks a process holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from threading import Lock

from app.rulebook.loader import Rulebook

CRAS = ("equifax", "experian", "transunion")


@dataclass(frozen=True)
class Contact:
    """A contact block: who, phone, address, website."""

    name: str = field(metadata={"help": "Agency or organisation name."})
    phone: str = field(default="", metadata={"help": "Phone number as printed."})
    address: str = field(default="", metadata={"help": "Postal address on one line."})
    website: str = field(
        default="", metadata={"help": "Website without scheme, e.g. www.example.gov."}
    )
    email: str = field(default="", metadata={"help": "Email address (may be empty)."})


def contact(agency: object) -> Contact:
    """A directory entry or a rule's `agency` as a Contact."""
    return Contact(
        name=getattr(agency, "name", ""),
        phone=getattr(agency, "phone", None) or "",
        address=getattr(agency, "address", None) or "",
        website=getattr(agency, "website", None) or "",
    )


@dataclass(frozen=True)
class Directory:
    """The contacts of one rulebook, as letters print them."""

    cras: tuple[Contact, ...]
    ftc: Contact
    annual_reports: Contact
    listed: dict[str, Contact]  # every directory entry, by key (supervisory authorities by code)
    regulators: dict[str, Contact]  # jurisdiction code -> the agency its letters must print


def _build(rulebook: Rulebook) -> Directory:
    entries = rulebook.agencies
    listed = {key: contact(agency) for key, agency in entries.items()}
    return Directory(
        cras=tuple(listed[k] for k in CRAS if k in listed),
        ftc=listed.get("ftc", Contact(name="Federal Trade Commission")),
        annual_reports=listed.get("annualcreditreport", Contact(name="")),
        listed=listed,
        regulators={
            code: contact(rule.agency)
            for code, rule in rulebook.jurisdictions.items()
            if rule.agency
        },
    )


_KEPT = 8  # rulebooks a process holds at once: the service's one, a test run's few
_built: dict[int, tuple[Rulebook, Directory]] = {}
_lock = Lock()


def directory(rulebook: Rulebook) -> Directory:
    """The rulebook's contacts, built on its first draft and kept with it (by identity)."""
    hit = _built.get(id(rulebook))
    if hit is not None and hit[0] is rulebook:
        return hit[1]
    built = _build(rulebook)
    with _lock:
        if len(_built) >= _KEPT:
            _built.clear()
        _built[id(rulebook)] = (rulebook, built)  # holding the rulebook keeps its id unique
    return built
