"""Load rules/ into a frozen Rulebook, refusing bad files with `file: field: reason` errors.

Rule ids come from paths (`rules/empathy/hedging.yml` -> `empathy.hedging`), as in Vale.
The content hash covers every file's path and bytes, so a report says exactly which rules
judged it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from app.core.errors import RuleLoadError, pydantic_error_details
from app.rulebook.book import Rulebook, read_rule_files, rule_id  # noqa: F401 - re-exported
from app.rulebook.channel_schema import ChannelElements
from app.rulebook.legal_schema import LegalRule
from app.rulebook.schema import (
    AdmissionsPolicy,
    AgencyDirectory,
    ElementDef,
    ElementVocabulary,
    Phrases,
    Rule,
)

_RULE_ADAPTER: TypeAdapter[Any] = TypeAdapter(Rule)


def _fail(path: Path, root: Path, field_path: str, reason: str) -> RuleLoadError:
    try:
        shown = path.relative_to(root.parent)
    except ValueError:
        shown = path
    return RuleLoadError(f"{shown}: {field_path}: {reason}")


_YAML_LOADER = getattr(
    yaml, "CSafeLoader", yaml.SafeLoader
)  # libyaml's C loader when PyYAML has it


def _parse(path: Path, root: Path, raw: bytes) -> Any:
    try:
        data = yaml.load(raw, Loader=_YAML_LOADER)  # noqa: S506 - a safe loader (C or pure Python)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "(file)"
        raise _fail(path, root, where, f"invalid YAML: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict):
        raise _fail(path, root, "(file)", "a rule file must be a mapping with a `kind:` key")
    try:
        return _RULE_ADAPTER.validate_python(data)
    except ValidationError as exc:
        details = pydantic_error_details(exc.errors())
        first = details[0]
        # Drop the discriminator tag pydantic puts first in the location (e.g. "phrases.tokens").
        field_path = first["field"]
        kind = str(data.get("kind", ""))
        if kind and field_path.startswith(kind + "."):
            field_path = field_path[len(kind) + 1 :]
        if first["message"].startswith("Input tag") or "discriminator" in first["message"]:
            from app.rulebook.schema import KINDS

            raise _fail(
                path, root, "kind", f"must be one of {', '.join(KINDS)} (got {kind or 'nothing'!r})"
            ) from None
        raise _fail(path, root, field_path, first["message"]) from None


def load_rulebook(root: Path) -> Rulebook:
    """Read, validate and cross-check every `*.yml` under `root`; raise RuleLoadError on the first problem."""
    root = Path(root)
    files, content_hash = read_rule_files(root)
    return build_rulebook(root, files, content_hash)


def build_rulebook(root: Path, files: list[tuple[str, Path, bytes]], content_hash: str) -> Rulebook:
    """Parse, validate and cross-check the files read by `read_rule_files`."""
    rules: dict[str, Any] = {}
    paths: dict[str, Path] = {}
    for rid, path, raw in files:
        rules[rid] = _parse(path, root, raw)
        paths[rid] = path

    vocab = [r for r in rules.values() if isinstance(r, ElementVocabulary) and "en" in r.languages]
    if len(vocab) != 1:
        raise RuleLoadError(
            f"{root}: (rules): exactly one English element_vocabulary file is needed, found {len(vocab)}"
        )
    elements = vocab[0].elements
    localised = _localised_vocabularies(rules, paths, root, set(elements))

    jurisdictions: dict[str, LegalRule] = {}
    for rid, rule in rules.items():
        if isinstance(rule, LegalRule | ChannelElements):
            unknown = sorted(rule.element_ids() - set(elements))
            if unknown:
                raise _fail(
                    paths[rid],
                    root,
                    "requires/prohibits/conditions",
                    f"unknown element ids {unknown}; add them to the vocabulary first",
                )
            if isinstance(rule, ChannelElements):
                continue
            if rule.jurisdiction in jurisdictions:
                raise _fail(
                    paths[rid],
                    root,
                    "jurisdiction",
                    f"{rule.jurisdiction} is already defined by another file",
                )
            jurisdictions[rule.jurisdiction] = rule
    agencies: dict[str, Any] = {}
    for rule in rules.values():
        if isinstance(rule, AgencyDirectory):
            agencies.update(rule.agencies)
    policies = [rid for rid, r in rules.items() if isinstance(r, AdmissionsPolicy)]
    if len(policies) > 1:
        raise _fail(
            paths[policies[1]],
            root,
            "kind",
            f"only one admissions_policy file is allowed; {policies[0]} is another",
        )
    for rid, rule in rules.items():
        if isinstance(rule, ChannelElements):
            bad = sorted(set(rule.jurisdictions) - set(jurisdictions))
            if bad:
                raise _fail(paths[rid], root, "jurisdictions", f"unknown jurisdictions {bad}")
    _cross_check(rules, paths, root, set(elements), set(jurisdictions))
    return Rulebook(
        rules=rules,
        elements=dict(elements),
        jurisdictions=jurisdictions,
        agencies=agencies,
        hash=content_hash,
        root=root,
        admissions=rules[policies[0]] if policies else None,
        localised_elements=localised,
    )


def _localised_vocabularies(
    rules: dict[str, Any], paths: dict[str, Path], root: Path, ids: set[str]
) -> dict[str, dict[str, ElementDef]]:
    """Other languages' detectors, by language: only ids of the English vocabulary, one file per language."""
    out: dict[str, dict[str, ElementDef]] = {}
    for rid, rule in sorted(rules.items()):
        if not isinstance(rule, ElementVocabulary) or "en" in rule.languages:
            continue
        unknown = sorted(set(rule.elements) - ids)
        if unknown:
            raise _fail(
                paths[rid],
                root,
                "elements",
                f"unknown element ids {unknown}; add them to the English vocabulary first",
            )
        for lang in rule.languages:
            if lang in out:
                raise _fail(
                    paths[rid], root, "languages", f"a vocabulary for {lang!r} is already loaded"
                )
            out[lang] = dict(rule.elements)
    return out


def _cross_check(
    rules: dict[str, Any], paths: dict[str, Path], root: Path, elements: set[str], codes: set[str]
) -> None:
    """References between files: element ids in `skip_when_prohibited`, example facts and jurisdictions."""
    from app.domain.facts import IncidentFacts

    for rid, rule in rules.items():
        if isinstance(rule, Phrases):
            unknown = sorted(set(rule.skip_when_prohibited) - elements)
            if unknown:
                raise _fail(
                    paths[rid], root, "skip_when_prohibited", f"unknown element ids {unknown}"
                )
        examples = getattr(rule, "examples", None)
        if examples is None:
            continue
        bad = sorted(set(examples.jurisdictions) - codes)
        if bad:
            raise _fail(paths[rid], root, "examples.jurisdictions", f"unknown jurisdictions {bad}")
        if examples.facts is not None:
            try:
                IncidentFacts.model_validate(examples.facts)
            except ValidationError as exc:
                first = pydantic_error_details(exc.errors())[0]
                raise _fail(
                    paths[rid], root, f"examples.facts.{first['field']}", first["message"]
                ) from None
