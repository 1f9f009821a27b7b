"""The facts form: every IncidentFacts field as a form field named by its model path.

Form field names ARE the model's dotted paths (`contacts.toll_free.number`), so a value typed
in the browser lands where the letter reads it, and an error's location names the field that
shows it. One spec drives the new-incident form, the "Edit facts" page, parsing and pre-filling;
tests/ui/test_facts_form.py walks the IncidentFacts model and fails on a field missing here.
Pure functions, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from app.core.errors import pydantic_error_details
from app.domain.datatypes import LABELS, DataType
from app.domain.facts import CauseCategory, EntityType, IncidentFacts

# Widgets: text, textarea, date, number, url, email, tel, select, checkboxes (a list of choices),
# bool (one checkbox), lines (a list of strings, one per line), residences (dict "US-CA 1200" lines).
LIST_WIDGETS = ("checkboxes",)

ENTITY_LABELS = {
    EntityType.business: "Business (none of the kinds below)",
    EntityType.hipaa_covered_entity: "HIPAA covered entity (health plan, health care provider or clearinghouse)",
    EntityType.hipaa_business_associate: "HIPAA business associate (handles health data for a covered entity)",
    EntityType.financial_institution: "Financial institution (GLBA)",
    EntityType.phr_vendor: "Personal health record vendor (FTC Health Breach Notification Rule)",
    EntityType.consumer_reporting_agency: "Consumer reporting agency",
    EntityType.government_agency: "Government agency",
}


@dataclass(frozen=True)
class FormField:
    """One form field: the IncidentFacts path it edits, its label, widget and hint."""

    path: str
    label: str
    widget: str = "text"
    hint: str = ""
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    attrs: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """The path in element ids (f-KEY input, e-KEY error, h-KEY hint): dots would need escaping in CSS."""
        return self.path.replace(".", "-")

    @property
    def dom_id(self) -> str:
        """The input's id."""
        return "f-" + self.key


@dataclass(frozen=True)
class Fieldset:
    """A group of fields under one legend."""

    legend: str
    fields: tuple[FormField, ...]
    hint: str = ""


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _address(prefix: str, who: str) -> tuple[FormField, ...]:
    return (
        FormField(f"{prefix}.street", f"{who} street", hint="Street and number, or P.O. Box."),
        FormField(f"{prefix}.city", f"{who} city"),
        FormField(f"{prefix}.region", f"{who} state or region"),
        FormField(f"{prefix}.postal_code", f"{who} postal code"),
        FormField(f"{prefix}.country", f"{who} country", hint="Two-letter code; US when empty."),
    )


TITLE = FormField(
    "title",
    "Incident title",
    required=True,
    hint="Internal name, e.g. 'Billing server ransomware, July 2026'.",
)

FIELDSETS: tuple[Fieldset, ...] = (
    Fieldset(
        "Organisation",
        (
            FormField(
                "organisation.name",
                "Organisation name",
                required=True,
                hint="As recipients know it.",
            ),
            FormField(
                "organisation.entity_types",
                "Type of organisation",
                "checkboxes",
                hint="Decides the federal rules: HIPAA, GLBA, the FTC rule for health records.",
                choices=tuple((e.value, ENTITY_LABELS[e]) for e in EntityType),
            ),
            FormField(
                "organisation.parent_company",
                "Parent company",
                hint="Parent or affiliate that owns the organisation, if any.",
            ),
            FormField("organisation.website", "Organisation website", "url", hint="https://…"),
            FormField(
                "organisation.source_of_breach",
                "The breach happened at our organisation (not at a vendor)",
                "bool",
            ),
            FormField(
                "organisation.ba_notifies_individuals",
                "Our contract makes us write to the individuals ourselves",
                "bool",
                hint="HIPAA business associates only: otherwise the covered entity sends the letters and we notify it.",
            ),
            *_address("organisation.address", "Letterhead"),
        ),
    ),
    Fieldset(
        "Incident",
        (
            FormField(
                "incident.summary", "What happened", "textarea", hint="One or two plain sentences."
            ),
            FormField(
                "incident.cause",
                "Cause",
                "select",
                choices=tuple((c.value, _cap(c.value.replace("_", " "))) for c in CauseCategory),
            ),
            FormField("incident.breach_start", "Breach start", "date"),
            FormField("incident.breach_end", "Breach end", "date"),
            FormField("incident.discovery_date", "Discovered on", "date"),
            FormField(
                "incident.discovery_at",
                "Discovered at (date and time)",
                hint="For hour clocks such as the GDPR's 72 hours: e.g. 2026-09-15T08:30+02:00, with the UTC offset; "
                "its date must be the 'Discovered on' date.",
            ),
            FormField(
                "incident.no_harm_determination_date",
                "Written no-harm determination dated",
                "date",
                hint="Only if you documented in writing that the breach is not likely to cause harm (e.g. Florida, Alaska): "
                "some states then need no letters but a copy of the determination.",
            ),
            FormField(
                "incident.hhs_notice_date",
                "Reported to HHS on",
                "date",
                hint="HIPAA: the day the breach report went to HHS (New York wants a copy within 5 business days).",
            ),
            FormField("incident.containment_date", "Contained on", "date"),
            FormField("notice_date", "Letter date", "date"),
            FormField("incident.third_parties", "Who took the data, if known"),
            FormField(
                "incident.law_enforcement_delay",
                "Law enforcement asked us to delay the notice",
                "bool",
            ),
            FormField("incident.data_encrypted", "The exposed data was encrypted", "bool"),
            FormField("incident.key_compromised", "The encryption key was also taken", "bool"),
            FormField("incident.misuse_known", "We have evidence the data was misused", "bool"),
        ),
    ),
    Fieldset(
        "Exposed data",
        (
            FormField(
                "data_types",
                "Exposed data",
                "checkboxes",
                choices=tuple(
                    (d.value, _cap(LABELS.get(d, d.value.replace("_", " ")))) for d in DataType
                ),
            ),
            FormField(
                "data_types_other",
                "Other data, in plain words",
                hint="Needed when 'Other' is ticked.",
            ),
        ),
    ),
    Fieldset(
        "Who is affected",
        (
            FormField(
                "affected",
                "Affected people per residence",
                "residences",
                required=True,
                hint="One per line: residence code and count, e.g. 'US-CA 1200'. Residence codes: US-XX for states, "
                "or a country code (DE, GB).",
            ),
        ),
    ),
    Fieldset(
        "What you did and offer",
        (
            FormField("remediation", "What you did", "lines", hint="One step per line."),
            FormField(
                "services.credit_monitoring.provider",
                "Credit monitoring provider",
                hint="Leave empty if none is offered.",
            ),
            FormField(
                "services.credit_monitoring.months",
                "Months free",
                "number",
                attrs={"min": "1", "max": "120"},
            ),
            FormField("services.credit_monitoring.enrollment_url", "Enrollment URL", "url"),
            FormField(
                "services.credit_monitoring.enrollment_code",
                "Enrollment code",
                hint="Leave empty when each recipient gets their own code in the mail merge.",
            ),
            FormField("services.credit_monitoring.enroll_by", "Enroll by", "date"),
            FormField("services.credit_monitoring.phone", "Enrollment help line", "tel"),
            FormField(
                "services.other",
                "Other services offered",
                "lines",
                hint="One sentence each, one per line.",
            ),
        ),
    ),
    Fieldset(
        "Contacts",
        (
            FormField(
                "contacts.toll_free.number", "Toll-free number", "tel", hint="e.g. 1-888-555-0193"
            ),
            FormField(
                "contacts.toll_free.hours",
                "Call centre hours",
                hint="With time zone, e.g. 'Monday to Friday, 8 a.m. to 8 p.m. Eastern'.",
            ),
            FormField(
                "contacts.phone",
                "Other phone number",
                "tel",
                hint="A number that is not toll-free, e.g. one callable from abroad.",
            ),
            FormField(
                "contacts.phone_hours",
                "Its hours",
                hint="In the callers' local time, e.g. 'Monday to Friday, 9:00 to 17:00 Irish time'.",
            ),
            FormField("contacts.email", "Email for questions", "email"),
            FormField("contacts.website", "Incident web page", "url", hint="https://…"),
            *_address("contacts.postal_address", "Reply-to"),
            FormField(
                "contacts.dpo.name",
                "Data protection officer",
                hint="Name or office; GDPR letters need it.",
            ),
            FormField("contacts.dpo.email", "DPO email", "email"),
            FormField("contacts.dpo.address", "DPO postal address"),
            FormField(
                "contacts.dpo.serves_us_residents",
                "The DPO also answers US residents",
                "bool",
                hint="Tick to name the DPO in US letters too; otherwise only letters outside the US do.",
            ),
        ),
    ),
    Fieldset(
        "Letter",
        (
            FormField("signatory.name", "Signed by"),
            FormField("signatory.title", "Their title"),
            FormField(
                "language",
                "Recipients' language",
                hint="Two-letter code, e.g. en; letters are drafted in en or es.",
            ),
            FormField(
                "recipient_languages",
                "Language per residence",
                "pairs",
                hint="One per line, e.g. 'US-PR es': those recipients get Spanish letters.",
            ),
        ),
    ),
    Fieldset(
        "In Spanish (for Spanish letters)",
        (
            FormField("translations.es.summary", "What happened, in Spanish", "textarea"),
            FormField("translations.es.remediation", "What you did, in Spanish", "lines"),
            FormField("translations.es.third_parties", "Who acquired the data, in Spanish"),
            FormField("translations.es.services_other", "Other services, in Spanish", "lines"),
            FormField("translations.es.data_types_other", "Other data types, in Spanish"),
            FormField("translations.es.phone_hours", "Call-centre hours, in Spanish"),
            FormField("translations.es.signatory_title", "Signatory's title, in Spanish"),
        ),
        hint="Written by someone who can vouch for them: Candor never machine-translates. "
        "Left empty, a Spanish letter shows a visible gap.",
    ),
)

FIELDS: dict[str, FormField] = {f.path: f for fs in FIELDSETS for f in fs.fields}
LABELS_BY_NAME: dict[str, str] = {
    TITLE.path: TITLE.label,
    **{p: f.label for p, f in FIELDS.items()},
    "tone": "Tone",
}


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


def _set(target: dict[str, Any], path: str, value: Any) -> None:
    *parents, leaf = path.split(".")
    for part in parents:
        target = target.setdefault(part, {})
    target[leaf] = value


def _get(data: dict[str, Any], path: str) -> Any:
    for part in path.split("."):
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


def _residences(text: str) -> tuple[dict[str, int], str | None]:
    out: dict[str, int] = {}
    for line in _lines(text):
        parts = line.replace(",", "").replace(":", " ").split()
        if len(parts) != 2 or not parts[1].isdigit():
            return (
                out,
                f"Write each line as a residence code and a number, e.g. 'US-CA 1200' (not '{line}').",
            )
        out[parts[0].upper()] = int(parts[1])
    return out, None


def residence_lines(text: str) -> tuple[dict[str, int], str | None]:
    """'US-CA 1200' lines -> {code: count}, and the message for the first line that is not a code and a number."""
    return _residences(text)


def _raw_value(f: FormField, value: Any) -> tuple[Any, str | None]:
    """The form value converted for the model; (None, None) means "not given"."""
    if f.widget == "checkboxes":
        items = value if isinstance(value, list) else ([value] if value else [])
        return ([v for v in items if v] or None), None
    if f.widget == "bool":
        values = value if isinstance(value, list) else [value]
        return str(values[-1]).lower() in ("true", "on", "1", "yes"), None
    text = (value[-1] if isinstance(value, list) and value else value) or ""
    text = str(text).strip()
    if not text:
        return None, None
    if f.widget == "lines":
        return _lines(text), None
    if f.widget == "residences":
        return _residences(text)
    if f.widget == "pairs":
        return _pairs(text)
    return text, None


def _pairs(text: str) -> tuple[dict[str, str], str | None]:
    """'US-PR es' lines -> {code: value}, and the message for the first line that is not two words."""
    out: dict[str, str] = {}
    for line in _lines(text):
        parts = line.replace(":", " ").split()
        if len(parts) != 2:
            return (
                out,
                f"Write each line as a residence code and a language, e.g. 'US-PR es' (not '{line}').",
            )
        out[parts[0].upper()] = parts[1].lower()
    return out, None


def _only_unticked(group: dict[str, Any]) -> bool:
    return all(_only_unticked(v) if isinstance(v, dict) else v is False for v in group.values())


def _drop_unticked_groups(raw: dict[str, Any]) -> None:
    """Every box sends a hidden "false": an optional group (the DPO) whose only values are
    unticked boxes was left blank, so it is dropped rather than validated half-filled."""
    for group in raw.values():
        if isinstance(group, dict):
            for key in [k for k, v in group.items() if isinstance(v, dict) and _only_unticked(v)]:
                del group[key]


def facts_from_form(
    values: dict[str, Any], *, require_title: bool = True
) -> tuple[IncidentFacts | None, dict[str, str]]:
    """Build IncidentFacts from the form; on failure return field name -> message (first per field).

    Empty fields are left out, so an optional group left blank (an address, the DPO) is absent
    rather than half-filled; a group with some fields filled is validated and its gaps named.
    """
    errors: dict[str, str] = {}
    if require_title and not str(values.get(TITLE.path) or "").strip():
        errors[TITLE.path] = "Give the incident a name so colleagues can find it."
    raw: dict[str, Any] = {}
    for path, f in FIELDS.items():
        if path not in values:
            continue
        value, error = _raw_value(f, values[path])
        if error:
            errors[path] = error
        elif value is not None:
            _set(raw, path, value)
    _drop_unticked_groups(raw)
    if not raw.get("affected") and "affected" not in errors:
        errors["affected"] = (
            "Add at least one residence and count, e.g. 'US-CA 1200': it decides which laws apply."
        )
    try:
        facts = IncidentFacts.model_validate(raw)
    except ValidationError as exc:
        for detail in pydantic_error_details(exc.errors()):
            name = field_for(detail["field"])
            errors.setdefault(name, _friendly(detail["message"]))
        return None, errors
    return (None, errors) if errors else (facts, {})


def field_for(error_path: str) -> str:
    """The form field that shows an error at `error_path` (`remediation[0]`, `affected.XX (key)`).

    `_form` (shown above the form) when no field matches.
    """
    path = error_path.split("[", 1)[0].split(" (key)", 1)[0]
    parts = path.split(".")
    for n in range(len(parts), 0, -1):
        candidate = ".".join(parts[:n])
        if candidate in FIELDS:
            return candidate
        if n == len(
            parts
        ):  # a group's own error (e.g. `signatory` missing a part): its first field
            inside = [p for p in FIELDS if p.startswith(candidate + ".")]
            if inside:
                return inside[0]
    return "_form"


def _friendly(msg: str) -> str:
    msg = _cap(msg)
    return msg if msg.endswith(".") else msg + "."


def form_values(facts: IncidentFacts) -> dict[str, Any]:
    """The form's values for `facts` (for the Edit facts page): the inverse of facts_from_form."""
    data = facts.model_dump(mode="json")
    out: dict[str, Any] = {}
    for path, f in FIELDS.items():
        value = _get(data, path)
        if f.widget == "checkboxes":
            out[path] = list(value or [])
        elif f.widget == "bool":
            out[path] = bool(value)
        elif f.widget == "lines":
            out[path] = "\n".join(value or [])
        elif f.widget in ("residences", "pairs"):
            out[path] = "\n".join(f"{code} {count}" for code, count in (value or {}).items())
        else:
            out[path] = "" if value is None else str(value)
    return out


def new_incident_defaults() -> dict[str, Any]:
    """What a blank new-incident form starts with (the model's defaults)."""
    values = form_values(IncidentFacts.model_validate({"organisation": {"name": "-"}}))
    values["organisation.name"] = ""
    values["tone"] = "plain"
    return values


def form_from_request(form: Any) -> dict[str, Any]:
    """A submitted form (starlette FormData) as name -> value, lists for multi-valued fields.

    A bool field sends a hidden "false" before its checkbox, so the last value wins and an
    unticked box still says "false".
    """
    out: dict[str, Any] = {}
    for key in form:
        values = [v for v in form.getlist(key) if isinstance(v, str)]
        f = FIELDS.get(key)
        out[key] = (
            values
            if f is not None and f.widget in ("checkboxes", "bool")
            else (values[-1] if values else "")
        )
    for path, f in FIELDS.items():
        if f.widget == "checkboxes" and path not in out and f"{path}.__present" in out:
            out[path] = []
    return out


def display_values(values: dict[str, Any]) -> dict[str, Any]:
    """Submitted values as the template shows them again (bool lists -> one bool)."""
    out = dict(values)
    for path, f in FIELDS.items():
        if f.widget == "bool" and isinstance(out.get(path), list):
            out[path] = (
                str(out[path][-1]).lower() in ("true", "on", "1", "yes") if out[path] else False
            )
    return out


def _norm(f: FormField, value: Any) -> Any:
    """A value in a form comparable across facts versions and submissions."""
    if f.widget == "checkboxes":
        return tuple(sorted(value or []))
    if f.widget == "bool":
        if isinstance(value, list):
            return bool(value) and str(value[-1]).lower() in ("true", "on", "1", "yes")
        return bool(value)
    text = str(value or "").replace("\r\n", "\n").strip()
    if f.widget in ("lines", "residences", "pairs"):
        return "\n".join(" ".join(line.split()) for line in _lines(text))
    return text


def shown(f: FormField, value: Any) -> str:
    """A value as one line of text for the conflict table."""
    v = _norm(f, value)
    if f.widget == "bool":
        return "yes" if v else "no"
    if f.widget == "checkboxes":
        labels = dict(f.choices)
        return ", ".join(labels.get(x, x) for x in v) or "(none)"
    return str(v).replace("\n", "; ") or "(empty)"


def merge_values(
    base: dict[str, Any], theirs: dict[str, Any], mine: dict[str, Any]
) -> tuple[dict[str, Any], list[dict[str, str]], list[dict[str, str]]]:
    """Field-by-field three-way merge of a stale facts form.

    A field only they changed takes their value; a field only you changed keeps yours; a field
    both changed differently keeps yours and is listed, with their value, so nothing of theirs
    is overwritten unseen. Returns (values for the form, fields taken from theirs, fields both changed).
    """
    merged = dict(mine)
    taken: list[dict[str, str]] = []
    both: list[dict[str, str]] = []
    for path, f in FIELDS.items():
        b, t, m = _norm(f, base.get(path)), _norm(f, theirs.get(path)), _norm(f, mine.get(path))
        if t == b or t == m:
            continue
        row = {
            "path": path,
            "label": f.label,
            "theirs": shown(f, theirs.get(path)),
            "mine": shown(f, mine.get(path)),
        }
        if m == b:
            merged[path] = theirs.get(path)
            taken.append(row)
        else:
            both.append(row)
    return merged, taken, both
