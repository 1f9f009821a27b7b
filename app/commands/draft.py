"""`candor draft FACTS.json [--channel C] [--language en|es] --tone TONE [--jurisdiction CODE] [--format text|html]`.

Prints one artifact: the letter (default), the e-mail, the website posting, the call-centre FAQ,
a regulator notice (`--jurisdiction` names the law whose regulator it goes to) or the press
statement, in English or Spanish, all drafted from the same facts (app/letters/artifacts.py).
"""

from __future__ import annotations

import argparse
import sys

from app.cli import CliError
from app.commands import common
from app.core.config import require_dir
from app.domain.channels import CHANNELS, LANGUAGES
from app.letters.context import TONES


def register(subs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `draft` sub-command."""
    p = subs.add_parser(
        "draft", help="Draft a letter (or another channel's notice) from incident facts."
    )
    p.add_argument("facts", help="Incident facts JSON file, or - for standard input.")
    p.add_argument("--tone", choices=TONES, default="plain")
    p.add_argument(
        "--jurisdiction",
        default=None,
        help="Letter variant's jurisdiction code (default US-GENERIC); for --channel regulator, the law "
        "whose regulator gets the notice (required).",
    )
    p.add_argument(
        "--channel",
        choices=CHANNELS,
        default="letter",
        help="Which artifact: letter (default), email, website, faq, regulator or press.",
    )
    p.add_argument(
        "--language",
        choices=LANGUAGES,
        default=None,
        help="en or es (default: the recipients' language from the facts, for the jurisdiction's residents).",
    )
    p.add_argument(
        "--format",
        choices=("text", "html", "eml"),
        default="text",
        help="text, html, or eml (the e-mail artifact as an RFC 5322 message, DRAFT in the subject).",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the drafted artifact."""
    from app.domain.channels import drafting_language, language_warning, residence_language
    from app.letters.artifacts import draft_artifact

    facts = common.read_facts(args.facts)
    s = common.settings()
    rb = common.rulebook(s)
    if args.channel == "regulator" and not args.jurisdiction:
        raise CliError(
            "--jurisdiction: a regulator notice needs the law whose regulator gets it, e.g. US-MA"
        )
    jurisdiction = args.jurisdiction or "US-GENERIC"
    if jurisdiction not in rb.jurisdictions:
        raise CliError(
            f"--jurisdiction: unknown code {jurisdiction!r}; known: {', '.join(sorted(rb.jurisdictions))}"
        )
    language = args.language
    if language is None:
        wanted = residence_language(facts, jurisdiction)
        language = drafting_language(wanted)
        warning = language_warning(wanted, [jurisdiction])
        if warning:
            print(f"warning: {warning}", file=sys.stderr)
    letter = draft_artifact(
        facts,
        rb,
        require_dir(s, "TEMPLATES_DIR"),
        tone=args.tone,
        channel=args.channel,
        language=language,
        jurisdiction=jurisdiction,
    )
    if args.format == "eml":
        if args.channel != "email":
            raise CliError("--format eml: only for --channel email")
        from app.export.email import to_bytes
        from app.export.email_artifact import email_message

        sys.stdout.buffer.write(to_bytes(email_message(letter.text, facts.organisation.name)))
        return 0
    if args.format == "html":
        from app.letters.markup import to_html

        print(to_html(letter.text))
    else:
        print(letter.text, end="")
    return 0
