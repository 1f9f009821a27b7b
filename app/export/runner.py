"""Where long jobs run: procrastinate tasks taken by `candor worker` processes, or a thread here.

Why procrastinate: it needs nothing beside the PostgreSQL database Candor already uses (jobs are
rows taken with ``SELECT … FOR UPDATE SKIP LOCKED``), it retries, cancels, and detects a dead
worker by its missing heartbeat, and its workers run on any machine that reaches the database.
On the embedded SQLite default there is no worker process: the same task functions run in one
background thread of the web process, so `make serve` needs nothing else.

A task is a plain function ``task(runtime, **kwargs)`` registered in :data:`TASKS` (JSON-able
keyword arguments only); :class:`Runtime` gives it the database, the settings and the runner to
defer follow-up tasks. Both runners offer ``defer(name, **kwargs)`` and ``active(job_id)``.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

log = logging.getLogger("candor.jobs")

QUEUE = "candor"
TASKS: dict[str, Callable[..., None]] = {}
"""Task name -> function(runtime, **kwargs); filled by :func:`task`."""


def task(name: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register a task function under ``name`` (for both runners)."""

    def deco(fn: Callable[..., None]) -> Callable[..., None]:
        TASKS[name] = fn
        return fn

    return deco


class Runner(Protocol):
    """What starts tasks: :class:`InProcessRunner` or :class:`ProcrastinateRunner`."""

    in_process: bool

    def defer(self, name: str, **kwargs: Any) -> None:
        """Queue task ``name`` with JSON-able keyword arguments."""

    def active(self, job_id: str) -> bool:
        """Whether this runner still has work queued or running for ``job_id`` (in-process only)."""


@dataclass
class Runtime:
    """What a task gets: the store, the settings and the runner (to defer follow-up tasks)."""

    db: Any
    settings: Any
    runner: Runner
    worker: str = "in-process"
    hooks: dict[str, Any] | None = None  # test hooks (e.g. ``stop_after``), in-process only
    workflow: Any = None  # the web app's WorkflowContext (in-process); workers load their own


def _load_tasks() -> None:
    from app.export import bulk_tasks, merge_tasks  # noqa: F401 - registers the tasks


class InProcessRunner:
    """One daemon thread of this process runs the tasks, one after another (SQLite: one writer).

    A daemon thread, so stopping the server does not wait for a merge: the job then reads as
    ``interrupted`` and can be resumed (every task is idempotent).
    """

    in_process = True

    def __init__(self, db: Any, settings: Any, workflow: Any = None):
        _load_tasks()
        self.runtime = Runtime(db=db, settings=settings, runner=self, hooks={}, workflow=workflow)
        self._queue: queue.Queue[tuple[str, dict[str, Any]] | None] = queue.Queue()
        self._pending: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._thread = threading.Thread(target=self._loop, name="candor-jobs", daemon=True)
        self._thread.start()

    def defer(self, name: str, **kwargs: Any) -> None:
        """Queue the task on the background thread."""
        if name not in TASKS:
            raise KeyError(name)
        with self._lock:
            self._pending[str(kwargs.get("job_id", ""))] += 1
        self._queue.put((name, kwargs))

    def _loop(self) -> None:
        while (item := self._queue.get()) is not None:
            name, kwargs = item
            job_id = str(kwargs.get("job_id", ""))
            try:
                TASKS[name](self.runtime, **kwargs)
            except Exception:
                log.exception("task %s failed", name)
            finally:
                with self._lock:
                    self._pending[job_id] -= 1
                    if self._pending[job_id] <= 0:
                        del self._pending[job_id]
                    self._idle.notify_all()

    def active(self, job_id: str) -> bool:
        """True while a task of the job is queued or running here."""
        with self._lock:
            return self._pending.get(job_id, 0) > 0

    def wait(self, job_id: str | None = None, timeout: float | None = None) -> bool:
        """Block until the job's tasks (or every task) have run; False on timeout (tests)."""
        with self._lock:
            return self._idle.wait_for(
                lambda: (
                    not (self._pending.get(job_id, 0) if job_id else sum(self._pending.values()))
                ),
                timeout,
            )

    def shutdown(self) -> None:
        """Stop the thread after the tasks already queued."""
        self._queue.put(None)


def conninfo(database_url: str) -> str:
    """The libpq connection string of a SQLAlchemy PostgreSQL URL (drops the ``+driver``)."""
    from sqlalchemy.engine import make_url

    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


_SCHEMA_LOCK = 0x43414E45  # "CANE": procrastinate schema creation


def ensure_schema(database_url: str) -> None:
    """Create procrastinate's tables, types and functions if the database has none yet."""
    import psycopg
    from procrastinate.schema import SchemaManager

    with psycopg.connect(conninfo(database_url), autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (_SCHEMA_LOCK,))
        try:
            found = conn.execute("SELECT to_regclass('procrastinate_jobs')").fetchone()
            if found and found[0] is None:
                conn.execute(SchemaManager.get_schema())  # type: ignore[arg-type]
                log.info("worker: created procrastinate's schema")
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (_SCHEMA_LOCK,))


class ProcrastinateRunner:
    """Defers tasks into procrastinate's queue in PostgreSQL; `candor worker` processes run them."""

    in_process = False

    def __init__(self, database_url: str):
        import procrastinate

        self.database_url = database_url
        self.app = procrastinate.App(
            connector=procrastinate.SyncPsycopgConnector(
                conninfo=conninfo(database_url), min_size=1, max_size=4
            )
        )
        self._opened = False
        self._lock = threading.Lock()

    def _open(self) -> None:
        with self._lock:
            if not self._opened:
                ensure_schema(self.database_url)
                self.app.open()
                self._opened = True

    def defer(self, name: str, **kwargs: Any) -> None:
        """Queue the task for any worker."""
        self._open()
        self.app.configure_task(name=name, queue=QUEUE).defer(**kwargs)

    def active(self, job_id: str) -> bool:
        """Workers elsewhere run the job; a dead worker's task is retried, so never 'interrupted'."""
        return True

    def shutdown(self) -> None:
        """Close the connection pool."""
        with self._lock:
            if self._opened:
                self.app.close()
                self._opened = False


def uses_workers(settings: Any) -> bool:
    """Whether jobs go to procrastinate workers (``JOBS``; ``auto``: on PostgreSQL)."""
    if settings.JOBS == "auto":
        return not settings.DATABASE_URL.startswith("sqlite")
    return settings.JOBS == "workers"


def make_runner(settings: Any, db: Any, workflow: Any = None) -> Runner:
    """The runner the settings ask for (``workflow``: the app's context, for in-process tasks)."""
    if uses_workers(settings):
        return ProcrastinateRunner(settings.DATABASE_URL)
    return InProcessRunner(db, settings, workflow)
