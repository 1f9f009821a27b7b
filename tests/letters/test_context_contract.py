"""Templates may use only documented LetterContext fields; every field is documented."""

from __future__ import annotations

from dataclasses import fields

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
