"""The Rulebook the checks read, and reading rule files from disk — without pydantic or YAML.

Validation lives in loader.py (pydantic models, YAML); this module holds what a command needs
when the validated rules come from the compiled-rulebook cache (app/rulebook/cache.py), so
`candor check` starts without importing either.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.core.errors import RuleLoadError

if TYPE_CHECKING:
    from app.rulebook.legal_schema import LegalRule
    from app.rulebook.schema import AdmissionsPolicy, ElementDef


@dataclass(frozen=True)
class Rulebook:
    """All validated rules, indexed for the checks, the drafting and the obligations."""

    rules: dict[str, Any]
    elements: dict[str, ElementDef]
    jurisdictions: dict[str, LegalRule]
    agencies: dict[str, Any]
    hash: str
    root: Path = field(default=Path("."))
    admissions: AdmissionsPolicy | None = field(default=None)
    localised_elements: dict[str, dict[str, ElementDef]] = field(default_factory=dict)
    """Detectors for texts in other languages (`languages: [es]` vocabularies), by language."""
    literals: dict[str, frozenset[str] | None] = field(default_factory=dict)
    """Required literals of the rules' regexes, read once when the rules are compiled for the
    compiled-rulebook cache (app/rulebook/literals.py); empty otherwise (read on first use)."""

    def elements_for(self, language: str) -> dict[str, ElementDef]:
        """Element detectors for a text in `language`: its own where a vocabulary gives them, else English.

        The English detector stays for an element the language's vocabulary leaves out (URLs, phone
        numbers and headings of the California format read the same in every language)."""
        own = self.localised_elements.get(language)
        return {**self.elements, **own} if own else self.elements

    @property
    def admissions_allowed(self) -> bool:
        """Counsel's policy: may letters admit legal fault? No policy file means no."""
        return bool(self.admissions and self.admissions.allow)

    def all_agencies(self) -> list[Any]:
        """Every agency a letter may print or cite: the directory's entries and each law's regulator."""
        listed = list(self.agencies.values())
        return listed + [rule.agency for rule in self.jurisdictions.values() if rule.agency]

    def agency_sites(self) -> list[str]:
        """Every agency's websites, printed (`website`) or only recognised (`other_websites`)."""
        return [
            site
            for a in self.all_agencies()
            for site in [getattr(a, "website", None), *getattr(a, "other_websites", ())]
            if site
        ]

    def of_kind(self, kind: str) -> dict[str, Any]:
        """Rules of one kind, by id, in id order."""
        return {rid: r for rid, r in sorted(self.rules.items()) if r.kind == kind}

    def jurisdiction(self, code: str) -> LegalRule:
        """The legal rule for a jurisdiction code; KeyError names the known codes."""
        try:
            return self.jurisdictions[code]
        except KeyError:
            raise KeyError(
                f"unknown jurisdiction {code!r}; known: {', '.join(sorted(self.jurisdictions))}"
            ) from None


def rule_id(root: Path, path: Path) -> str:
    """`rules/empathy/hedging.yml` -> `empathy.hedging`."""
    rel = path.relative_to(root).with_suffix("")
    return ".".join(rel.parts)


def read_rule_files(root: Path) -> tuple[list[tuple[str, Path, bytes]], str]:
    """Every `*.yml` under `root` as (rule id, path, bytes), and the content hash of them all."""
    root = Path(root)
    if not root.is_dir():
        raise RuleLoadError(f"{root}: (dir): rules folder not found; set CANDOR_RULES_DIR")
    digest = hashlib.sha256()
    files = []
    for path in sorted(root.rglob("*.yml")):
        raw = path.read_bytes()
        rid = rule_id(root, path)
        digest.update(rid.encode() + b"\0" + raw + b"\0")
        files.append((rid, path, raw))
    return files, "sha256:" + digest.hexdigest()[:16]
