#!/usr/bin/env python3
"""CI step: Candor installed the way the Dockerfile installs it starts clean and serves.

No container engine runs on the CI machines, so this is the closest thing to running the image:
build the wheel, install it into a fresh virtual environment in a temporary folder outside the
repository, lay out rules and templates the way the Dockerfile's final stage does (its `COPY`,
`WORKDIR` and `ENV` lines are read from the Dockerfile, with `/srv/candor` and `/opt/venv`
rewritten into the temporary folder, and the build stage's `RUN python ...` lines are run), then:

- production refuses a placeholder secret key and demo data (non-zero exit, one line);
- `candor init` creates the first admin; `candor serve` (port chosen by the OS) answers
  `/healthz`, `/readyz`, the sign-in page and the static file it links, with JSON logs;
- `candor draft` and `candor check` work on an example incident.

Standard library only (it runs before any project virtual environment exists). Exit 0 when
everything passed; otherwise 1 with the failed step on standard error.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
IMAGE_ROOT = "/srv/candor"
IMAGE_VENV = "/opt/venv"
START_TIMEOUT_S = 120


def step(message: str) -> None:
    """Print progress (CI logs)."""
    print(f"install-check: {message}", flush=True)


def fail(message: str) -> None:
    """Stop with the failed step."""
    print(f"install-check: FAILED: {message}", file=sys.stderr, flush=True)
    sys.exit(1)


def run(cmd: list[str], *, env: dict[str, str] | None = None, cwd: Path | None = None,
        stdin: str | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run a command, capturing output; fail the check (with its output) on a non-zero exit."""
    proc = subprocess.run(cmd, env=env, cwd=cwd, input=stdin, capture_output=True, text=True, check=False)
    if check and proc.returncode != 0:
        fail(f"{shlex.join(cmd)} exited {proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc


def dockerfile_stages(path: Path) -> list[list[tuple[str, str]]]:
    """The Dockerfile as stages of (instruction, arguments), continuation lines joined."""
    stages: list[list[tuple[str, str]]] = []
    logical = re.sub(r"\\\n", " ", path.read_text(encoding="utf-8"))
    for line in logical.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        instruction, _, args = line.partition(" ")
        instruction = instruction.upper()
        if instruction == "FROM":
            stages.append([])
        if stages:
            stages[-1].append((instruction, args.strip()))
    return stages


def parse_env(args: str) -> dict[str, str]:
    """`ENV A=1 B=2` (or the legacy `ENV A 1`) as a dict."""
    parts = shlex.split(args)
    if parts and "=" not in parts[0]:
        return {parts[0]: " ".join(parts[1:])}
    return dict(p.split("=", 1) for p in parts)


class Layout:
    """Paths of the image rewritten into a temporary folder."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.venv = tmp / "venv"
        self.root = tmp / "srv" / "candor"

    def rewrite(self, value: str) -> str:
        """Image path -> temporary path (the longest prefixes first)."""
        return value.replace(IMAGE_VENV, str(self.venv)).replace(IMAGE_ROOT, str(self.root))


def install(layout: Layout, stages: list[list[tuple[str, str]]]) -> None:
    """Build the wheel, install it into a fresh venv, run the build stage's `RUN python` lines."""
    step("creating a fresh virtual environment outside the repository")
    run([sys.executable, "-m", "venv", str(layout.venv)])
    pip = [str(layout.venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check", "--quiet"]
    step("building the wheel")
    dist = layout.tmp / "dist"
    run([*pip, "wheel", "--no-deps", "--wheel-dir", str(dist), str(REPO)])
    wheels = sorted(dist.glob("candor-*.whl"))
    if len(wheels) != 1:
        fail(f"expected one candor wheel in {dist}, found {[w.name for w in wheels]}")
    step(f"installing {wheels[0].name} and its dependencies")
    run([*pip, "install", str(wheels[0])])
    env = {**os.environ, "PATH": f"{layout.venv / 'bin'}:{os.environ.get('PATH', '')}"}
    for instruction, args in stages[0]:
        # The venv and `pip install .` were done above; run the other Python steps (e.g. data builds).
        if instruction == "RUN" and args.startswith("python ") and " -m venv " not in args:
            step(f"build stage: {args[:80]}")
            run(["sh", "-c", layout.rewrite(args)], env=env, cwd=layout.tmp)


def lay_out(layout: Layout, stages: list[list[tuple[str, str]]]) -> dict[str, str]:
    """Do the final stage's COPY (from the build context), WORKDIR and ENV; return the environment."""
    workdir = layout.root
    env: dict[str, str] = {}
    for instruction, args in stages[-1]:
        if instruction == "WORKDIR":
            workdir = Path(layout.rewrite(args))
            workdir.mkdir(parents=True, exist_ok=True)
        elif instruction == "COPY" and not args.startswith("--from"):
            src, dest = shlex.split(args)
            target = (workdir / dest).resolve()
            step(f"COPY {src} -> {target}")
            shutil.copytree(REPO / src, target, dirs_exist_ok=True)
        elif instruction == "ENV":
            env.update({k: layout.rewrite(v) for k, v in parse_env(args).items()})
    (layout.root / "var").mkdir(parents=True, exist_ok=True)
    env["PATH"] = env.get("PATH", "$PATH").replace("$PATH", "/usr/local/bin:/usr/bin:/bin")
    env["HOME"] = str(layout.tmp)
    return env


def cmd_of(stages: list[list[tuple[str, str]]]) -> list[str]:
    """The final stage's CMD (exec form)."""
    for instruction, args in reversed(stages[-1]):
        if instruction == "CMD":
            return list(json.loads(args))
    fail("the Dockerfile has no CMD")
    return []


def check_refusals(env: dict[str, str], cwd: Path) -> None:
    """Production with a placeholder secret or with demo data stops with one line, exit != 0."""
    for extra, expect in (({}, "CANDOR_SECRET_KEY"),
                          ({"CANDOR_SECRET_KEY": secrets.token_urlsafe(48), "CANDOR_DEMO_DATA": "true"}, "CANDOR_DEMO_DATA")):
        proc = run(["candor", "serve", "--port", "0"], env={**env, **extra}, cwd=cwd, check=False)
        lines = proc.stderr.strip().splitlines()
        if proc.returncode == 0 or len(lines) != 1 or expect not in lines[0]:
            fail(f"production start with {extra or 'the placeholder secret'} should exit non-zero with one line "
                 f"naming {expect}; got exit {proc.returncode}: {proc.stderr[-800:]}")
        step(f"refused as it should: {lines[0]}")


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    """GET a URL; (status, headers, body) also for 4xx/5xx."""
    try:
        with urllib.request.urlopen(url, timeout=30) as resp:  # noqa: S310 - a local http URL we built
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def check_serve(env: dict[str, str], cwd: Path, cmd: list[str]) -> None:
    """Start the image's CMD on 127.0.0.1, port 0; check the pages a load balancer and a user need."""
    cmd = [*cmd]
    for flag, value in (("--host", "127.0.0.1"), ("--port", "0")):
        if flag in cmd:
            cmd[cmd.index(flag) + 1] = value
        else:
            cmd += [flag, value]
    step(f"starting {shlex.join(cmd)}")
    log_path = cwd / "serve.log"
    with open(log_path, "w+", encoding="utf-8") as log:
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, text=True)  # noqa: S603
        try:
            base = wait_for_port(proc, log_path)
            status, _, body = get(f"{base}/healthz")
            if status != 200 or json.loads(body).get("status") != "ok":
                fail(f"/healthz answered {status}: {body[:300]!r}")
            status, _, body = get(f"{base}/readyz")
            if status != 200 or json.loads(body).get("status") != "ready":
                fail(f"/readyz answered {status}: {body[:600]!r}")
            status, headers, body = get(f"{base}/login")
            page = body.decode("utf-8", "replace")
            if status != 200 or "password" not in page.lower():
                fail(f"the sign-in page answered {status}")
            if not {k.lower() for k in headers} >= {"x-request-id"}:
                fail("responses carry no X-Request-ID header")
            statics = re.findall(r"""(?:href|src)=["']?(/static/[^"' >]+)""", page)
            if not statics:
                fail("the sign-in page links no static file")
            for path in statics:
                status, _, body = get(f"{base}{path}")
                if status != 200 or not body:
                    fail(f"static file {path} answered {status}")
            step(f"served /healthz, /readyz, /login and {', '.join(statics)}")
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        lines = [ln for ln in log_path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    not_json = [ln for ln in lines if not ln.startswith("{")]
    if env.get("CANDOR_LOG_FORMAT") == "json" and not_json:
        fail(f"CANDOR_LOG_FORMAT=json but these log lines are not JSON: {not_json[:3]}")
    access = [json.loads(ln) for ln in lines if ln.startswith("{") and '"candor.access"' in ln]
    if env.get("CANDOR_LOG_FORMAT") == "json" and not any(a.get("request_id") not in (None, "-") for a in access):
        fail("no access log line with a request id")


def wait_for_port(proc: subprocess.Popen[str], log_path: Path) -> str:
    """The base URL once uvicorn logs where it listens (port 0: the OS picked it)."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        text = log_path.read_text(encoding="utf-8")
        found = re.search(r"running on (http://127\.0\.0\.1:\d+)", text)
        if found:
            return found.group(1)
        if proc.poll() is not None:
            fail(f"candor serve exited {proc.returncode} at start-up:\n{text[-3000:]}")
        time.sleep(0.2)
    fail(f"candor serve did not start within {START_TIMEOUT_S} s:\n{log_path.read_text(encoding='utf-8')[-3000:]}")
    return ""


def check_cli(env: dict[str, str], cwd: Path) -> None:
    """`candor draft` and `candor check` on an example incident, from the installed package."""
    facts = cwd / "facts.json"
    shutil.copy(REPO / "examples" / "retailer-card-breach.json", facts)
    draft = run(["candor", "draft", str(facts), "--tone", "plain", "--jurisdiction", "US-CA"], env=env, cwd=cwd)
    if "Notice of Data Breach" not in draft.stdout:
        fail(f"candor draft printed no letter: {draft.stdout[:300]!r}")
    check = run(["candor", "check", "-", "--facts", str(facts), "--jurisdiction", "US-CA", "--tone", "plain",
                 "--format", "json"], env=env, cwd=cwd, stdin=draft.stdout, check=False)
    if check.returncode not in (0, 1):
        fail(f"candor check exited {check.returncode}: {check.stderr[-800:]}")
    report = json.loads(check.stdout)
    if "findings" not in report or not report.get("rulebook"):
        fail("candor check --format json printed no report")
    step(f"candor draft and candor check work (check exit {check.returncode}, {len(report['findings'])} findings)")


def main() -> int:
    """Run every step in a temporary folder; remove it afterwards."""
    started = time.monotonic()
    stages = dockerfile_stages(REPO / "Dockerfile")
    if len(stages) < 2:
        fail("expected a multi-stage Dockerfile (build stage, final stage)")
    with tempfile.TemporaryDirectory(prefix="candor-install-") as tmp_name:
        layout = Layout(Path(tmp_name))
        install(layout, stages)
        env = lay_out(layout, stages)
        env["PATH"] = f"{layout.venv / 'bin'}:{env['PATH']}"
        cwd = Path(layout.rewrite(next((a for i, a in reversed(stages[-1]) if i == "WORKDIR"), IMAGE_ROOT)))
        where = run([str(layout.venv / "bin" / "python"), "-c", "import app; print(app.__file__)"], env=env, cwd=cwd)
        if not where.stdout.strip().startswith(str(layout.venv)):
            fail(f"the app package is imported from {where.stdout.strip()}, not from the fresh install")
        check_refusals(env, cwd)
        env["CANDOR_SECRET_KEY"] = secrets.token_urlsafe(48)
        init = run(["candor", "init", "--email", "admin@example.org"], env=env, cwd=cwd)
        if "one-time password" not in init.stdout:
            fail(f"candor init created no admin: {init.stdout!r}")
        check_serve(env, cwd, cmd_of(stages))
        check_cli(env, cwd)
    step(f"passed in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
