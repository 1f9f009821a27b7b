"""Shared fixtures: settings pointing at the repo's rules and templates, the rulebook, example facts."""

from __future__ import annotations

import atexit
import json
import os
import shutil
import tempfile

import pytest

from app.core.config import PROJECT_ROOT, Settings
from app.domain.facts import IncidentFacts
from app.rulebook.loader import Rulebook, load_rulebook

EXAMPLES = PROJECT_ROOT / "examples"

# Each test process gets its own cache folder (CANDOR_CACHE_DIR; command-line runs started by a
# test inherit it), removed when the process ends. The user's folder (~/.cache/candor) is shared
# by every run, worktree and code version on the machine: a compiled rulebook written there by a
# process whose code changed on disk while it ran (a rebase or a landing under a running suite)
# carries another reader's required literals, and a test that loaded it disagreed with one that
# had read the rules itself (tests/checks/test_literal_index.py, in a whole-suite run only).
CACHE_DIR = tempfile.mkdtemp(prefix="candor-test-cache-")
os.environ["CANDOR_CACHE_DIR"] = CACHE_DIR
atexit.register(shutil.rmtree, CACHE_DIR, ignore_errors=True)

# Failed asserts in the shared helpers (e.g. support.golden's comparison) show pytest's diff too.
pytest.register_assert_rewrite("support")

# The store fixtures (`db_url`: a fresh SQLite and PostgreSQL database per test; `store`) for every
# test directory, without importing fixture names into test modules.
pytest_plugins = ("support.storedb",)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="Rewrite golden files from the current output."
    )


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    from support.storedb import AUDIT_KEY  # here, not at import: pytest rewrites support's asserts

    data = tmp_path_factory.mktemp("var")
    s = Settings(
        ENVIRONMENT="test",
        DATABASE_URL=f"sqlite:///{data}/candor.db",
        EXPORT_DIR=data / "exports",
        TODAY="2026-11-27",
        DEMO_DATA=True,
        AUDIT_KEY=AUDIT_KEY,  # never the default key file under ./var of the working tree
    )
    return s


@pytest.fixture(scope="session")
def rulebook() -> Rulebook:
    return load_rulebook(PROJECT_ROOT / "rules")


def load_example(name: str) -> IncidentFacts:
    return IncidentFacts.model_validate(json.loads((EXAMPLES / f"{name}.json").read_text()))


@pytest.fixture(scope="session")
def example_facts() -> dict[str, IncidentFacts]:
    return {p.stem: load_example(p.stem) for p in sorted(EXAMPLES.glob("*.json"))}
