"""Group recipients into the fewest letter variants that satisfy every recipient's own laws.

Each residence has a set of laws (its state or country law plus the federal laws that cover the
organisation). A variant's letter carries the union of its laws' required elements and leaves out
their prohibited ones, so two residences may share a letter unless one requires what the other
forbids (Massachusetts forbids `what_happened`, California requires it). Finding the fewest groups
is graph colouring on that conflict graph; it is small (only a few laws forbid anything), so an
exact search is cheap. Residences without conflicts join the fullest letter (fewest omissions).

A conflict inside one residence's own laws (a Massachusetts patient of a HIPAA entity: HIPAA
requires `what_happened`, Massachusetts forbids it) cannot be avoided by grouping: the requirement
wins, and the variant reports the conflict for counsel.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from app.domain.facts import IncidentFacts
from app.domain.jurisdictions import Applicability, required_elements
from app.domain.regions import is_us, residence_name


class Variant(BaseModel):
    """One letter version and who receives it."""

    id: str = Field(
        description="The variant id used everywhere (drafts, merges, file names): its laws joined by '+'."
    )
    label: str
    jurisdictions: list[str] = Field(
        description="Laws the letter must satisfy; pass them to drafting and to the legal check."
    )
    residences: dict[str, int] = Field(description="Residence code -> number of recipients.")
    recipients: int
    include: list[str] = Field(description="Element ids the laws require (union).")
    exclude: list[str] = Field(description="Element ids the letter must leave out.")
    conflicts: list[str] = Field(
        default_factory=list, description="Unavoidable conflicts within one recipient's own laws."
    )
    unverified: bool = False


class _Node:
    """One residence: its laws, what they require and forbid."""

    def __init__(
        self, code: str, count: int, laws: list[str], requires: set[str], prohibits: set[str]
    ):
        self.code, self.count, self.laws = code, count, laws
        self.requires, self.prohibits = requires, prohibits
        # Own conflicts resolve in favour of the requirement.
        self.forbids = prohibits - requires


def _clash(a: _Node, b: _Node) -> bool:
    return bool(a.requires & b.forbids or b.requires & a.forbids)


def _colour(nodes: list[_Node]) -> list[list[_Node]]:
    """Exact minimum colouring by backtracking (nodes with conflicts only; a few dozen at most)."""
    if not nodes:
        return []
    order = sorted(nodes, key=lambda n: (-sum(_clash(n, m) for m in nodes), n.code))
    for k in range(1, len(order) + 1):
        groups: list[list[_Node]] = [[] for _ in range(k)]
        if _place(order, 0, groups):
            return [g for g in groups if g]
    raise AssertionError("unreachable: one group per node always works")


def _place(order: list[_Node], i: int, groups: list[list[_Node]]) -> bool:
    if i == len(order):
        return True
    node = order[i]
    tried_empty = False
    for g in groups:
        if not g:
            if tried_empty:
                continue  # empty groups are interchangeable
            tried_empty = True
        if all(not _clash(node, m) for m in g):
            g.append(node)
            if _place(order, i + 1, groups):
                return True
            g.pop()
    return False


def _nodes(facts: IncidentFacts, results: list[Applicability], rulebook: object) -> list[_Node]:
    rules = rulebook.jurisdictions  # type: ignore[attr-defined]
    lettered = [a for a in results if a.letters]
    nodes = []
    for code, count in sorted(facts.affected.items()):
        if count <= 0:
            continue
        laws = sorted(a.jurisdiction for a in lettered if code in a.residences)
        if not laws:
            continue
        requires: set[str] = set()
        prohibits: set[str] = set()
        for law in laws:
            requires |= required_elements(rules[law], facts)
            prohibits |= set(rules[law].prohibits)
        nodes.append(_Node(code, count, laws, requires, prohibits))
    return nodes


def _region(code: str) -> str:
    """US letters and non-US letters never merge: their steps and agencies differ."""
    return "US" if is_us(code) else "INTL"


def _group_region(nodes: list[_Node]) -> list[list[_Node]]:
    conflicted = [n for n in nodes if any(_clash(n, m) for m in nodes if m is not n)]
    free = [n for n in nodes if n not in conflicted]
    groups = _colour(conflicted)
    if not groups:
        return [free] if free else []
    for n in free:
        # The fullest letter: fewest omitted elements, then most recipients.
        best = min(
            groups,
            key=lambda g: (len(set().union(*(m.forbids for m in g))), -sum(m.count for m in g)),
        )
        best.append(n)
    return groups


def _variant(group: list[_Node], facts: IncidentFacts, rulebook: object) -> Variant:
    rules = rulebook.jurisdictions  # type: ignore[attr-defined]
    laws = sorted({law for n in group for law in n.laws})
    requires = set().union(*(n.requires for n in group))
    forbids = set().union(*(n.forbids for n in group))
    conflicts = []
    for n in group:
        for element in sorted(n.prohibits & n.requires):
            by = sorted(law for law in n.laws if element in rules[law].prohibits)
            need = sorted(law for law in n.laws if element in required_elements(rules[law], facts))
            conflicts.append(
                f"{n.code}: {', '.join(need)} require {element}, {', '.join(by)} forbid it; kept (requirement wins) — ask counsel"
            )
    residences = {n.code: n.count for n in sorted(group, key=lambda n: n.code)}
    names = [residence_name(c) for c in residences]
    label = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
    return Variant(
        id="",
        label=label,
        jurisdictions=laws,
        residences=residences,
        recipients=sum(residences.values()),
        include=sorted(requires),
        exclude=sorted(forbids),
        conflicts=conflicts,
        unverified=any(rules[law].status == "unverified" or rules[law].unverified for law in laws),
    )


def plan_variants(
    facts: IncidentFacts, results: list[Applicability], rulebook: object
) -> list[Variant]:
    """Plan the fewest letter variants for these facts, largest first; each id is its laws joined by "+"
    (the id drafts, merges and file names use; a repeat gets "_2")."""
    nodes = _nodes(facts, results, rulebook)
    groups: list[list[_Node]] = []
    for region in ("US", "INTL"):
        groups += _group_region([n for n in nodes if _region(n.code) == region])
    variants = [_variant(g, facts, rulebook) for g in groups]
    variants.sort(key=lambda v: (-v.recipients, v.jurisdictions))
    out, seen = [], set()
    for v in variants:
        vid = "+".join(v.jurisdictions)
        vid = (
            vid
            if vid not in seen
            else f"{vid}_{sum(1 for s in seen if s.split('_')[0] == vid) + 1}"
        )
        seen.add(vid)
        out.append(v.model_copy(update={"id": vid}))
    return out


def variant_for(residence: str, variants: list[Variant]) -> Variant | None:
    """Return the variant a residence's recipients get, or None when they get no letter."""
    return next((v for v in variants if residence in v.residences), None)
