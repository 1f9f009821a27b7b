"""A small LanguageTool-v2-compatible HTTP server for tests (stdlib only, 127.0.0.1, free port).

It answers `GET /v2/languages` and `POST /v2/check` in LanguageTool's real JSON shape, so the real
`language_tool_python` client can talk to it, and finds three things deterministically:

* a doubled word ("the the")                 -> ENGLISH_WORD_REPEAT_RULE (category MISC, warning)
* "a" before a word starting with a, e, i, o  -> EN_A_VS_AN (category MISC); "a one-…", "a once"
  and words starting with "u" are left alone, as the real rule does for "a one-year offer"
* two or more spaces between words           -> WHITESPACE_RULE (category TYPOGRAPHY)

Offsets and lengths are in UTF-16 code units, as LanguageTool (Java) sends them, so emoji and
other non-BMP characters shift them exactly as the real server does.

Test controls: `.requests` counts `/v2/check` requests per text; `.languages_requests` counts
`/v2/languages`; `.hang = True` makes every request be accepted and never answered (until
`hang` is turned off or the server stops, then the connection is closed without a reply);
`.error = (status, body)` makes every request answer that instead; `.stop()` ends it.
"""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.parse
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

LANGUAGES = [
    {"name": "English", "code": "en", "longCode": "en"},
    {"name": "English (US)", "code": "en", "longCode": "en-US"},
    {"name": "English (GB)", "code": "en", "longCode": "en-GB"},
    {"name": "English (Canadian)", "code": "en", "longCode": "en-CA"},
    {"name": "English (Australian)", "code": "en", "longCode": "en-AU"},
    {"name": "German", "code": "de", "longCode": "de"},
    {"name": "German (Germany)", "code": "de", "longCode": "de-DE"},
    {"name": "French", "code": "fr", "longCode": "fr"},
]
_LANGUAGE_NAMES = {entry["longCode"].lower(): entry["name"] for entry in LANGUAGES}

SOFTWARE = {
    "name": "LanguageTool",
    "version": "6.8",
    "buildDate": "2025-10-01 12:00:00 +0000",
    "apiVersion": 1,
    "premium": False,
    "premiumHint": (
        "You might be missing errors only the Premium version can find. "
        "Contact us at support<at>languagetoolplus.com."
    ),
    "status": "",
}

_REPEAT = re.compile(r"\b(\w+)(\s+)(\1)\b", re.IGNORECASE)
_A_VS_AN = re.compile(r"\b([Aa])[ \t]+(?!one\b|one-|once\b)([aeioAEIO]\w*)")
_SPACES = re.compile(r"(?<=\S)( {2,})(?=\S)")


def utf16_len(text: str) -> int:
    """Length of `text` in UTF-16 code units (what Java's String.length() says)."""
    return len(text.encode("utf-16-le")) // 2


def _sentence(text: str, start: int, end: int) -> str:
    left = max(text.rfind(mark, 0, start) for mark in ".!?\n")
    rights = [i for i in (text.find(mark, end) for mark in ".!?\n") if i != -1]
    right = min(rights) + 1 if rights else len(text)
    return text[left + 1 : right].strip()


def make_match(
    text: str,
    start: int,
    end: int,
    *,
    message: str,
    short_message: str,
    replacements: list[str],
    rule_id: str,
    description: str,
    issue_type: str,
    category_id: str,
    category_name: str,
) -> dict[str, Any]:
    """One match in LanguageTool's JSON shape, for the Python span text[start:end]."""
    offset = utf16_len(text[:start])
    length = utf16_len(text[start:end])
    ctx_start, ctx_end = max(0, start - 40), min(len(text), end + 40)
    prefix = "..." if ctx_start > 0 else ""
    suffix = "..." if ctx_end < len(text) else ""
    context = prefix + text[ctx_start:ctx_end].replace("\n", " ") + suffix
    return {
        "message": message,
        "shortMessage": short_message,
        "replacements": [{"value": value} for value in replacements],
        "offset": offset,
        "length": length,
        "context": {
            "text": context,
            "offset": len(prefix) + utf16_len(text[ctx_start:start]),
            "length": length,
        },
        "sentence": _sentence(text, start, end),
        "type": {"typeName": "Other"},
        "rule": {
            "id": rule_id,
            "description": description,
            "issueType": issue_type,
            "category": {"id": category_id, "name": category_name},
        },
        "ignoreForIncompleteSentence": False,
        "contextForSureMatch": 0,
    }


def find_matches(text: str) -> list[dict[str, Any]]:
    """The fake rules, applied to `text`, sorted by offset."""
    found: list[tuple[int, dict[str, Any]]] = []
    for m in _REPEAT.finditer(text):
        found.append(
            (
                m.start(),
                make_match(
                    text,
                    m.start(),
                    m.end(),
                    message="Possible typo: you repeated a word",
                    short_message="Word repetition",
                    replacements=[m.group(1)],
                    rule_id="ENGLISH_WORD_REPEAT_RULE",
                    description="Word repetition (e.g. 'will will')",
                    issue_type="duplication",
                    category_id="MISC",
                    category_name="Miscellaneous",
                ),
            )
        )
    for m in _A_VS_AN.finditer(text):
        article = m.group(1)
        found.append(
            (
                m.start(1),
                make_match(
                    text,
                    m.start(1),
                    m.end(1),
                    message=(
                        "Use “an” instead of ‘a’ if the following word starts with a vowel "
                        "sound, e.g. ‘an article’, ‘an hour’."
                    ),
                    short_message="Wrong article",
                    replacements=["An" if article == "A" else "an"],
                    rule_id="EN_A_VS_AN",
                    description="Use of 'a' vs. 'an'",
                    issue_type="misspelling",
                    category_id="MISC",
                    category_name="Miscellaneous",
                ),
            )
        )
    for m in _SPACES.finditer(text):
        found.append(
            (
                m.start(1),
                make_match(
                    text,
                    m.start(1),
                    m.end(1),
                    message="Possible typo: you repeated a whitespace",
                    short_message="",
                    replacements=[" "],
                    rule_id="WHITESPACE_RULE",
                    description="Whitespace repetition (bad formatting)",
                    issue_type="whitespace",
                    category_id="TYPOGRAPHY",
                    category_name="Typography",
                ),
            )
        )
    return [match for _, match in sorted(found, key=lambda item: item[0])]


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, status: int, body: str, content_type: str = "application/json") -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", f"{content_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _intercepted(self) -> bool:
        """Hang or fail when the test asks for it; True when the request is dealt with."""
        fake = self.server.fake
        if fake.hang:
            fake.hang_until_released()
            self.close_connection = True
            return True
        if fake.error is not None:
            status, body = fake.error
            self._send(status, body, "text/plain")
            return True
        return False

    def do_GET(self) -> None:
        path = urllib.parse.urlsplit(self.path).path
        if path.rstrip("/") == "/v2/languages":
            self.server.fake.count_languages()
            if self._intercepted():
                return
            self._send(200, json.dumps(LANGUAGES))
        elif path.rstrip("/") == "/v2/healthcheck":
            self._send(200, "OK", "text/plain")
        else:
            self._send(404, "Error: unknown path", "text/plain")

    def do_POST(self) -> None:
        path = urllib.parse.urlsplit(self.path).path
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8") if length else ""
        if path.rstrip("/") != "/v2/check":
            self._send(404, "Error: unknown path", "text/plain")
            return
        form = urllib.parse.parse_qs(body, keep_blank_values=True)
        text = form.get("text", [None])[0]
        language = form.get("language", [""])[0]
        self.server.fake.count_check(text, form)
        if self._intercepted():
            return
        if text is None:
            self._send(400, "Error: Missing 'text' or 'data' parameter", "text/plain")
            return
        name = _LANGUAGE_NAMES.get(language.lower())
        if name is None:
            self._send(
                400,
                f"Error: '{language}' is not a language code known to LanguageTool.",
                "text/plain",
            )
            return
        response = {
            "software": SOFTWARE,
            "warnings": {"incompleteResults": False},
            "language": {
                "name": name,
                "code": language,
                "detectedLanguage": {
                    "name": name,
                    "code": language,
                    "confidence": 0.99,
                    "source": "fake",
                },
            },
            "matches": find_matches(text),
            "sentenceRanges": [],
        }
        self._send(200, json.dumps(response))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeLanguageTool


class FakeLanguageTool:
    """The fake server; start with `start()` or `with FakeLanguageTool() as server:`."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.requests: Counter[str] = Counter()
        """`/v2/check` requests received, per text (a paragraph, as Candor sends them)."""
        self.forms: list[dict[str, list[str]]] = []
        """Every `/v2/check` form, in order."""
        self.languages_requests = 0
        self.hang = False
        self.error: tuple[int, str] | None = None
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._server = _Server((host, port), _Handler)
        self._server.fake = self
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def check_requests(self) -> int:
        """Total `/v2/check` requests received."""
        return sum(self.requests.values())

    def start(self) -> FakeLanguageTool:
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-languagetool",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Release hanging requests, stop serving and close the socket."""
        if self._stopped.is_set():
            return
        self._stopped.set()
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
        self._server.server_close()

    def reset(self) -> None:
        """Forget the counted requests."""
        with self._lock:
            self.requests.clear()
            self.forms.clear()
            self.languages_requests = 0

    def __enter__(self) -> FakeLanguageTool:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def count_check(self, text: str | None, form: dict[str, list[str]]) -> None:
        """Record a `/v2/check` request (called by the request handler)."""
        with self._lock:
            self.requests[text or ""] += 1
            self.forms.append(form)

    def count_languages(self) -> None:
        """Record a `/v2/languages` request (called by the request handler)."""
        with self._lock:
            self.languages_requests += 1

    def hang_until_released(self) -> None:
        """Block the request handler while `hang` is set (a server that accepts and never answers)."""
        while self.hang and not self._stopped.is_set():
            time.sleep(0.05)
