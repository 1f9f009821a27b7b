"""Per-text caches never change a result: warm, edited and concurrent re-checks equal cold runs.

The caches are `functools.lru_cache`s registered in app/checks/caching.py; `clear_caches()`
empties them all. A check on warm caches, a check after one sentence changed, and checks run
from several threads while another thread keeps clearing the caches must all give the report
a cold run gives.
"""

from __future__ import annotations

import random
import threading

from app.checks.engine import clear_caches, run_checks
from app.core.config import PROJECT_ROOT

LETTERS = sorted((PROJECT_ROOT / "tests" / "fixtures" / "letters").glob("*.md"))
JURISDICTIONS = ("US-CA", "US-MA", "US-HIPAA")


def _report(text, rulebook, settings, facts=None):  # type: ignore[no-untyped-def]
    r = run_checks(
        text,
        rulebook=rulebook,
        settings=settings,
        facts=facts,
        jurisdictions=JURISDICTIONS,
        grammar=False,
    )
    return r.model_dump()


def _cold(text, rulebook, settings, facts=None):  # type: ignore[no-untyped-def]
    clear_caches()
    return _report(text, rulebook, settings, facts)


def test_warm_and_edited_rechecks_equal_cold_runs(rulebook, settings, example_facts) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(7)
    facts = example_facts["hospital-ransomware"]
    for path in rng.sample(LETTERS, 6):
        text = path.read_text()
        cold = _cold(text, rulebook, settings, facts)
        assert _report(text, rulebook, settings, facts) == cold  # warm: every cache filled
        sentences = text.split(". ")
        for _ in range(3):  # edit one sentence at a time, as the editor does while typing
            i = rng.randrange(len(sentences))
            sentences[i] = (
                sentences[i] + " We apologise"
                if rng.random() < 0.5
                else sentences[i][: len(sentences[i]) // 2]
            )
            edited = ". ".join(sentences)
            warm = _report(edited, rulebook, settings, facts)
            assert warm == _cold(edited, rulebook, settings, facts), path.name


def test_concurrent_checks_while_caches_are_cleared(rulebook, settings) -> None:  # type: ignore[no-untyped-def]
    texts = [p.read_text() for p in LETTERS[:4]]
    expected = [_cold(t, rulebook, settings) for t in texts]
    errors: list[BaseException] = []
    stop = threading.Event()

    def checker(k: int) -> None:
        try:
            for n in range(6):
                i = (k + n) % len(texts)
                assert _report(texts[i], rulebook, settings) == expected[i]
        except BaseException as exc:
            errors.append(exc)

    def clearer() -> None:
        while not stop.is_set():
            clear_caches()

    threads = [threading.Thread(target=checker, args=(k,)) for k in range(4)]
    wiper = threading.Thread(target=clearer)
    wiper.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stop.set()
    wiper.join()
    assert not errors, errors[0]
