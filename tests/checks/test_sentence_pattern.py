"""`kind: sentence_pattern`: matches judged inside their sentence; bad rule files refused at load."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.checks.context import CheckContext
from app.checks.engine import run_rule
from app.checks.text import segment
from app.core.config import PROJECT_ROOT
from app.core.errors import RuleLoadError
from app.rulebook.loader import load_rulebook

RULES = PROJECT_ROOT / "rules"


def _load_with(tmp_path: Path, body: str):  # type: ignore[no-untyped-def]
    root = tmp_path / "rules"
    shutil.copytree(RULES, root)
    (root / "empathy" / "probe.yml").write_text(body)
    return load_rulebook(root)


def _error(tmp_path: Path, body: str) -> str:
    with pytest.raises(RuleLoadError) as exc:
        _load_with(tmp_path, body)
    return exc.value.message


def _run(rb, rid: str, text: str):  # type: ignore[no-untyped-def]
    return run_rule(rid, rb.rules[rid], CheckContext(doc=segment(text), rulebook=rb))


PROBE = """kind: sentence_pattern
family: probe
message: "'{match}': write '{suggestion}'."
macros: {V: 'accessed|viewed'}
patterns:
  - match: '\\bmay have (?P<verb>%{V})\\b'
    rewrite: '\\g<verb>'
sentence_requires: ['\\b(?:files?|records?)\\b']
sentence_excludes: ['\\bbut we cannot\\b']
not_preceded_by: ['\\bif\\b[^,;]*$']
not_followed_by: ['^nothing\\b']
examples: {flag: ["They may have accessed the files."], pass: ["They accessed the files."]}
"""


def test_conditions_are_read_inside_the_sentence(tmp_path: Path) -> None:
    rb = _load_with(tmp_path, PROBE)
    rid = "empathy.probe"
    hit = _run(rb, rid, "The attacker may have viewed the records.")
    assert [(f.start, f.end, f.suggestion) for f in hit] == [(13, 28, "viewed")]
    assert hit[0].check == "sentence_pattern" and "'viewed'" in hit[0].message
    # the required word is in the next sentence: not this sentence's business
    assert not _run(rb, rid, "The attacker may have viewed them. The records are safe.")
    assert not _run(rb, rid, "If the attacker may have viewed the records, call us.")
    assert not _run(rb, rid, "The attacker may have viewed the records, but we cannot say.")
    assert not _run(rb, rid, "The attacker may have viewed nothing in the records.")
    # a hard-wrapped line is one sentence: offsets point into the original text
    text = (
        "The attacker, who got in through a phishing email last week, may have\nviewed the records."
    )
    (f,) = _run(rb, rid, text)
    assert text[f.start : f.end] == "may have\nviewed"


def test_any_word_order_in_one_sentence(rulebook) -> None:  # type: ignore[no-untyped-def]
    rid = "empathy.no_evidence"
    for text in (
        "There is no indication that your information was misused.",
        "Misuse of your information has not been reported, and we are not aware of any.",
        "We are not aware of any patient information being used inappropriately.",
    ):
        assert _run(rulebook, rid, text), text
    assert not _run(rulebook, rid, "We are not aware of any delay in the mail.")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            PROBE.replace("(?P<verb>%{V})", "(?P<verb>%{V}"),
            "patterns.0.match: invalid regular expression",
        ),
        (PROBE.replace("%{V}", "%{VERBS}"), "patterns.0.match: unknown macro %{VERBS}"),
        (
            PROBE.replace("\\g<verb>", "\\g<noun>"),
            "patterns.0.rewrite: group 'noun' does not exist",
        ),
        (PROBE.replace("[^,;]*$", "[^,;]*"), "not_preceded_by.0: must end with $"),
        (PROBE.replace("'^nothing", "'nothing"), "not_followed_by.0: must start with ^"),
        (PROBE.replace("family: probe", "family: Probe"), "family"),
        (PROBE.replace("{suggestion}", "{replacement}"), "unknown placeholder {replacement}"),
        (PROBE.replace("    rewrite: '\\g<verb>'\n", ""), "every pattern needs a `rewrite`"),
        (PROBE.replace("sentence_requires", "sentence_require"), "sentence_require"),
    ],
)
def test_bad_sentence_rules_are_refused_with_the_field(
    tmp_path: Path, body: str, expected: str
) -> None:
    msg = _error(tmp_path, body)
    assert msg.startswith("rules/empathy/probe.yml: "), msg
    assert expected in msg, msg


def test_title_case_rewrite(rulebook) -> None:  # type: ignore[no-untyped-def]
    (f,) = _run(rulebook, "empathy.euphemism", "Notice of Data Security Incident")
    assert f.suggestion == "Data Breach"
