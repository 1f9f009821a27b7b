"""Property-based: any Unicode text up to 50,000 characters is checked without raising, spans stay inside it.

Text over the configured limit is refused with a message that names the limit.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from app.checks.engine import run_checks
from app.core.errors import TooLarge

LETTERISH = st.text(
    alphabet=st.sampled_from(
        list("abcdefghij ABC.,;:!?\n\n#-*[]()0123456789@/$'\"")
        + ["é", "ß", "\u200b", "\t", "—", "😀", "\r"]
    ),
    max_size=2000,
)
FRAGMENTS = st.sampled_from(
    [
        "## What Happened\n",
        "On March 3, 2026 we learned that someone opened a mailbox. ",
        "Sincerely,\n\nAcme Inc.\n",
        "[[missing: incident.summary]]",
        "Call 1-800-555-0100. ",
        "www.example.com ",
        "may have been affected ",
        "- Change your password.\n",
        "credit freeze ",
        "Social Security number ",
        "\n\n",
        "a.m. ",
        "P.O. Box 9. ",
    ]
)
MIXED = st.lists(st.one_of(FRAGMENTS, st.text(max_size=200)), max_size=60).map("".join)


def _assert_sound(text: str, report) -> None:  # type: ignore[no-untyped-def]
    for f in report.findings:
        if f.start is not None:
            assert f.end is not None and 0 <= f.start <= f.end <= len(text), f
    for e in report.elements:
        if e.start is not None:
            assert 0 <= e.start <= e.end <= len(text), e
    for c in report.empathy:
        if c.start is not None:
            assert 0 <= c.start <= c.end <= len(text), c


@hsettings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(text=st.one_of(st.text(max_size=3000), LETTERISH, MIXED))
def test_any_text_never_raises_and_spans_are_inside(
    text: str, rulebook, settings, example_facts
) -> None:  # type: ignore[no-untyped-def]
    facts = next(iter(example_facts.values()))
    report = run_checks(
        text,
        rulebook=rulebook,
        settings=settings,
        facts=facts,
        jurisdictions=("US-CA", "US-MA", "EU-GDPR"),
        tone="plain",
        grammar=False,
    )
    _assert_sound(text, report)


@hsettings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(seed=st.text(min_size=1, max_size=50), size=st.integers(min_value=30_000, max_value=50_000))
def test_long_text_up_to_50000(seed: str, size: int, rulebook, settings) -> None:  # type: ignore[no-untyped-def]
    text = (seed * (size // len(seed) + 1))[:size]
    report = run_checks(
        text, rulebook=rulebook, settings=settings, jurisdictions=("US-CA",), grammar=False
    )
    _assert_sound(text, report)


def test_over_the_limit_is_refused_with_a_clear_message(rulebook, settings) -> None:  # type: ignore[no-untyped-def]
    limit = settings.MAX_TEXT_CHARS
    with pytest.raises(TooLarge) as exc:
        run_checks("a" * (limit + 1), rulebook=rulebook, settings=settings, grammar=False)
    assert f"{limit:,}" in exc.value.message and "CANDOR_MAX_TEXT_CHARS" in exc.value.message
    assert exc.value.status == 413
