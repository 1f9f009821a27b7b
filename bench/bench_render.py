"""Median time to draft one letter vs a bare Jinja render of the same template (the floor).

Run: .venv/bin/python bench/bench_render.py
The two are timed alternately, one call of each per round, so the ratio holds on a busy machine.
The floor renders the same compiled template with a precomputed context, so the difference
is what Candor adds: building the LetterContext from facts and tidying the Markdown.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.domain.facts import IncidentFacts  # noqa: E402
from app.letters.context import build_context  # noqa: E402
from app.letters.drafting import draft_letter  # noqa: E402
from app.letters.render import context_vars, letter_environment, template_name  # noqa: E402
from app.rulebook.loader import load_rulebook  # noqa: E402

TEMPLATES = ROOT / "templates" / "letters"


def _medians_us(full, floor, repeat: int = 400) -> tuple[float, float]:
    """Median µs of `full` and of `floor`, timed alternately (one of each per round), so a busy
    machine slows both alike and their ratio stays meaningful."""
    for _ in range(20):
        full()
        floor()
    a, b = [], []
    for _ in range(repeat):
        t = time.perf_counter()
        full()
        t1 = time.perf_counter()
        floor()
        t2 = time.perf_counter()
        a.append(t1 - t)
        b.append(t2 - t1)
    return statistics.median(a) * 1e6, statistics.median(b) * 1e6


def main() -> None:
    rb = load_rulebook(ROOT / "rules")
    facts = IncidentFacts.model_validate(
        json.loads((ROOT / "examples" / "hospital-ransomware.json").read_text())
    )
    env = letter_environment(str(TEMPLATES))
    print(f"{'case':38} {'candor µs':>10} {'floor µs':>10} {'ratio':>6}")
    for jurisdiction, tone in [
        ("US-HIPAA", "plain"),
        ("US-CA", "empathetic"),
        ("US-MA", "formal"),
        ("EU-GDPR", "formal"),
    ]:
        if jurisdiction not in rb.jurisdictions:
            continue
        ctx = build_context(facts, rb, jurisdiction=jurisdiction, tone=tone)
        variables = context_vars(ctx)
        template = env.get_template(template_name(tone))
        full, floor = _medians_us(
            lambda t=tone, j=jurisdiction: draft_letter(
                facts, rb, TEMPLATES, tone=t, jurisdiction=j
            ),
            lambda t=template, v=variables: t.render(v),
        )
        print(f"{jurisdiction + ' / ' + tone:38} {full:10.1f} {floor:10.1f} {full / floor:6.2f}x")


if __name__ == "__main__":
    main()
