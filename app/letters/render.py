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
from types import MethodType
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, TemplateError
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment

from app.core.errors import RuleLoadError
from app.letters.context import TONES, Contact, LetterContext, Monitoring, Step
from app.letters.timeline import Timeline

# The letter's own data records (frozen dataclasses) and their field names: what templates read
# most (a letter reads about seventy of these fields per render).
_RECORD_FIELDS: dict[type, frozenset[str]] = {
    cls: frozenset(f.name for f in fields(cls))
    for cls in (LetterContext, Contact, Step, Monitoring, Timeline)
}
assert not any(n.startswith("_") for names in _RECORD_FIELDS.values() for n in names)

_PURE_METHODS = {LetterContext: frozenset({"shows"})}
"""The records' methods templates call (`ctx.shows('element')`, a dozen times per letter): each
only reads its record, takes plain arguments, is neither marked `unsafe` nor `alters_data`, and
takes no Jinja context."""
_PURE_FUNCTIONS = frozenset(
    getattr(cls, name) for cls, names in _PURE_METHODS.items() for name in names
)


class LetterSandbox(SandboxedEnvironment):
    """Jinja's sandbox, with a short path for reading a field of the letter's own records.

    Why: the sandbox vets every attribute read (is the object a function, a method, a type, a
    frame, a generator...? is the attribute private? is the value `str.format`?), which cost about
    half of a letter's render. For an instance of one of the records above, reading one of its
    dataclass fields whose value is not callable, every one of those tests has a known answer:
    the object is none of those kinds, the field name does not start with `_`, and only a
    callable can be `str.format`. Such a read returns the value as the sandbox would; every
    other read (methods such as `ctx.shows`, private names, other objects) goes through the
    sandbox's own checks unchanged (tests/letters/test_context_contract.py compares the two).

    The same holds for the records' pure methods (`_PURE_METHODS`): reading one gives the bound
    method, as the sandbox would, and calling it needs none of the sandbox's and Jinja's tests
    (is it marked unsafe? does it alter data? does it take the context?), whose answers are known
    and which cost a third of a letter's render (each looks up attributes a method lacks).
    """

    def getattr(self, obj: Any, attribute: str) -> Any:
        """`obj.attribute` in a template: a record's plain field or pure method directly, all
        else vetted."""
        names = _RECORD_FIELDS.get(type(obj))
        if names is not None:
            if attribute in names:
                value = getattr(obj, attribute)
                if not callable(value):
                    return value
            elif attribute in _PURE_METHODS.get(type(obj), ()):
                return getattr(obj, attribute)
        return super().getattr(obj, attribute)

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        """A call in a template: a record's pure method directly, all else vetted."""
        if type(__obj) is MethodType and __obj.__func__ in _PURE_FUNCTIONS:
            kwargs.pop("_block_vars", None)  # (Jinja passes a block's or loop's names along)
            kwargs.pop("_loop_vars", None)
            return __obj(*args, **kwargs)
        return super().call(__context, __obj, *args, **kwargs)


@lru_cache(maxsize=8)
def letter_environment(templates_dir: str) -> LetterSandbox:
    """One sandboxed environment per templates folder (compiled templates are cached in it).

    `auto_reload` is off: the templates are validated at start-up (`validate_templates`), so what
    renders is what was validated, and a draft does not stat its template files (the tone's and
    the base it extends) on every render. A changed template takes effect on restart.
    """
    return LetterSandbox(
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
    """Top-level template variables: each LetterContext field, plus `ctx` for `ctx.shows(...)`.

    A LetterContext's instance dictionary holds exactly its fields (a plain frozen dataclass:
    no slots, no cached properties; tests/letters/test_context_contract.py checks it), so it is
    copied in one step rather than read field by field."""
    out: dict[str, object] = dict(ctx.__dict__)
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
