"""Letters in another language: the facts' free text in that language, and the words Python supplies.

Why here: the templates and content.yml of a language (templates/letters/es/) hold every word a
writer chose; a few words come from code in build_context (the title, "12,400 people",
"personal information") and the responder's own sentences come from the facts. This module
swaps both for the language's versions, so the Spanish letter has no English left in it. A
missing translation is the visible `[[missing: translations.es...]]` marker, never English text.
"""

from __future__ import annotations

import dataclasses

from app.domain.facts import IncidentFacts
from app.letters.content import REGISTER, load_content, render_text
from app.letters.context import LetterContext, missing

# Words build_context writes in English, per language.
WORDS = {
    "es": {
        "title_ca": "Aviso de violación de datos (Notice of Data Breach)",
        "title": "Aviso de una violación de datos en {org}",
        "people": "{n:,} personas",
        "personal_information": "información personal",
        "personal_data": "datos personales",
    }
}


def facts_in(facts: IncidentFacts, language: str) -> IncidentFacts:
    """The facts with their free text in `language` (a missing translation becomes its marker)."""
    if language == "en":
        return facts
    tr = facts.translations.get(language)

    def text(name: str, original: str | None) -> str | None:
        if not original:
            return original
        value = getattr(tr, name, None) if tr else None
        return value or missing(f"translations.{language}.{name}")

    def items(name: str, original: list[str]) -> list[str]:
        if not original:
            return original
        value = getattr(tr, name, None) if tr else None
        return list(value) if value else [missing(f"translations.{language}.{name}")]

    incident = facts.incident.model_copy(
        update={
            "summary": text("summary", facts.incident.summary),
            "third_parties": text("third_parties", facts.incident.third_parties),
        }
    )
    contacts = facts.contacts
    if contacts.toll_free and contacts.toll_free.hours:
        contacts = contacts.model_copy(
            update={
                "toll_free": contacts.toll_free.model_copy(
                    update={"hours": text("phone_hours", contacts.toll_free.hours)}
                )
            }
        )
    signatory = facts.signatory
    if signatory and tr and tr.signatory_title:
        signatory = signatory.model_copy(update={"title": tr.signatory_title})
    return facts.model_copy(
        update={
            "incident": incident,
            "remediation": items("remediation", facts.remediation),
            "services": facts.services.model_copy(
                update={"other": items("services_other", facts.services.other)}
            ),
            "data_types_other": text("data_types_other", facts.data_types_other),
            "contacts": contacts,
            "signatory": signatory,
        }
    )


def localise(
    ctx: LetterContext, facts: IncidentFacts, language: str, templates_dir: str
) -> LetterContext:
    """Replace the words build_context wrote in English with the language's own (`templates_dir`:
    the language's letters folder, whose content.yml names the supervisory authorities)."""
    if language == "en":
        return ctx
    w = WORDS[language]
    total = facts.total_affected
    content = load_content(templates_dir)
    codes = ctx.jurisdiction.split("+")
    named = [c for c in codes if c in content.authority_names]
    authorities = ctx.authorities
    complaint = ctx.complaint_right
    if authorities and len(named) == len(
        authorities
    ):  # the same codes build_context found, in order
        authorities = tuple(
            dataclasses.replace(a, name=content.authority_names[c])
            for a, c in zip(authorities, named, strict=True)
        )
        template = getattr(content.complaint_right, REGISTER[ctx.tone])
        complaint = tuple(
            render_text(templates_dir, template, {"authority": a}) for a in authorities
        )
    return dataclasses.replace(
        ctx,
        authorities=authorities,
        complaint_right=complaint,
        title=w["title_ca"] if ctx.ca_format else w["title"].format(org=ctx.org_name),
        affected_count=w["people"].format(n=total) if total else ctx.affected_count,
        personal_data=w["personal_data"]
        if ctx.personal_data == "personal data"
        else w["personal_information"],
    )
