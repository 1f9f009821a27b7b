"""The LanguageTool adapter: the real language_tool_python client against a LanguageTool-compatible
test server (tests/support/lt_server.py, a real HTTP server on 127.0.0.1 speaking the v2 API,
because no LanguageTool server can be installed here)."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest

from app.checks.base import Finding, Severity
from app.checks.grammar import (
    NOT_CONFIGURED,
    GrammarChecker,
    GrammarResult,
    NullGrammarChecker,
    Paragraph,
    grammar_checker_from_settings,
    split_paragraphs,
)
from app.checks.languagetool import LanguageToolChecker, find_local_languagetool
from app.core.config import Settings


@pytest.fixture
def checker(lt_server):
    c = LanguageToolChecker(lt_server.url, "en-US", timeout_s=5, retry_after_s=0)
    yield c
    c.close()


def check_once(c: LanguageToolChecker, text: str) -> GrammarResult:
    """One check with a fresh checker, closed afterwards."""
    try:
        return c.check(text)
    finally:
        c.close()


def closed_port_url() -> str:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def only(findings: list[Finding], rule: str) -> list[Finding]:
    return [f for f in findings if f.rule == rule]


# --------------------------------------------------------------------------- findings and spans


def test_doubled_word_found_with_span_and_fix(checker):
    text = "We found the the problem on 3 May."
    findings, status = checker.check(text)
    assert status.status == "ok"
    [f] = only(findings, "grammar.ENGLISH_WORD_REPEAT_RULE")
    assert text[f.start : f.end] == "the the"
    assert f.check == "grammar"
    assert f.severity is Severity.warning
    assert f.suggestion == "the"
    assert "repeated a word" in f.message
    assert "Change “the the” to “the”" in f.message
    assert f.id == ""


def test_a_vs_an_found_with_span(checker):
    text = "This was a incident that affected a important system."
    findings, status = checker.check(text)
    assert status.status == "ok"
    spans = [(text[f.start : f.end], f.suggestion) for f in only(findings, "grammar.EN_A_VS_AN")]
    assert spans == [("a", "an"), ("a", "an")]
    assert [text[f.start : f.end + 9] for f in only(findings, "grammar.EN_A_VS_AN")] == [
        "a incident",
        "a importan",
    ]


def test_spans_are_python_indices_after_emoji(checker):
    # 🔒 and 🙁 are outside the BMP: LanguageTool counts each as two UTF-16 units.
    text = (
        "🔒 Notice of Data Breach 🔒\n\n"
        "We 🙁 regret a incident: the the files were copied.\n\n"
        "Call us 📞 today."
    )
    findings, status = checker.check(text)
    assert status.status == "ok"
    got = {f.rule: text[f.start : f.end] for f in findings}
    assert got == {"grammar.EN_A_VS_AN": "a", "grammar.ENGLISH_WORD_REPEAT_RULE": "the the"}
    a_vs_an = only(findings, "grammar.EN_A_VS_AN")[0]
    assert text[a_vs_an.start : a_vs_an.start + 10] == "a incident"


def test_emoji_inside_the_flagged_span_keeps_the_end_right(checker):
    text = "Hello 🙂  there, and 🙂 a  item."
    findings, _ = checker.check(text)
    spaces = only(findings, "grammar.WHITESPACE_RULE")
    assert [text[f.start : f.end] for f in spaces] == ["  ", "  "]


def test_whitespace_is_a_typography_suggestion(checker):
    text = "Your data  was exposed."
    findings, status = checker.check(text)
    [f] = findings
    assert f.rule == "grammar.WHITESPACE_RULE"
    assert f.severity is Severity.suggestion
    assert text[f.start : f.end] == "  "
    assert f.suggestion == " "
    assert "Use a single space." in f.message


def test_findings_are_sorted_and_clean_text_has_none(checker):
    assert checker.check("Nothing wrong here.\n\nNor here.") == GrammarResult(
        [], checker.check("").status
    )
    findings, _ = checker.check("Wait  for it.\n\nIt was a error and and more.")
    assert [f.start for f in findings] == sorted(f.start for f in findings)


def test_language_is_sent(lt_server):
    c = LanguageToolChecker(lt_server.url, "en-GB", timeout_s=5)
    try:
        _, status = c.check("Colour me a orange.")
        assert status.status == "ok"
        assert lt_server.forms[-1]["language"] == ["en-GB"]
    finally:
        c.close()


# --------------------------------------------------------------------------- caching


LETTER = (
    "Dear Customer,\n\n"
    "On 3 May we found a incident in our billing system.\n\n"
    "We are sorry. Please call the the number below."
)


def test_editing_one_paragraph_resends_only_that_paragraph(checker, lt_server):
    first, status = checker.check(LETTER)
    assert status.status == "ok"
    paragraphs = [p.text for p in split_paragraphs(LETTER)]
    assert len(paragraphs) == 3
    assert dict(lt_server.requests) == {p: 1 for p in paragraphs}

    # The same letter again: nothing is sent.
    again, _ = checker.check(LETTER)
    assert again == first
    assert lt_server.check_requests == 3

    # Edit the middle paragraph (longer now): only it is sent; the third paragraph's cached
    # finding moves with the text.
    edited = LETTER.replace("in our billing system", "in our customer billing and payments system")
    findings, status = checker.check(edited)
    assert status.status == "ok"
    assert lt_server.check_requests == 4
    new_middle = split_paragraphs(edited)[1].text
    assert lt_server.requests[new_middle] == 1
    assert {edited[f.start : f.end] for f in findings} == {"a", "the the"}
    repeat = only(findings, "grammar.ENGLISH_WORD_REPEAT_RULE")[0]
    assert repeat.start == edited.index("the the")


def test_cache_is_bounded(lt_server):
    c = LanguageToolChecker(lt_server.url, timeout_s=5, cache_size=2)
    try:
        for text in ("One.", "Two.", "Three."):
            c.check(text)
        assert c.cached_paragraphs == 2
        c.check("Three.")
        c.check("One.")  # evicted: sent again
        assert lt_server.requests["Three."] == 1
        assert lt_server.requests["One."] == 2
    finally:
        c.close()


def test_identical_paragraphs_are_sent_once(checker, lt_server):
    text = "Call a expert.\n\nCall a expert."
    findings, _ = checker.check(text)
    assert lt_server.requests["Call a expert."] == 1
    assert [f.start for f in findings] == [5, 21]
    assert all(text[f.start : f.end] == "a" for f in findings)


def test_client_is_created_once_under_concurrency(lt_server):
    c = LanguageToolChecker(lt_server.url, timeout_s=5)
    results: list[GrammarResult] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        result = c.check(f"Paragraph {i} has a error.")
        with lock:
            results.append(result)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    c.close()
    assert lt_server.languages_requests == 1
    assert len(results) == 8
    for findings, status in results:
        assert status.status == "ok"
        assert [f.rule for f in findings] == ["grammar.EN_A_VS_AN"]


# --------------------------------------------------------------------------- failures


def test_unreachable_server_is_unavailable_not_an_exception():
    url = closed_port_url()
    findings, status = check_once(LanguageToolChecker(url, timeout_s=5), "We found a incident.")
    assert findings == []
    assert status.status == "unavailable"
    assert status.detail.startswith(f"LanguageTool at {url} is not reachable")
    assert "Connection refused" in status.detail


def test_hanging_server_is_unavailable_after_the_timeout(lt_server):
    lt_server.hang = True
    c = LanguageToolChecker(lt_server.url, timeout_s=1)
    try:
        findings, status = c.check("We found a incident.")
    finally:
        lt_server.hang = False
        c.close()
    assert findings == []
    assert status.status == "unavailable"
    assert status.detail == f"LanguageTool at {lt_server.url} did not answer within 1 s"


def test_server_that_stops_answering_later_gives_partial_results_then_recovers(lt_server):
    c = LanguageToolChecker(lt_server.url, timeout_s=1, retry_after_s=0)
    try:
        assert c.check("Old paragraph with a error.").status.status == "ok"
        lt_server.hang = True
        text = "Old paragraph with a error.\n\nNew paragraph with the the slip."
        findings, status = c.check(text)
        assert status.status == "unavailable"
        assert "did not answer within 1 s" in status.detail
        assert "grammar findings cover 1 of 2 paragraphs" in status.detail
        assert [text[f.start : f.end] for f in findings] == ["a"]

        lt_server.hang = False
        findings, status = c.check("Another paragraph with a ignored error.")
        assert status.status == "ok"
        assert len(findings) == 1
    finally:
        lt_server.hang = False
        c.close()


def test_after_a_failure_it_answers_unavailable_without_waiting_again(lt_server):
    lt_server.hang = True
    c = LanguageToolChecker(lt_server.url, timeout_s=1, retry_after_s=60)
    try:
        first = c.check("First text with a error.")
        sent = lt_server.check_requests + lt_server.languages_requests
        second = c.check("Second text with a error.")
        assert first.status.status == second.status.status == "unavailable"
        assert second.status.detail == first.status.detail
        assert lt_server.check_requests + lt_server.languages_requests == sent
    finally:
        lt_server.hang = False
        c.close()


def test_server_error_response_is_unavailable(lt_server):
    lt_server.error = (500, "Internal Server Error: out of memory")
    findings, status = check_once(LanguageToolChecker(lt_server.url, timeout_s=5), "Some text.")
    assert findings == []
    assert status.status == "unavailable"
    assert status.detail.startswith(f"LanguageTool at {lt_server.url} failed: ")
    assert "out of memory" in status.detail


def test_unsupported_language_is_unavailable(lt_server):
    c = LanguageToolChecker(lt_server.url, "xx-YY", timeout_s=5)
    findings, status = check_once(c, "Some text.")
    assert findings == []
    assert status.status == "unavailable"
    assert "LanguageTool at" in status.detail
    assert "xx-YY" in status.detail


def test_check_never_raises_even_on_unexpected_errors(lt_server, monkeypatch):
    c = LanguageToolChecker(lt_server.url, timeout_s=5)

    def boom(text):
        raise RuntimeError("surprise")

    monkeypatch.setattr("app.checks.languagetool.grammar.split_paragraphs", boom)
    findings, status = c.check("Text.")
    assert findings == []
    assert status.status == "unavailable"
    assert "surprise" in status.detail


def test_the_client_is_the_public_languagetool_class_on_the_remote_server(lt_server):
    from language_tool_python import LanguageTool

    c = LanguageToolChecker(lt_server.url, timeout_s=1.5)
    try:
        assert c.check("Hello.").status.status == "ok"
        client = c.client()
        assert type(client) is LanguageTool  # no subclass reaching into private methods
    finally:
        c.close()


# --------------------------------------------------------------------------- null checker, factory


def test_null_checker_says_unavailable_with_the_config_hint():
    findings, status = NullGrammarChecker().check("We found a incident.")
    assert findings == []
    assert status.status == "unavailable"
    assert status.detail == NOT_CONFIGURED
    assert "CANDOR_LANGUAGETOOL_URL" in status.detail


def test_skipped_variant():
    findings, status = NullGrammarChecker.skipped().check("Text.")
    assert findings == []
    assert status.status == "skipped"
    assert status.detail


def test_factory_picks_the_engine():
    from app.checks.harper_checker import HarperChecker

    assert isinstance(
        grammar_checker_from_settings(Settings(LANGUAGETOOL_URL=None), environ={}), HarperChecker
    )
    assert isinstance(
        grammar_checker_from_settings(
            Settings(GRAMMAR_ENGINE="harper", LANGUAGETOOL_URL="http://x"), environ={}
        ),
        HarperChecker,
    )
    off = grammar_checker_from_settings(Settings(GRAMMAR_ENGINE="off"), environ={})
    assert off.check("Text.").status.status == "skipped"
    checker = grammar_checker_from_settings(
        Settings(GRAMMAR_ENGINE="languagetool", LANGUAGETOOL_URL=None), environ={}
    )
    assert isinstance(checker, NullGrammarChecker) and isinstance(checker, GrammarChecker)
    findings, status = checker.check("Text.")
    assert status.status == "unavailable"
    assert "set CANDOR_LANGUAGETOOL_URL" in status.detail


def test_factory_with_url_uses_languagetool(lt_server):
    settings = Settings(
        LANGUAGETOOL_URL=lt_server.url + "/", LANGUAGETOOL_LANGUAGE="en-US", GRAMMAR_TIMEOUT_S=2
    )
    checker = grammar_checker_from_settings(settings, environ={})
    assert isinstance(checker, LanguageToolChecker)
    assert isinstance(checker, GrammarChecker)
    assert (checker.url, checker.language, checker.timeout_s) == (lt_server.url, "en-US", 2.0)
    try:
        findings, status = checker.check("It was a error.")
    finally:
        checker.close()
    assert status.status == "ok"
    assert [f.rule for f in findings] == ["grammar.EN_A_VS_AN"]


def test_local_install_is_named_in_the_reason(tmp_path: Path):
    folder = tmp_path / "LanguageTool-6.8"
    folder.mkdir()
    (folder / "languagetool-server.jar").write_bytes(b"")
    env = {"LTP_PATH": str(tmp_path)}
    assert find_local_languagetool(env, which=lambda name: "/usr/bin/java") == folder
    assert find_local_languagetool(env, which=lambda name: None) is None
    assert find_local_languagetool({}, which=lambda name: "/usr/bin/java") is None
    assert (
        find_local_languagetool(
            {"LTP_PATH": str(tmp_path / "none")}, which=lambda name: "/usr/bin/java"
        )
        is None
    )


# --------------------------------------------------------------------------- paragraphs


def test_split_paragraphs_keeps_offsets():
    text = "  First line\nsecond line  \n\n \t \n\nThird.\r\n\r\nFourth\n"
    paragraphs = split_paragraphs(text)
    assert [p.text for p in paragraphs] == ["First line\nsecond line", "Third.", "Fourth"]
    for p in paragraphs:
        assert text[p.start : p.start + len(p.text)] == p.text
    assert split_paragraphs("") == []
    assert split_paragraphs(" \n\n ") == []
    assert split_paragraphs("One") == [Paragraph(0, "One")]
