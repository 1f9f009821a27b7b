"""Render letters from templates/letters/ in Jinja's sandbox with StrictUndefined.

A template that names an unknown variable fails loudly instead of printing an empty string
(in a legal letter that would be a compliance bug). User-editable templates can do no more
than the sandbox allows.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields
from functools import lru_cache
from pathlib import Path

from jinja2 import FileSystemLoader, StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from app.core.errors import RuleLoadError
from app.letters.context import TONES, LetterContext


@lru_cache(maxsize=8)
def letter_environment(templates_dir: str) -> SandboxedEnvironment:
    """One sandboxed environment per templates folder (compiled templates are cached in it).

    `auto_reload` is off: the templates are validated at start-up (`validate_templates`), so what
    renders is what was validated, and a draft does not stat its template files (the tone's and
    the base it extends) on every render. A changed template takes effect on restart.
    """
    return SandboxedEnvironment(
        loader=FileSystemLoader(templates_dir),
        auto_reload=False,
        undefined=StrictUndefined,
        autoescape=False,  # Markdown text; HTML output escapes in app/letters/markup.py.
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def template_name(tone: str) -> str:
    """File name of a tone's template."""
    return f"{tone}.md.j2"


def validate_templates(templates_dir: Path) -> None:
    """Compile every tone template and load content.yml at start-up; an error stops the service with `file: reason`."""
    from app.letters.content import load_content

    load_content(str(templates_dir))
    env = letter_environment(str(templates_dir))
    for tone in TONES:
        try:
            env.get_template(template_name(tone))
        except TemplateError as exc:
            raise RuleLoadError(f"{templates_dir / template_name(tone)}: template: {exc}") from None


def context_vars(ctx: LetterContext) -> dict[str, object]:
    """Top-level template variables: each LetterContext field, plus `ctx` for `ctx.shows(...)`."""
    out: dict[str, object] = {f.name: getattr(ctx, f.name) for f in fields(ctx)}
    out["ctx"] = ctx
    return out


_LIST_ITEM = re.compile(r"^(?:[-*] |\d+\. )")


def tidy(text: str) -> str:
    """Normalise Markdown layout so output does not depend on template whitespace.

    Each heading and each text line becomes its own block; consecutive list items stay one
    list; a line ending in two spaces (a hard break) stays with the next line. Blocks are
    separated by exactly one blank line.
    """
    blocks: list[list[str]] = []
    joining = False
    last_item = False  # the last line kept is a list item
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line:
            joining = False
            continue
        hard_break = raw.endswith("  ")
        is_item = _LIST_ITEM.match(line) is not None
        kept = line + "  " if hard_break else line
        if joining or (is_item and last_item):
            blocks[-1].append(kept)
        else:
            blocks.append([kept])
        joining = hard_break
        last_item = is_item
    return "\n\n".join("\n".join(b) for b in blocks) + "\n"


def render_letter(ctx: LetterContext, templates_dir: Path) -> str:
    """The letter text (Markdown) for one context."""
    env = letter_environment(str(templates_dir))
    return tidy(env.get_template(template_name(ctx.tone)).render(context_vars(ctx)))


@dataclass(frozen=True)
class RenderedLetter:
    """A rendered letter with what it was rendered from."""

    text: str
    tone: str
    jurisdiction: str
    template: str

    def as_dict(self) -> dict[str, str]:
        """JSON-friendly form."""
        return asdict(self)
