"""A procrastinate worker process running Candor's tasks (what `candor worker` starts).

The worker registers every task of :data:`app.export.runner.TASKS` under its name, creates
procrastinate's tables on first use (under an advisory lock, so workers starting together do not
race), and beside the task loop runs a reaper: every few seconds it asks procrastinate for tasks
held by workers whose heartbeat stopped (a machine lost, a process SIGKILLed) and puts them back in
the queue, so another worker redoes them. The merge tasks are idempotent per recipient (a unique
constraint in app.store.merge_models), so a redone chunk produces nobody twice.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from typing import Any

from app.export.runner import QUEUE, TASKS, Runtime, _load_tasks, conninfo, ensure_schema

log = logging.getLogger("candor.worker")


class _DeferringRunner:
    """The runner tasks see inside a worker: follow-up tasks go back to procrastinate's queue."""

    in_process = False

    def __init__(self, app: Any):
        self.app = app

    def defer(self, name: str, **kwargs: Any) -> None:
        self.app.configure_task(name=name, queue=QUEUE).defer(**kwargs)

    def active(self, job_id: str) -> bool:
        return True


def build_app(settings: Any, db: Any, name: str) -> Any:
    """A procrastinate App with every Candor task registered (sync tasks run in a thread)."""
    import procrastinate

    _load_tasks()
    app = procrastinate.App(
        connector=procrastinate.PsycopgConnector(conninfo=conninfo(settings.DATABASE_URL))
    )
    runtime = Runtime(db=db, settings=settings, runner=_DeferringRunner(app), worker=name)
    for task_name, fn in TASKS.items():

        def run(_fn: Any = fn, **kwargs: Any) -> None:
            _fn(runtime, **kwargs)

        app.task(name=task_name, queue=QUEUE)(run)
    return app


async def _reap(app: Any, settings: Any) -> None:
    """Put tasks of dead workers (no heartbeat for WORKER_STALLED_S) back in the queue."""
    every = max(1.0, min(settings.WORKER_STALLED_S / 3, 15.0))
    while True:
        await asyncio.sleep(every)
        try:
            stalled = await app.job_manager.get_stalled_jobs(
                seconds_since_heartbeat=settings.WORKER_STALLED_S
            )
            for job in stalled:
                log.warning(
                    "worker: task %s #%s of a dead worker queued again", job.task_name, job.id
                )
                await app.job_manager.retry_job(job)
        except Exception:
            log.exception("worker: stalled-task sweep failed")


async def _serve(app: Any, settings: Any, name: str) -> None:
    async with app.open_async():
        reaper = asyncio.create_task(_reap(app, settings))
        try:
            await app.run_worker_async(
                queues=[QUEUE],
                name=name,
                concurrency=1,
                update_heartbeat_interval=settings.WORKER_HEARTBEAT_S,
                stalled_worker_timeout=settings.WORKER_STALLED_S,
                fetch_job_polling_interval=1.0,
                delete_jobs="successful",
            )
        finally:
            reaper.cancel()


def run_worker(settings: Any) -> None:
    """Run one worker process until SIGTERM/SIGINT (a second signal stops at once)."""
    from app.store.db import Database
    from app.store.migrate import upgrade

    if not settings.DATABASE_URL.startswith("postgresql"):
        raise ValueError(
            "candor worker needs PostgreSQL (CANDOR_DATABASE_URL); on SQLite the web process runs "
            "the jobs itself"
        )
    db = Database.for_settings(settings)
    upgrade(db.engine)
    ensure_schema(settings.DATABASE_URL)
    name = f"{socket.gethostname()}-{os.getpid()}"
    app = build_app(settings, db, name)
    log.info("worker %s: taking tasks from queue %r", name, QUEUE)
    try:
        asyncio.run(_serve(app, settings, name))
    finally:
        db.dispose()
