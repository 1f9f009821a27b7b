"""compose.yaml and the Dockerfile agree with the code: every setting they use exists in Settings,
the image's command parses, its paths point at what it copies, and production there is safe."""

from __future__ import annotations

import importlib.util
import shlex
from pathlib import Path, PurePosixPath

import pytest
import yaml

from app.cli import build_parser, subcommands
from app.core.config import PROJECT_ROOT, REQUIRED_DIRS, Settings
from app.main import create_app

COMPOSE = yaml.safe_load((PROJECT_ROOT / "compose.yaml").read_text())
SETTINGS = set(Settings.model_fields)


def _install_check():
    """The Dockerfile reader of .ci/install_check.py (one parser for the CI step and this test)."""
    spec = importlib.util.spec_from_file_location(
        "install_check", PROJECT_ROOT / ".ci" / "install_check.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


IC = _install_check()
STAGES = IC.dockerfile_stages(PROJECT_ROOT / "Dockerfile")
FINAL = STAGES[-1]
IMAGE_ENV = {k: v for i, a in FINAL if i == "ENV" for k, v in IC.parse_env(a).items()}


def _candor_names(env: dict[str, str]) -> set[str]:
    return {k.removeprefix("CANDOR_") for k in env if k.startswith("CANDOR_")}


def _routes() -> set[str]:
    from app.api.routes import health

    return {r.path for r in health.router.routes}


def _subcommands() -> set[str]:
    return set(subcommands())


def _probe_path(test: list[str] | str) -> str:
    text = test if isinstance(test, str) else " ".join(test)
    for path in ("/readyz", "/healthz"):
        if path in text:
            return path
    raise AssertionError(f"health check probes neither /readyz nor /healthz: {text}")


@pytest.mark.parametrize("service", sorted(COMPOSE["services"]))
def test_compose_settings_exist(service: str) -> None:
    env = COMPOSE["services"][service].get("environment") or {}
    unknown = _candor_names(env) - SETTINGS
    assert not unknown, (
        f"compose.yaml service {service} sets CANDOR_{sorted(unknown)} which Settings does not have"
    )


def test_compose_service_is_production_ready() -> None:
    services = COMPOSE["services"]
    candor = services["candor"]
    env = candor["environment"]
    assert env["CANDOR_ENVIRONMENT"] == "production"
    assert str(env.get("CANDOR_DEMO_DATA", "false")).lower() == "false"
    assert "CANDOR_SECRET_KEY" in env and "${" in env["CANDOR_SECRET_KEY"], (
        "the secret key comes from .env, never the file"
    )
    assert (
        env["CANDOR_DATABASE_URL"].startswith("postgresql+psycopg://")
        and "@db:" in env["CANDOR_DATABASE_URL"]
    )
    assert _probe_path(candor["healthcheck"]["test"]) in _routes()
    assert candor["depends_on"]["db"]["condition"] == "service_healthy"
    db = services["db"]
    assert "healthcheck" in db
    named = {v.split(":")[0] for v in db["volumes"]}
    assert named <= set(COMPOSE["volumes"]), "PostgreSQL data lives in a named volume"


def test_compose_commands_exist() -> None:
    """A service may run `candor X` only if X is a sub-command (no `candor worker` until it exists)."""
    for name, service in COMPOSE["services"].items():
        command = service.get("command")
        if not command:
            continue
        argv = shlex.split(command) if isinstance(command, str) else list(command)
        if argv[0] == "candor":
            assert argv[1] in _subcommands(), (
                f"compose service {name} runs `candor {argv[1]}`, which does not exist"
            )


def test_dockerfile_settings_exist_and_production_is_safe() -> None:
    unknown = _candor_names(IMAGE_ENV) - SETTINGS
    assert not unknown, f"Dockerfile sets CANDOR_{sorted(unknown)} which Settings does not have"
    assert IMAGE_ENV["CANDOR_ENVIRONMENT"] == "production"
    assert "CANDOR_SECRET_KEY" not in IMAGE_ENV, "no secret baked into the image"
    assert IMAGE_ENV.get("CANDOR_DEMO_DATA", "false").lower() == "false"


def test_dockerfile_cmd_parses() -> None:
    cmd = IC.cmd_of(STAGES)
    assert cmd[0] == "candor"
    args = build_parser().parse_args(cmd[1:])
    assert args.command == "serve"


def test_dockerfile_healthcheck_probes_a_route() -> None:
    check = next(a for i, a in FINAL if i == "HEALTHCHECK")
    assert _probe_path(check) in _routes()


def test_dockerfile_paths_point_at_what_it_copies() -> None:
    """CANDOR_RULES_DIR and CANDOR_TEMPLATES_DIR name folders the final stage copies from the repository."""
    workdir = PurePosixPath("/")
    copied: dict[PurePosixPath, Path] = {}
    for instruction, args in FINAL:
        if instruction == "WORKDIR":
            workdir = PurePosixPath(args)
        elif instruction == "COPY" and not args.startswith("--from"):
            src, dest = shlex.split(args)
            copied[PurePosixPath(str(workdir / dest).replace("/./", "/"))] = PROJECT_ROOT / src
    for name in REQUIRED_DIRS:
        value = PurePosixPath(IMAGE_ENV[f"CANDOR_{name}"])
        source = next(
            (
                src / value.relative_to(dest)
                for dest, src in copied.items()
                if value.is_relative_to(dest)
            ),
            None,
        )
        assert source is not None, f"CANDOR_{name}={value} is not under any COPY destination"
        assert source.is_dir(), (
            f"CANDOR_{name}={value} would be {source} in the repository, which is not a folder"
        )
    for key in ("CANDOR_DATABASE_URL", "CANDOR_EXPORT_DIR"):
        assert "/srv/candor/var" in IMAGE_ENV[key], (
            f"{key} must be under the writable /srv/candor/var"
        )


def test_image_settings_start_the_app(tmp_path: Path) -> None:
    """The image's environment (paths mapped onto the repository, a real secret) builds the app."""
    layout = IC.Layout(tmp_path)
    env = {
        k.removeprefix("CANDOR_"): layout.rewrite(v)
        for k, v in IMAGE_ENV.items()
        if k.startswith("CANDOR_")
    }
    env["RULES_DIR"] = str(PROJECT_ROOT / "rules")
    env["TEMPLATES_DIR"] = str(PROJECT_ROOT / "templates" / "letters")
    env["DATABASE_URL"] = f"sqlite:///{tmp_path}/candor.db"
    env.pop("NLTK_DATA", None)  # the image builds it at /opt/venv; here the dev venv's copy is used
    settings = Settings(SECRET_KEY="x" * 40, **env)  # type: ignore[arg-type]
    assert settings.DEMO_DATA is False and settings.SESSION_COOKIE_SECURE is True
    app = create_app(settings)
    app.state.db.dispose()
