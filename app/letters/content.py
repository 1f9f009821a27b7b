"""Letter wording that depends on the facts, as data: templates/letters/content.yml.

Why: writers change the recipient's steps, the consequences, the words for causes and data types
and the rights paragraph without a code change. The file is validated like a rule file (unknown
keys, data types, regexes and Jinja syntax fail the start-up with `file: field: reason`); its text
fields are Jinja, rendered in the letters' sandbox. A templates folder without its own
content.yml uses the one shipped with Candor.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from jinja2 import TemplateError, meta, nodes
from pydantic import Field, ValidationError, model_validator

from app.core.config import PROJECT_ROOT
from app.core.errors import RuleLoadError, pydantic_error_details
from app.domain.datatypes import DataType
from app.rulebook.common import Regex, StrictModel

FILE = "content.yml"
BUNDLED = PROJECT_ROOT / "templates" / "letters" / FILE
BUNDLED_DIR = str(BUNDLED.parent)  # the default templates folder, as the caches key it
REGISTER = {
    "plain": "plain",
    "empathetic": "plain",
    "formal": "formal",
}  # rights and complaint sentences


def step_register(step: StepDef | StepInstead, tone: str) -> StepText:
    """A step's wording for a tone: its own `empathetic` wording when given, else the tone's register."""
    if tone == "empathetic" and step.empathetic is not None:
        return step.empathetic
    return getattr(step, REGISTER[tone])


class StepText(StrictModel):
    """One step in one register: the action, why it matters, how."""

    title: str = Field(min_length=1)
    reason: str = Field(min_length=1)
    detail: str = ""


class StepWhen(StrictModel):
    """Any of these triggers a step."""

    data_types: list[DataType] = Field(default_factory=list)
    elements: list[str] = Field(
        default_factory=list, description="Element ids the letter must contain."
    )
    monitoring_offered: bool = False
    always: bool = False


class StepInstead(StrictModel):
    """Alternative wording when the responder's remediation matches `remediation`."""

    remediation: Regex
    plain: StepText
    formal: StepText
    empathetic: StepText | None = None


class StepDef(StrictModel):
    """One action for the recipient; the list order is the order of protection."""

    id: str = Field(pattern=r"^[a-z_]+$")
    region: Literal["us", "intl", "any"] = "any"
    when: StepWhen
    deadline: str = ""
    plain: StepText
    formal: StepText
    empathetic: StepText | None = Field(
        None, description="Warmer wording for the empathetic tone (default: plain)."
    )
    instead: list[StepInstead] = Field(default_factory=list)


class RightDef(StrictModel):
    """One sentence of the rights paragraph, shown when the letter must contain `element`."""

    element: str
    also_when: list[DataType] = Field(
        default_factory=list, description="Also when any of these was exposed."
    )
    plain: str = Field(min_length=1)
    formal: str = Field(min_length=1)


class RegisterText(StrictModel):
    """The same sentence in both registers."""

    plain: str = Field(min_length=1)
    formal: str = Field(min_length=1)


class ConsequenceDef(StrictModel):
    """A likely consequence of exposing any of `data_types`."""

    data_types: list[DataType] = Field(min_length=1)
    text: str = Field(min_length=1)
    intl: str = Field("", description="Wording outside the US, when it differs.")


class PairedLabel(StrictModel):
    """A data-type label that changes when another type was exposed too."""

    type: DataType
    with_: DataType = Field(alias="with")
    text: str = Field(min_length=1)


class LetterContent(StrictModel):
    """Everything in content.yml."""

    steps: list[StepDef] = Field(min_length=1)
    rights: list[RightDef] = Field(default_factory=list)
    complaint_right: RegisterText
    contact_point: RegisterText = Field(
        description="Names the contact point where a law asks for the DPO or other contact point "
        "and the facts name no DPO ({{ point }}, {{ personal_data }})."
    )
    misuse_known: RegisterText = Field(
        description="Said before the recipient's steps when the facts record evidence of misuse."
    )
    consequences: list[ConsequenceDef] = Field(default_factory=list)
    causes: dict[str, str]
    labels: dict[DataType, str] = Field(default_factory=dict)
    paired: list[PairedLabel] = Field(default_factory=list)
    intl: dict[DataType, str] = Field(default_factory=dict)
    foreign_to_us: list[Regex] = Field(default_factory=list)
    generic_remediation: list[str] = Field(min_length=1)
    day_month_year: list[str] = Field(default_factory=list)
    personal_data: list[str] = Field(default_factory=list)
    language: Literal["en", "es"] = Field(
        "en",
        description="Language of this content (and of the templates beside it): picks the date style.",
    )
    authority_names: dict[str, str] = Field(
        default_factory=dict,
        description="Supervisory authority names in this language, by jurisdiction code (the agency "
        "directory's names are English).",
    )

    @model_validator(mode="after")
    def _unique_steps(self) -> LetterContent:
        ids = [s.id for s in self.steps]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"steps: duplicate ids {dupes}")
        return self

    def texts(self) -> list[tuple[str, str]]:
        """Every Jinja text field with its path (for the syntax check at load)."""
        out: list[tuple[str, str]] = []
        for i, s in enumerate(self.steps):
            out.append((f"steps.{i}.deadline", s.deadline))
            for reg in ("plain", "formal", "empathetic"):
                for key, value in (getattr(s, reg).model_dump() if getattr(s, reg) else {}).items():
                    out.append((f"steps.{i}.{reg}.{key}", value))
                for j, alt in enumerate(s.instead):
                    for key, value in (
                        getattr(alt, reg).model_dump() if getattr(alt, reg) else {}
                    ).items():
                        out.append((f"steps.{i}.instead.{j}.{reg}.{key}", value))
        for i, r in enumerate(self.rights):
            out += [(f"rights.{i}.plain", r.plain), (f"rights.{i}.formal", r.formal)]
        out += [
            ("complaint_right.plain", self.complaint_right.plain),
            ("complaint_right.formal", self.complaint_right.formal),
            ("contact_point.plain", self.contact_point.plain),
            ("contact_point.formal", self.contact_point.formal),
            ("misuse_known.plain", self.misuse_known.plain),
            ("misuse_known.formal", self.misuse_known.formal),
        ]
        return out


def _fail(path: Path, field: str, reason: str) -> RuleLoadError:
    return RuleLoadError(f"{path}: {field}: {reason}")


@lru_cache(maxsize=8)
def load_content(templates_dir: str) -> LetterContent:
    """Read and validate the templates folder's content.yml (or the bundled one); cached per folder."""
    from app.letters.render import letter_environment

    path = Path(templates_dir) / FILE
    if not path.is_file():
        path = BUNDLED
    try:
        data: Any = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        raise _fail(path, "(file)", f"invalid YAML: {getattr(exc, 'problem', exc)}") from None
    try:
        content = LetterContent.model_validate(data)
    except ValidationError as exc:
        first = pydantic_error_details(exc.errors())[0]
        raise _fail(path, first["field"], first["message"]) from None
    env = letter_environment(templates_dir)
    for field, text in content.texts():
        try:
            env.from_string(text)
        except TemplateError as exc:
            raise _fail(path, field, f"template: {exc}") from None
    return content


def render_text(templates_dir: str, text: str, variables: dict[str, Any]) -> str:
    """Render one content text in the letters' sandbox (plain text is returned unchanged).

    A text that only prints and tests the letter's values (no filter, call or loop: see `_PURE`)
    is a function of the values it names, so its rendering is kept per those values: the same
    facts drafted in each tone, the editor's re-render and a mail merge ask again, and a text that
    names only rulebook values (annualcreditreport.com's contact, an authority) renders once.
    """
    if "{" not in text:
        return text
    compiled = _compiled(templates_dir, text)
    if compiled.names is None:
        return compiled.template.render(variables)
    try:
        values = tuple((type(v), v) for v in (variables[n] for n in compiled.names))
        return _rendered(compiled, values)
    except (KeyError, TypeError):  # a name not given (StrictUndefined says which) or unhashable
        return compiled.template.render(variables)


def text_names(templates_dir: str, text: str) -> tuple[str, ...] | None:
    """The names a content text reads when its output depends only on their values (see
    `_PURE`): () for plain text, None when it must render each time."""
    return _compiled(templates_dir, text).names if "{" in text else ()


# Jinja nodes whose output depends only on the values of the names they read: printing, a
# field, a constant, `if`/`else`, comparisons and boolean logic. A filter or a call (`random`,
# `lipsum`, a method) may not, and a loop or `set` may assign names: such texts render each time.
_PURE = (
    nodes.Template,
    nodes.Output,
    nodes.TemplateData,
    nodes.Name,
    nodes.Getattr,
    nodes.Const,
    nodes.If,
    nodes.CondExpr,
    nodes.Not,
    nodes.And,
    nodes.Or,
    nodes.Compare,
    nodes.Operand,
)


@dataclass(frozen=True, eq=False)
class _Compiled:
    """A content text compiled in the letters' sandbox, and the names it reads when it is pure."""

    template: Any
    names: tuple[str, ...] | None


@lru_cache(maxsize=512)
def _compiled(templates_dir: str, text: str) -> _Compiled:
    """The text compiled in the letters' sandbox, its globals flattened into one dict.

    Why flattened: Jinja keeps a template's globals as a ChainMap over the environment's, and
    copies that into every render's context; a ChainMap copies an order of magnitude slower than a
    dict, and a letter renders a dozen of these short texts. The letters' environment never
    changes its globals after it is made, so the copy holds the same names.
    """
    from app.letters.render import letter_environment

    env = letter_environment(templates_dir)
    template = env.from_string(text)
    template.globals = dict(template.globals)
    tree = env.parse(text)
    pure = all(isinstance(node, _PURE) for node in tree.find_all(nodes.Node))
    names = tuple(sorted(meta.find_undeclared_variables(tree))) if pure else None
    return _Compiled(template, names)


@lru_cache(maxsize=4096)
def _rendered(compiled: _Compiled, values: tuple[tuple[type, Any], ...]) -> str:
    """A pure text rendered with these (type, value)s of its names (see `render_text`; the type
    is in the key because `1 == True` but they print differently)."""
    names = compiled.names or ()
    return str(compiled.template.render({n: v for n, (_, v) in zip(names, values, strict=True)}))
