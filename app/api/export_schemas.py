"""Response models of the mail-merge jobs API, and the one vocabulary of export format names.

Formats: letters export as `pdf|docx|txt|eml`, checklists as `csv|pdf`, merges as `txt|pdf` — the
same names as file extensions, nothing else accepted. The merge engine's own word for plain text
is `text` (app.export.merge); the API translates at its edge, so clients only ever see `txt`.
Jobs show ISO 8601 timestamps and the starting user's id, like every other API body.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

LetterFormat = Literal["pdf", "docx", "txt", "eml"]
ChecklistFormat = Literal["csv", "pdf"]
MergeFormat = Literal["txt", "pdf"]
_ENGINE_FORMAT = {"txt": "text", "pdf": "pdf"}


def engine_format(fmt: MergeFormat) -> str:
    """The merge engine's name for an API format."""
    return _ENGINE_FORMAT[fmt]


class MergeStarted(BaseModel):
    """A job accepted (202): poll `url` for progress."""

    id: str
    status: Literal["queued", "running"]
    url: str


class MergeChunks(BaseModel):
    """How far the job's chunks are."""

    total: int | None = None
    done: int = 0
    running: int = 0


class MergeJobPublic(BaseModel):
    """One mail-merge job: progress, counts and, when complete, the summary (no recipient data)."""

    id: str
    status: Literal["queued", "running", "complete", "failed", "interrupted"]
    phase: str = Field(
        description="The engine's own step (e.g. `binding` while status is running)."
    )
    channel: Literal["print", "email"] = "print"
    incident_id: int | None = None
    format: MergeFormat
    mode: Literal["per-recipient", "per-variant"]
    page_size: Literal["A4", "Letter"] = "Letter"
    created_by: int | None = Field(None, description="The id of the user who started the job.")
    created_at: datetime | None = None
    updated_at: datetime | None = None
    done: int = Field(0, description="Letters produced so far.")
    rejected: int = Field(0, description="Rows that produced no letter so far (rejects.csv).")
    total: int | None = Field(None, description="Rows in the recipients file, once counted.")
    chunks: MergeChunks | None = None
    error: str | None = None
    delivery: dict[str, int] | None = Field(
        None, description="E-mail channel: recipients per delivery state."
    )
    summary: dict[str, Any] | None = Field(
        None, description="When complete: letters per variant, rejects per reason, totals."
    )
    resumable: bool = Field(False, description="Interrupted, and can be resumed.")
    url: str


def _when(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    return datetime.fromisoformat(str(value))


def merge_job_public(status: dict[str, Any]) -> MergeJobPublic:
    """The API view of the engine's job status (app.export.jobs): its `text` format name, epoch
    times and the starter's e-mail become `txt`, ISO 8601 and the user id."""
    fmt = status.get("format")
    return MergeJobPublic(
        id=status["id"],
        status=status["status"],
        phase=str(status.get("phase") or status["status"]),
        channel=status.get("channel") or "print",
        incident_id=status.get("incident_id"),
        format="txt" if fmt == "text" else fmt,
        mode=status["mode"],
        page_size=status.get("page_size") or "Letter",
        created_by=status.get("created_by_id"),
        created_at=_when(status.get("created_at")),
        updated_at=_when(status.get("updated_at")),
        done=status.get("done") or 0,
        rejected=status.get("rejected") or 0,
        total=status.get("total"),
        chunks=status.get("chunks"),
        error=status.get("error"),
        delivery=status.get("delivery"),
        summary=status.get("summary"),
        resumable=bool(status.get("resumable")),
        url=f"/api/v1/exports/merges/{status['id']}",
    )
