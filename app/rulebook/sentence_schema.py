r"""Schema of `kind: sentence_pattern`: a phrase judged inside its sentence.

Why a kind of its own: downplaying is a matter of who says what about what. "You may have been
affected" hedges; "you may want to place a freeze" advises; "we may contact you" is about
something else; "if you think your information may have been misused, call us" is a
condition, not a hedge. A bare phrase list cannot tell these apart, and windows like
`[^.]{0,80}` break on "Inc." or a wrapped line. This kind matches its patterns inside one
sentence (as segmented by app/checks/text.py) and then asks the sentence:

* `sentence_requires`: every one of these must also occur in the sentence (any word order:
  "no indication ... misused" and "misuse ... we are not aware of");
* `sentence_excludes`: none of these may occur in it (a same-sentence warning, an advice frame);
* `not_preceded_by`: the sentence text before the match must not end like this (anchored with
  `$`: the subject or frame just before the words, e.g. an open `if` clause);
* `not_followed_by`: the text after the match must not start like this (anchored with `^`).

Every pattern is a rule regex (`%{NAME}` macros expanded, compiled at load); a `rewrite` may
use the pattern's groups (`\g<verb>`), and a group it names must exist. The optional `family`
names the downplaying category the corpus report counts (docs/rule-format.md).
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from app.rulebook.common import (
    RegexText,
    RuleHeader,
    StrictModel,
    check_placeholders,
    compile_regex,
)

_GROUP_REF = re.compile(r"\\g<([^>]+)>|\\(\d+)")


class SentenceMatch(StrictModel):
    """One pattern, with the rewrite it suggests (optional)."""

    match: RegexText = Field(min_length=1, description="Regex; `%{NAME}` macros allowed.")
    rewrite: str | None = Field(
        None, description="Replacement for the matched words; may use `\\g<name>` groups."
    )


class SentencePattern(RuleHeader):
    """`kind: sentence_pattern` — patterns matched inside one sentence, with sentence-level conditions."""

    kind: Literal["sentence_pattern"]
    family: str = Field(
        "", description="Category the corpus report counts (e.g. hedge, no_evidence)."
    )
    ignorecase: bool = True
    macros: dict[str, str] = Field(
        default_factory=dict, description="Named regex fragments, used as %{NAME}."
    )
    patterns: list[SentenceMatch | str] = Field(min_length=1)
    sentence_requires: list[RegexText] = Field(default_factory=list)
    sentence_excludes: list[RegexText] = Field(default_factory=list)
    not_preceded_by: list[RegexText] = Field(default_factory=list)
    not_followed_by: list[RegexText] = Field(default_factory=list)

    @field_validator("family")
    @classmethod
    def _family_id(cls, value: str) -> str:
        if value and not re.fullmatch(r"[a-z][a-z0-9_]*", value):
            raise ValueError(f"family {value!r} must be lower_snake_case")
        return value

    @model_validator(mode="after")
    def _expand_and_validate(self) -> SentencePattern:
        from app.rulebook.schema import expand_macros

        if not self.message:
            raise ValueError("message: required; say what to change")
        check_placeholders(self.message, {"match", "suggestion"})
        for name, frag in self.macros.items():
            if not re.fullmatch(r"[A-Z][A-Z0-9_]*", name):
                raise ValueError(f"macros.{name}: macro names are UPPER_SNAKE_CASE")
            _compile(f"macros.{name}", frag, self.ignorecase)

        def expand(field: str, pattern: str) -> str:
            try:
                full = expand_macros(pattern, self.macros)
            except ValueError as exc:
                raise ValueError(f"{field}: {exc}") from None
            _compile(field, full, self.ignorecase)
            return full

        patterns: list[SentenceMatch] = []
        for i, item in enumerate(self.patterns):
            entry = SentenceMatch(match=item) if isinstance(item, str) else item
            full = expand(f"patterns.{i}.match", entry.match)
            if entry.rewrite is not None:
                _check_rewrite(
                    f"patterns.{i}.rewrite",
                    entry.rewrite,
                    compile_regex(full, ignorecase=self.ignorecase),
                )
            patterns.append(entry.model_copy(update={"match": full}))
        if "{suggestion}" in self.message and any(p.rewrite is None for p in patterns):
            raise ValueError("message: uses {suggestion}, so every pattern needs a `rewrite`")
        update: dict[str, object] = {"patterns": patterns}
        for key, anchor in (
            ("sentence_requires", None),
            ("sentence_excludes", None),
            ("not_preceded_by", "$"),
            ("not_followed_by", "^"),
        ):
            out = []
            for i, pat in enumerate(getattr(self, key)):
                full = expand(f"{key}.{i}", pat)
                if anchor == "$" and not full.endswith("$"):
                    raise ValueError(
                        f"{key}.{i}: must end with $ (it is matched against the words just before the match)"
                    )
                if anchor == "^" and not full.startswith("^"):
                    raise ValueError(
                        f"{key}.{i}: must start with ^ (it is matched against the words just after the match)"
                    )
                out.append(full)
            update[key] = out
        for key, value in update.items():
            object.__setattr__(self, key, value)
        return self


def _compile(field: str, pattern: str, ignorecase: bool) -> re.Pattern[str]:
    try:
        return compile_regex(pattern, ignorecase=ignorecase)
    except ValueError as exc:
        raise ValueError(f"{field}: {exc}") from None


def _check_rewrite(field: str, rewrite: str, pattern: re.Pattern[str]) -> None:
    """A rewrite may only name groups its pattern has (caught at load, not at the first match)."""
    for m in _GROUP_REF.finditer(rewrite):
        name, number = m.group(1), m.group(2)
        ref = name if name is not None else number
        if ref.isdigit():
            if int(ref) > pattern.groups:
                raise ValueError(
                    f"{field}: group {ref} does not exist; the pattern has {pattern.groups}"
                )
        elif ref not in pattern.groupindex:
            raise ValueError(
                f"{field}: group {ref!r} does not exist; named groups: {', '.join(pattern.groupindex) or 'none'}"
            )
