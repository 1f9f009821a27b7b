"""Templates may use only documented LetterContext fields; every field is documented."""

from __future__ import annotations

from dataclasses import fields

import pytest
from jinja2 import meta

from app.core.config import PROJECT_ROOT
from app.letters.context import LetterContext, documented_fields
from app.letters.render import letter_environment

TEMPLATES = PROJECT_ROOT / "templates" / "letters"


def _closure(env, name: str, seen: set[str]) -> set[str]:
    """Undeclared variables of a template and of everything it extends or includes."""
    if name in seen:
        return set()
    seen.add(name)
    source = env.loader.get_source(env, name)[0]
    ast = env.parse(source)
    names = set(meta.find_undeclared_variables(ast))
    for ref in meta.find_referenced_templates(ast):
        if ref:
            names |= _closure(env, ref, seen)
    return names


def test_every_template_variable_is_documented():
    env = letter_environment(str(TEMPLATES))
    for path in sorted(TEMPLATES.glob("*.md.j2")):
        used = _closure(env, path.name, set())
        unknown = used - documented_fields()
        assert not unknown, f"{path.name} uses undocumented variables {sorted(unknown)}"


def test_every_context_field_has_help():
    for f in fields(LetterContext):
        assert f.metadata.get("help"), f"LetterContext.{f.name} has no help text"


def test_sandbox_blocks_unsafe_template_code(tmp_path):
    from jinja2.exceptions import SecurityError

    from app.letters.render import letter_environment as env_for

    (tmp_path / "evil.md.j2").write_text("{{ ''.__class__.__mro__[1].__subclasses__() }}")
    env = env_for(str(tmp_path))
    import pytest

    with pytest.raises(SecurityError):
        env.get_template("evil.md.j2").render()


def test_undefined_variable_fails_loudly(tmp_path):
    import pytest
    from jinja2.exceptions import UndefinedError

    from app.letters.render import letter_environment as env_for

    (tmp_path / "typo.md.j2").write_text("Dear {{ recipent_name }}")
    with pytest.raises(UndefinedError):
        env_for(str(tmp_path)).get_template("typo.md.j2").render()


def _same_read(a, b) -> bool:
    """Two sandbox reads agree: the same value, or both refused (an undefined) alike."""
    from jinja2 import Undefined

    if isinstance(a, Undefined) or isinstance(b, Undefined):
        return type(a) is type(b) and a._undefined_hint == b._undefined_hint
    return a is b or a == b


def test_letter_sandbox_reads_records_as_the_sandbox_does(example_facts, rulebook):
    """The short path for the letter's own records (LetterSandbox.getattr) gives what Jinja's
    SandboxedEnvironment gives, for every field and for names the sandbox refuses."""
    from dataclasses import fields as dc_fields

    from jinja2.sandbox import SandboxedEnvironment

    from app.letters.context import build_context
    from app.letters.render import _RECORD_FIELDS, LetterSandbox

    ctx = build_context(
        example_facts["hospital-ransomware"], rulebook, jurisdiction="US-HIPAA", tone="plain"
    )
    records = [ctx, ctx.timeline, ctx.ftc, ctx.steps[0], ctx.monitoring]
    assert {type(r) for r in records} == set(_RECORD_FIELDS)
    ours, theirs = LetterSandbox(), SandboxedEnvironment()
    probes = ["shows", "__class__", "__dict__", "_private", "mro", "format", "__init__"]
    for record in records:
        for name in [f.name for f in dc_fields(record)] + probes:
            assert _same_read(ours.getattr(record, name), theirs.getattr(record, name)), name


def test_letter_sandbox_still_vets_a_callable_field_and_private_names(tmp_path):
    """A record field holding a callable (here `str.format`) takes the sandbox's own path, which
    wraps it so the format string cannot reach private attributes; `__class__` stays refused."""
    from jinja2.exceptions import SecurityError

    from app.letters.directory import Contact
    from app.letters.render import letter_environment

    env = letter_environment(str(tmp_path))
    evil = Contact(name="{0.__class__}".format)
    with pytest.raises(SecurityError):
        env.from_string("{{ c.name(c) }}").render(c=evil)
    with pytest.raises(SecurityError):
        env.from_string("{{ c.__class__.__mro__ }}").render(c=Contact(name="x"))
    assert env.from_string("{{ c.name }}").render(c=Contact(name="x")) == "x"


def test_letter_sandbox_calls_a_pure_method_as_the_sandbox_does(example_facts, rulebook):
    """The short path for `ctx.shows(...)` (LetterSandbox.call) answers as Jinja's sandbox does,
    at the top level, in a loop and in a block; any other callable is still vetted."""
    from jinja2.exceptions import SecurityError
    from jinja2.sandbox import SandboxedEnvironment, unsafe

    from app.letters.context import build_context
    from app.letters.render import LetterSandbox

    ctx = build_context(
        example_facts["hospital-ransomware"], rulebook, jurisdiction="US-MA", tone="formal"
    )
    names = sorted(ctx.include | ctx.exclude) + ["no_such_element"]
    source = (
        "{{ ctx.shows('what_happened') }}{% for e in names %} {{ ctx.shows(e) }}{% endfor %}"
        "{% block b %}{% set x = 1 %}{{ ctx.shows(names[0]) }}{{ x }}{% endblock %}"
    )
    ours = LetterSandbox().from_string(source).render(ctx=ctx, names=names)
    assert ours == SandboxedEnvironment().from_string(source).render(ctx=ctx, names=names)
    assert "True" in ours and "False" in ours
    with pytest.raises(SecurityError):
        LetterSandbox().from_string("{{ f() }}").render(f=unsafe(lambda: 1))


def test_template_variables_are_the_context_fields_and_ctx(example_facts, rulebook):
    """context_vars copies the context's instance dictionary: it must hold exactly its fields."""
    from app.letters.context import build_context
    from app.letters.render import context_vars

    ctx = build_context(
        example_facts["hospital-ransomware"], rulebook, jurisdiction="US-CA", tone="plain"
    )
    variables = context_vars(ctx)
    assert set(variables) == {f.name for f in fields(LetterContext)} | {"ctx"}
    assert all(variables[f.name] is getattr(ctx, f.name) for f in fields(LetterContext))
