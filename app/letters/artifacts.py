"""Draft any artifact of an incident — letter, e-mail, website, FAQ, regulator notice, press
statement — in English or Spanish, from the same facts and the same LetterContext.

Why one path: the e-mail, the website posting and the FAQ drift from the letter when written by
hand (a date in the FAQ differs from the letter). Here every channel renders from the context
the letter is built from (app/letters/context.py), plus a few channel fields (ChannelExtras),
so a fact can only be stated one way. Templates: the letter's in `templates/letters/` (Spanish:
`templates/letters/es/`), the other channels' in `templates/channels/<language>/<channel>.md.j2`,
all in the same Jinja sandbox with StrictUndefined.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from jinja2 import TemplateError

from app.core.config import PROJECT_ROOT
from app.core.errors import InvalidInput, RuleLoadError
from app.domain.channels import CHANNELS, DEFAULT_LANGUAGE, LANGUAGES
from app.domain.facts import IncidentFacts
from app.letters.context import LetterContext, Step, build_context, fmt_date, missing
from app.letters.localise import facts_in, localise
from app.letters.render import RenderedLetter, context_vars, letter_environment, tidy
from app.letters.render import template_name as letter_template
from app.rulebook.loader import Rulebook

BUNDLED_CHANNELS = PROJECT_ROOT / "templates" / "channels"
BUNDLED_LETTERS = PROJECT_ROOT / "templates" / "letters"

# HHS breach portal "type of breach" for each cause category (45 CFR 164.408 report form; the
# portal's "Hacking/IT Incident" is printed as "Hacking").
HHS_BREACH_TYPES = {
    "ransomware": "Hacking",
    "phishing": "Hacking",
    "hacking": "Hacking",
    "malware": "Hacking",
    "credential_stuffing": "Hacking",
    "misconfiguration": "Unauthorized access/disclosure",
    "misdirected_communication": "Unauthorized access/disclosure",
    "insider": "Unauthorized access/disclosure",
    "vendor": "Unauthorized access/disclosure",
    "lost_device": "Loss",
    "stolen_device": "Theft",
    "physical": "Theft",
}


@dataclass(frozen=True)
class RegulatorNotice:
    """One regulator obligation as the regulator notice prints it."""

    jurisdiction: str = field(metadata={"help": "The law's code, e.g. US-MA."})
    recipient: str = field(metadata={"help": "Who receives it, from the rule file's deadline."})
    citation: str = field(metadata={"help": "The statute or regulation that asks for it."})
    due: str = field(metadata={"help": "Due date as text, or empty when the law gives no number."})
    deadline: str = field(metadata={"help": "The deadline in the law's words."})
    residents: str = field(
        metadata={"help": "'3,100 residents of Massachusetts': the people this notice concerns."}
    )
    form: str = field(metadata={"help": "hhs, gdpr or state: which regulator fields to print."})
    breach_type: str = field(metadata={"help": "HHS 'type of breach' (HHS notices), else empty."})
    phone: str = field(metadata={"help": "The contact person's phone number."})


@dataclass(frozen=True)
class ChannelExtras:
    """Fields channel templates get besides the LetterContext's (the template contract)."""

    channel: str = field(metadata={"help": "letter, email, website, faq, regulator or press."})
    language: str = field(metadata={"help": "en or es."})
    notice_url: str = field(
        metadata={
            "help": "Where the full notice is posted (contacts.website), or the missing marker."
        }
    )
    public_steps: tuple[Step, ...] = field(
        metadata={
            "help": "The letter's steps with per-recipient codes replaced: for public artifacts."
        }
    )
    regulator: RegulatorNotice | None = field(
        metadata={"help": "The regulator obligation (regulator channel), else None."}
    )
    call_numbers: str = field(
        metadata={
            "help": "The number(s) to call as one phrase: the toll-free number in US texts; elsewhere the "
            "international number first, the toll-free one for North America after it."
        }
    )


def documented_channel_fields() -> set[str]:
    """Names channel templates may use: the letter's plus ChannelExtras'."""
    from app.letters.context import documented_fields

    return documented_fields() | {f.name for f in dataclasses.fields(ChannelExtras)}


@dataclass(frozen=True)
class RenderedArtifact(RenderedLetter):
    """A rendered artifact with its channel and language."""

    channel: str = "letter"
    language: str = DEFAULT_LANGUAGE


def letters_dir(templates_dir: Path, language: str) -> Path:
    """The letter templates of a language: `templates_dir` (English) or its `<language>/` folder,
    falling back to Candor's own when a custom templates folder has no such language."""
    if language == DEFAULT_LANGUAGE:
        return Path(templates_dir)
    own = Path(templates_dir) / language
    return own if own.is_dir() else BUNDLED_LETTERS / language


def channels_dir(templates_dir: Path, language: str) -> Path:
    """The channel templates of a language: `templates/channels/<language>/` beside the letters folder,
    else Candor's own."""
    own = Path(templates_dir).parent / "channels" / language
    return own if own.is_dir() else BUNDLED_CHANNELS / language


def channel_template(channel: str) -> str:
    """File name of a channel's template."""
    return f"{channel}.md.j2"


def validate_artifact_templates(templates_dir: Path) -> None:
    """Compile every language's letter templates and every channel template at start-up."""
    from app.letters.content import load_content
    from app.letters.render import validate_templates

    for language in LANGUAGES:
        if language != DEFAULT_LANGUAGE:
            validate_templates(letters_dir(templates_dir, language))
            load_content(str(letters_dir(templates_dir, language)))
        folder = channels_dir(templates_dir, language)
        env = letter_environment(str(folder))
        for channel in CHANNELS[1:]:
            try:
                env.get_template(channel_template(channel))
            except TemplateError as exc:
                raise RuleLoadError(
                    f"{folder / channel_template(channel)}: template: {exc}"
                ) from None


def _public(steps: tuple[Step, ...], code: str, instead: str) -> tuple[Step, ...]:
    """Steps without the per-recipient activation code (website, FAQ, regulator copies)."""
    if not code:
        return steps
    return tuple(
        dataclasses.replace(
            s, title=s.title.replace(code, instead), detail=s.detail.replace(code, instead)
        )
        for s in steps
    )


CALL_ABROAD = {
    "en": "{intl} (from the US and Canada, free of charge: {toll})",
    "es": "{intl} (desde Estados Unidos y Canadá, gratis: {toll})",
}


def call_numbers(ctx: LetterContext, language: str) -> str:
    """The number(s) a channel text prints: outside the US, a number callable from abroad comes first."""
    if ctx.us or not ctx.intl_phone:
        return ctx.toll_free
    return CALL_ABROAD[language].format(intl=ctx.intl_phone, toll=ctx.toll_free)


PUBLIC_CODE = {"en": "the code in your letter", "es": "el código de su carta"}


def regulator_notice(
    facts: IncidentFacts, rulebook: Rulebook, code: str, *, today: date, language: str, style: str
) -> RegulatorNotice:
    """The regulator obligation `code`'s law asks for; InvalidInput when it asks for none."""
    from app.domain.obligations import obligations_report
    from app.domain.regions import residence_name

    report = obligations_report(facts, rulebook, today)
    wanted = [
        o for o in report.obligations if o.jurisdiction == code and o.obligation == "regulator"
    ]
    if not wanted:
        owed = sorted({o.jurisdiction for o in report.obligations if o.obligation == "regulator"})
        raise InvalidInput(
            f"No regulator notice is required under {code} for these facts; "
            f"regulator notices are owed under: {', '.join(owed) or 'none'}.",
            details=[
                {"field": "jurisdiction", "message": f"use one of: {', '.join(owed) or 'none'}"}
            ],
        )
    o = wanted[0]
    rule = rulebook.jurisdiction(code)
    form = (
        "hhs" if code.startswith("US-HIPAA") else ("gdpr" if not code.startswith("US") else "state")
    )
    place = residence_name(code) if code in facts.affected else rule.name
    count = f"{o.affected:,}"
    # GDPR Art. 33(3)(a) asks for the approximate number of data subjects concerned.
    words = {
        "en": {
            "state": "{n} residents of {place}",
            "gdpr": "{n} data subjects",
            "hhs": "{n} people",
        },
        "es": {
            "state": "{n} residentes de {place}",
            "gdpr": "{n} interesados",
            "hhs": "{n} personas",
        },
    }
    residents = words[language][form].format(n=count, place=place)
    c = facts.contacts
    phone = (c.phone or (c.toll_free.number if c.toll_free else None)) or missing("contacts.phone")
    return RegulatorNotice(
        jurisdiction=code,
        recipient=o.recipient,
        citation=o.citation,
        due=fmt_date(o.due, "", style) if o.due else "",
        deadline=o.deadline,
        residents=residents,
        form=form,
        breach_type=HHS_BREACH_TYPES.get(facts.incident.cause.value, "")
        if form == "hhs" and facts.incident.cause
        else "",
        phone=phone,
    )


def draft_artifact(
    facts: IncidentFacts,
    rulebook: Rulebook,
    templates_dir: Path,
    *,
    tone: str,
    channel: str = "letter",
    language: str = DEFAULT_LANGUAGE,
    jurisdiction: str | None = None,
    jurisdictions: list[str] | None = None,
    today: date | None = None,
) -> RenderedArtifact:
    """Render one artifact for a variant (or, for `regulator`, one jurisdiction's regulator notice)."""
    if channel not in CHANNELS:
        raise InvalidInput(f"Unknown channel {channel!r}; use one of {', '.join(CHANNELS)}.")
    if language not in LANGUAGES:
        raise InvalidInput(f"Unknown language {language!r}; use one of {', '.join(LANGUAGES)}.")
    codes = list(jurisdictions or ([jurisdiction] if jurisdiction else []))
    ldir = letters_dir(templates_dir, language)
    local = facts_in(facts, language)
    regulator = None
    if channel == "regulator":
        if len(codes) != 1:
            raise InvalidInput("A regulator notice is for one jurisdiction: give exactly one code.")
        code = codes[0]
        style = "es" if language == "es" else ("mdy" if code.startswith("US") else "dmy")
        regulator = regulator_notice(
            facts,
            rulebook,
            code,
            today=today or facts.notice_date or date.today(),
            language=language,
            style=style,
        )
        # The regulator reads the whole record: the description, the count and every remediation
        # step, even where the residents' letter may not state them (Massachusetts).
        codes = ["US-GENERIC"] if code.startswith("US") else [code]
    ctx = build_context(local, rulebook, jurisdictions=codes, tone=tone, templates_dir=ldir)
    ctx = localise(ctx, facts, language, str(ldir))
    if channel == "letter":
        env = letter_environment(str(ldir))
        name = letter_template(tone)
        text = tidy(env.get_template(name).render(context_vars(ctx)))
    else:
        folder = channels_dir(templates_dir, language)
        env = letter_environment(str(folder))
        name = channel_template(channel)
        extras = ChannelExtras(
            channel=channel,
            language=language,
            notice_url=ctx.website or missing("contacts.website"),
            public_steps=_public(
                ctx.steps, ctx.monitoring.code if ctx.monitoring else "", PUBLIC_CODE[language]
            ),
            regulator=regulator,
            call_numbers=call_numbers(ctx, language),
        )
        variables = context_vars(ctx) | {
            f.name: getattr(extras, f.name) for f in dataclasses.fields(extras)
        }
        text = tidy(env.get_template(name).render(variables))
    return RenderedArtifact(
        text=text,
        tone=tone,
        jurisdiction=regulator.jurisdiction if regulator else ctx.jurisdiction,
        template=name if channel == "letter" else f"{language}/{name}",
        channel=channel,
        language=language,
    )


def context_for(
    facts: IncidentFacts,
    rulebook: Rulebook,
    templates_dir: Path,
    *,
    tone: str,
    jurisdictions: list[str],
    language: str = DEFAULT_LANGUAGE,
) -> LetterContext:
    """The LetterContext a letter in `language` is rendered from (for tests and the merge)."""
    local = facts_in(facts, language)
    ctx = build_context(
        local,
        rulebook,
        jurisdictions=jurisdictions,
        tone=tone,
        templates_dir=letters_dir(templates_dir, language),
    )
    return localise(ctx, facts, language, str(letters_dir(templates_dir, language)))
