"""`candor draft FACTS.json [--channel C] [--language en|es] --tone TONE [--jurisdiction CODE[+CODE…]] [--format text|html]`.

Prints one artifact: the letter (default), the e-mail, the website posting, the call-centre FAQ,
a regulator notice (`--jurisdiction` names the law whose regulator it goes to) or the press
statement, in English or Spanish, all drafted from the same facts (app/letters/artifacts.py).
A letter variant that serves several laws is named as `candor obligations` prints it
(`US-CA+US-NY+US-TX`), so the letter drafted here is the one those residents are sent.
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
        help="Letter variant: a jurisdiction code, or several joined by + as `candor obligations` "
        "lists variants (default US-GENERIC); for --channel regulator, the one law whose regulator "
        "gets the notice (required).",
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
    from app.domain.channels import drafting_language, language_warning, letter_languages
    from app.letters.artifacts import draft_artifact

    facts = common.read_facts(args.facts)
    s = common.settings()
    rb = common.rulebook(s)
    if args.channel == "regulator" and not args.jurisdiction:
        raise CliError(
            "--jurisdiction: a regulator notice needs the law whose regulator gets it, e.g. US-MA"
        )
    codes = (args.jurisdiction or "US-GENERIC").split("+")
    unknown = [c for c in codes if c not in rb.jurisdictions]
    if unknown or len(set(codes)) != len(codes):
        what = f"unknown code {unknown[0]!r}" if unknown else "a code is repeated"
        raise CliError(
            f"--jurisdiction: {what}; give one code or several joined by +; known: "
            f"{', '.join(sorted(rb.jurisdictions))}"
        )
    if args.channel == "regulator" and len(codes) != 1:
        raise CliError(
            "--jurisdiction: a regulator notice is for one law; give one code, e.g. US-MA"
        )
    language = args.language
    if language is None:
        wanted = letter_languages(facts, codes)
        if len(wanted) > 1:
            raise CliError(
                "--language: this variant's recipients read "
                + " and ".join(f"{lang} ({', '.join(where)})" for lang, where in wanted.items())
                + "; draft each with --language"
            )
        ((lang, where),) = wanted.items()
        language = drafting_language(lang)
        warning = language_warning(lang, where)
        if warning:
            print(f"warning: {warning}", file=sys.stderr)
    letter = draft_artifact(
        facts,
        rb,
        require_dir(s, "TEMPLATES_DIR"),
        tone=args.tone,
        channel=args.channel,
        language=language,
        jurisdictions=codes,
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
