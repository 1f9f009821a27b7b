"""The README's API examples work as written: each command of its API section runs against a real
`candor serve` (demo data on, as `make serve` has it). Shell words are expanded by bash itself
(`$TOKEN`, `$(cat examples/…)`, quoting), then each curl command is sent with httpx to the test
server instead of localhost:8000; the `TOKEN=$(candor users token …)` line runs as written."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from support.storedb import server_env, start_server

from app.core.config import PROJECT_ROOT

pytestmark = pytest.mark.slow


def readme_commands() -> list[str]:
    """The shell commands of the README's `## API` section (continuation lines joined)."""
    readme = (PROJECT_ROOT / "README.md").read_text()
    section = readme.split("\n## API\n", 1)[1].split("\n## ", 1)[0]
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", section, re.S):
        for command in block.replace("\\\n", " ").splitlines():
            if command.strip() and not command.lstrip().startswith("#"):
                commands.append(command.strip())
    return commands


def _words(command: str, env: dict[str, str]) -> list[str]:
    """Let bash expand the command's words exactly as a user's shell would."""
    script = "printf '%s\\0' " + command
    out = subprocess.run(
        ["bash", "-c", script], env=env, cwd=PROJECT_ROOT, capture_output=True, check=True
    )
    return out.stdout.decode().split("\0")[:-1]


def _send(args: list[str], base: str, out_dir: Path) -> httpx.Response:
    """Send what `curl ARGS` would send (the options the README uses; any other fails the test)."""
    headers: dict[str, str] = {}
    data = None
    method = None
    url = None
    output = None
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "-s":
            i += 1
            continue
        if arg in ("-H", "-d", "-X", "-o"):
            value = args[i + 1]
            if arg == "-H":
                name, _, header_value = value.partition(":")
                headers[name.strip()] = header_value.strip()
            elif arg == "-d":
                data = value
            elif arg == "-X":
                method = value
            else:
                output = out_dir / value
            i += 2
            continue
        assert not arg.startswith("-"), (
            f"the README uses a curl option this test does not know: {arg}"
        )
        assert url is None, f"two URLs in one curl command: {url}, {arg}"
        url = arg
        i += 1
    assert url and url.startswith("localhost:8000/"), url
    r = httpx.request(
        method or ("POST" if data is not None else "GET"),
        base + url.removeprefix("localhost:8000"),
        headers=headers,
        content=data,
        timeout=300,
    )
    if output is not None:
        output.write_bytes(r.content)
    return r


def test_readme_api_examples_run_as_written(tmp_path):
    commands = readme_commands()
    assert sum(c.startswith("curl ") for c in commands) >= 4, commands
    env = server_env(f"sqlite:///{tmp_path}/candor.db", tmp_path, CANDOR_DEMO_DATA="true")
    server = start_server(env, tmp_path / "server.log")
    shell_env = {**env, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"}
    try:
        for command in commands:
            if command.startswith("TOKEN="):
                out = subprocess.run(
                    ["bash", "-c", f'set -e; {command}; printf %s "$TOKEN"'],
                    env=shell_env,
                    cwd=PROJECT_ROOT,
                    capture_output=True,
                    text=True,
                    check=False,
                )
                assert out.returncode == 0 and out.stdout, out.stderr
                shell_env["TOKEN"] = out.stdout
                continue
            assert command.startswith("curl "), f"not a curl command: {command}"
            assert "TOKEN" in shell_env, "the README must create $TOKEN before using it"
            r = _send(_words(command.removeprefix("curl "), shell_env), server.base, tmp_path)
            assert r.status_code < 300, (command, r.status_code, r.text[:500])
            if r.headers["content-type"].startswith("application/json"):
                assert r.json()
            else:
                assert r.headers["content-type"] == "application/pdf" and r.content[:5] == b"%PDF-"
                assert (tmp_path / "letter.pdf").read_bytes() == r.content
    finally:
        server.stop()
