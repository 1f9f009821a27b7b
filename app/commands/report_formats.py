"""Report output formats for CI: GitHub workflow annotations and SARIF 2.1.0.

* `github`: one `::error|warning|notice file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`
  line per finding (GitHub Actions turns them into annotations on the pull request);
  suggestion-level findings are notices.
* `sarif`: a SARIF 2.1.0 log (the OASIS standard code-scanning tools read: GitHub code
  scanning, GitLab, IDE viewers), one run, one result per finding, every rule described once,
  columns counted in Unicode code points, the finding id as a partial fingerprint so a finding
  keeps its identity across runs.

Spans are character offsets; both formats give 1-based line/column positions computed from
the checked text. Document-level findings point at the file (line 1).
"""

from __future__ import annotations

import json
from typing import Any

from app.checks.base import Finding, Report, Severity
from app.checks.text import segment

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_GITHUB_LEVEL = {
    Severity.error: "error",
    Severity.warning: "warning",
    Severity.suggestion: "notice",
}
_SARIF_LEVEL = {Severity.error: "error", Severity.warning: "warning", Severity.suggestion: "note"}


def _positions(f: Finding, text: str) -> tuple[int, int, int, int] | None:
    """(line, column, end line, end column), 1-based, end column exclusive; None for document-level."""
    if f.start is None or f.end is None or not text:
        return None
    doc = segment(text)
    line, col = doc.line_col(f.start)
    end_line, end_col = doc.line_col(max(f.start, f.end))
    return line, col, end_line, end_col


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def format_github(report: Report, text: str, path: str) -> str:
    """GitHub Actions workflow commands, one per unwaived finding."""
    lines = []
    for f in report.findings:
        if f.waived:
            continue
        props = [] if path == "-" else [f"file={_escape_property(path)}"]
        pos = _positions(f, text)
        if pos is not None:
            line, col, end_line, end_col = pos
            props += [f"line={line}", f"col={col}", f"endLine={end_line}", f"endColumn={end_col}"]
        elif path != "-":
            props.append("line=1")
        props.append(f"title={_escape_property(f.rule)}")
        message = " ".join(f.message.split())
        if f.suggestion:
            message += f" (suggested: {f.suggestion})"
        lines.append(f"::{_GITHUB_LEVEL[f.severity]} {','.join(props)}::{_escape_data(message)}")
    return "\n".join(lines)


def sarif_log(reports: list[tuple[str, str, Report]], version: str = "0.1.0") -> dict[str, Any]:
    """The reports of one or more files (path, text, report) as one SARIF 2.1.0 log (a dict)."""
    rules: dict[str, dict[str, Any]] = {}
    results = []
    artifacts = []
    for path, text, report in reports:
        uri = "stdin" if path == "-" else path
        artifacts.append({"location": {"uri": uri}, "length": len(text)})
        results.extend(_results(report, text, uri, rules))
    rulebooks = sorted({report.rulebook for _p, _t, report in reports})
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {"name": "candor", "version": version, "rules": list(rules.values())}
                },
                "columnKind": "unicodeCodePoints",
                "artifacts": artifacts,
                "results": results,
                "properties": {"rulebook": rulebooks[0] if len(rulebooks) == 1 else rulebooks},
            }
        ],
    }


def _results(
    report: Report, text: str, uri: str, rules: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    results = []
    for f in report.findings:
        if f.rule not in rules:
            rules[f.rule] = {
                "id": f.rule,
                "name": f.rule.replace(".", "_"),
                "shortDescription": {"text": f"Candor rule {f.rule} ({f.check})"},
                "defaultConfiguration": {"level": _SARIF_LEVEL[f.severity]},
                "properties": {"check": f.check, **({"source": f.source} if f.source else {})},
            }
        region: dict[str, Any] = {"startLine": 1}
        pos = _positions(f, text)
        if pos is not None:
            line, col, end_line, end_col = pos
            region = {
                "startLine": line,
                "startColumn": col,
                "endLine": end_line,
                "endColumn": end_col,
                "charOffset": f.start,
                "charLength": max(0, (f.end or 0) - (f.start or 0)),
            }
        result: dict[str, Any] = {
            "ruleId": f.rule,
            "ruleIndex": list(rules).index(f.rule),
            "level": _SARIF_LEVEL[f.severity],
            "message": {"text": " ".join(f.message.split())},
            "locations": [
                {"physicalLocation": {"artifactLocation": {"uri": uri}, "region": region}}
            ],
        }
        if f.id:
            result["partialFingerprints"] = {"candorFindingId/v1": f.id}
        if f.waived:
            result["suppressions"] = [
                {"kind": "external", "justification": f.waiver_reason or "waived"}
            ]
        if f.suggestion is not None and pos is not None:
            result["fixes"] = [
                {
                    "description": {"text": f"Replace with “{f.suggestion}”"},
                    "artifactChanges": [
                        {
                            "artifactLocation": {"uri": uri},
                            "replacements": [
                                {"deletedRegion": region, "insertedContent": {"text": f.suggestion}}
                            ],
                        }
                    ],
                }
            ]
        results.append(result)
    return results


def format_sarif(reports: list[tuple[str, str, Report]]) -> str:
    """The SARIF log of the files' reports as indented JSON."""
    return json.dumps(sarif_log(reports), indent=2, ensure_ascii=False)
