"""Production start-up refuses what is unsafe, with one line and a non-zero exit; missing folders
name their setting; `candor init` is the way in; demo facts ship with the package."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from app.core.config import PROJECT_ROOT, ConfigError, Settings
from app.demo import DEMO_FACTS
from app.main import create_app
from app.store.db import Database

GOOD_SECRET = "k" * 48


def _candor(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CANDOR_")}
    return subprocess.run(
        [sys.executable, "-c", "import sys; from app.cli import main; sys.exit(main())", *args],
        env={**clean, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({}, "CANDOR_SECRET_KEY"),
        ({"CANDOR_SECRET_KEY": "changethis"}, "CANDOR_SECRET_KEY"),
        ({"CANDOR_SECRET_KEY": GOOD_SECRET, "CANDOR_DEMO_DATA": "true"}, "CANDOR_DEMO_DATA"),
    ],
)
def test_production_start_refuses_with_one_line(
    tmp_path: Path, env: dict[str, str], names: str
) -> None:
    base = {
        "CANDOR_ENVIRONMENT": "production",
        "CANDOR_DATABASE_URL": f"sqlite:///{tmp_path}/c.db",
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    proc = _candor(["serve", "--port", "0"], {**base, **env}, tmp_path)
    lines = proc.stderr.strip().splitlines()
    assert proc.returncode == 2, proc.stderr
    assert len(lines) == 1 and lines[0].startswith("candor: error: ") and names in lines[0], (
        proc.stderr
    )
    assert not (tmp_path / "c.db").exists(), "refused before touching the database"


def test_demo_data_defaults_off_outside_development() -> None:
    assert Settings(ENVIRONMENT="development").DEMO_DATA is True
    assert Settings(ENVIRONMENT="test").DEMO_DATA is False
    assert Settings(ENVIRONMENT="production", SECRET_KEY=GOOD_SECRET).DEMO_DATA is False
    assert Settings(ENVIRONMENT="test", DEMO_DATA=True).DEMO_DATA is True


@pytest.mark.parametrize("name", ["RULES_DIR", "TEMPLATES_DIR"])
def test_missing_folder_names_its_setting(tmp_path: Path, name: str) -> None:
    settings = Settings(
        ENVIRONMENT="test",
        DATABASE_URL=f"sqlite:///{tmp_path}/c.db",
        **{name: tmp_path / "nowhere"},
    )
    with pytest.raises(
        ConfigError, match=f"^CANDOR_{name}: .*nowhere is not a folder; set CANDOR_{name} to"
    ):
        create_app(settings)


def test_cli_missing_rules_folder_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "letter.md").write_text("We are sorry.\n")
    proc = _candor(
        ["check", "letter.md"],
        {"CANDOR_RULES_DIR": str(tmp_path / "nowhere"), "PYTHONPATH": str(PROJECT_ROOT)},
        tmp_path,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"candor: error: CANDOR_RULES_DIR: {tmp_path / 'nowhere'} is not a folder; set CANDOR_RULES_DIR to the "
        "folder of rule files (the repository's rules/)"
    ]


def test_init_creates_the_first_admin_once(tmp_path: Path) -> None:
    env = {
        "CANDOR_ENVIRONMENT": "production",
        "CANDOR_SECRET_KEY": GOOD_SECRET,
        "CANDOR_DATABASE_URL": f"sqlite:///{tmp_path}/c.db",
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    first = _candor(["init", "--email", "Admin@Example.org"], env, tmp_path)
    assert first.returncode == 0, first.stderr
    assert "one-time password: " in first.stdout
    again = _candor(["init", "--email", "other@example.org"], env, tmp_path)
    assert again.returncode == 0 and "already initialised: 1 user" in again.stdout
    db = Database.from_url(env["CANDOR_DATABASE_URL"])
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT email, role FROM users")).all()
    db.dispose()
    assert [tuple(r) for r in rows] == [("admin@example.org", "admin")]


def test_packaged_demo_facts_equal_the_example() -> None:
    """The seed reads package data; examples/ (README, tests) must say the same."""
    example = PROJECT_ROOT / "examples" / "retailer-card-breach.json"
    assert json.loads(DEMO_FACTS.read_text()) == json.loads(example.read_text())
    assert DEMO_FACTS.is_relative_to(PROJECT_ROOT / "app")
