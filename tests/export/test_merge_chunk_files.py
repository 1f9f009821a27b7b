"""Per-variant text merges write one file per chunk and variant, not one per recipient
(app.export.merge.letterfiles.ChunkLetterFiles): the bound files must be exactly the letters the
per-recipient mode writes, in input order, whether the job ran straight through or was stopped in
the middle of a chunk and resumed; a chunk file that disagrees with the records stops the binding.

Real parts: the store (SQLite and PostgreSQL through `store`), the in-process job runner, files
on disk.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from support.recipients import STATES_12, plan_for, write_recipients
from support.storedb import test_settings

from app.export import jobs
from app.export.merge import MergeError
from app.export.merge.bind import bind_texts
from app.export.merge.letterfiles import SEPARATOR, ChunkLetterFiles
from app.export.runner import InProcessRunner

N = 150
CHUNK = 40


def _run(
    store, tmp_path: Path, db_url: str, mode: str, *, stop_after: int | None = None, hook: str = ""
):
    tmp_path.mkdir(parents=True, exist_ok=True)
    settings = test_settings(db_url, tmp_path)
    src = tmp_path / f"r-{mode}-{stop_after}.csv"
    write_recipients(src, N, STATES_12, bad=True, duplicates=2)
    runner = InProcessRunner(store.db, settings)
    with store.session() as s:
        job = jobs.create_job(
            s,
            settings.EXPORT_DIR,
            plan=plan_for(STATES_12),
            upload=src,
            fmt="text",
            mode=mode,
            incident_id=None,
            created_by=None,
            chunk_size=CHUNK,
        )
    if stop_after is not None:
        runner.runtime.hooks[hook or "stop_after"] = stop_after
        with store.session() as s:
            jobs.start(s, runner, job)
        assert runner.wait(job, 120)
        runner.runtime.hooks.clear()
        with store.db.reads() as s:
            st = jobs.view(s, job, runner)
        assert st["status"] == "interrupted" and st["done"] < N, st
        if hook == "cut_stop_after":  # chunks are recorded as they are cut: two so far
            assert st["total"] is None and st["chunks"]["total"] == stop_after, st
        with store.session() as s:
            jobs.resume(s, runner, job, user=None)
    else:
        with store.session() as s:
            jobs.start(s, runner, job)
    assert runner.wait(job, 120)
    with store.db.reads() as s:
        st = jobs.view(s, job, runner)
    assert st["status"] == "complete" and st["done"] == N, st
    return Path(settings.EXPORT_DIR) / "merges" / job / "out"


def _manifest(out: Path) -> list[dict[str, str]]:
    with open(out / "manifest.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize(
    ("hook", "stop_after"), [("", None), ("stop_after", 25), ("cut_stop_after", 2)]
)
def test_bound_files_hold_the_per_recipient_letters_in_input_order(
    store, tmp_path: Path, db_url: str, hook: str, stop_after: int | None
) -> None:
    """Straight through; stopped in the middle of the first chunk; stopped while cutting the
    recipients file into chunks (two recorded): each resumed, the same letters come out."""
    single = _run(store, tmp_path / "a", db_url, "per-recipient")
    bound = _run(store, tmp_path / "b", db_url, "per-variant", stop_after=stop_after, hook=hook)
    by_variant: dict[str, list[dict[str, str]]] = {}
    for row in _manifest(single):
        by_variant.setdefault(row["variant"], []).append(row)
    rows = _manifest(bound)
    assert sorted(r["recipient_id"] for r in rows) == sorted(
        r["recipient_id"] for r in _manifest(single)
    )
    assert sorted(p.name for p in bound.glob("*.txt")) == sorted(f"{v}.txt" for v in by_variant)
    for vid, letters in by_variant.items():
        expected = SEPARATOR.join((single / r["file"]).read_bytes() for r in letters)
        assert (bound / f"{vid}.txt").read_bytes() == expected, vid
        mine = [r for r in rows if r["variant"] == vid]
        assert [r["recipient_id"] for r in mine] == [r["recipient_id"] for r in letters]
        assert [int(r["first_page"]) for r in mine] == list(range(1, len(letters) + 1))
        assert {r["file"] for r in mine} == {f"{vid}.txt"}
    assert not (bound / "_work").exists()
    assert not list(bound.rglob("*.tmp"))


def test_chunk_files_are_whole_or_absent(tmp_path: Path) -> None:
    files = ChunkLetterFiles(str(tmp_path), 7)
    assert files.write("letters/us-ca", b"one") == "letters/us-ca/000007.txt"
    files.write("letters/us-ca", b"two")
    files.write("letters/us-ny", b"three")
    files.close()  # stopped before its end: nothing left, not even a temporary file
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]
    (tmp_path / "letters" / "us-ca" / "000007.txt").write_bytes(b"torn by an earlier attempt")
    files = ChunkLetterFiles(str(tmp_path), 7)
    files.write("letters/us-ca", b"one")
    files.write("letters/us-ca", b"two")
    files.commit()
    files.close()
    assert (tmp_path / "letters" / "us-ca" / "000007.txt").read_bytes() == b"one\f\ntwo"
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["000007.txt"]


def test_a_chunk_file_that_disagrees_with_the_records_stops_binding(tmp_path: Path) -> None:
    work = tmp_path / "_work"
    (work / "letters" / "us-ca").mkdir(parents=True)
    (work / "letters" / "us-ca" / "000000.txt").write_bytes(b"a" + SEPARATOR + b"b")
    rows = [
        {"recipient_id": f"r{i}", "line": i + 2, "residence": "US-CA", "variant": "us-ca"}
        | {"file": "letters/us-ca/000000.txt"}
        for i in range(3)
    ]
    with pytest.raises(MergeError, match="holds 2 letters, the records name 3"):
        bind_texts(tmp_path, work, rows)
    assert not (tmp_path / "manifest.csv").exists() and not (tmp_path / "us-ca.txt").exists()
    assert bind_texts(tmp_path, work, rows[:2]) == 1
    assert (tmp_path / "us-ca.txt").read_bytes() == b"a\f\nb"


def test_sharded_merge_leaves_no_folder_for_a_variant_nobody_gets(
    store, tmp_path: Path, db_url: str
) -> None:
    settings = test_settings(db_url, tmp_path)
    src = tmp_path / "r.csv"
    write_recipients(src, 6, ["US-CA", "US-NY"])
    runner = InProcessRunner(store.db, settings)
    with store.session() as s:
        job = jobs.create_job(
            s,
            settings.EXPORT_DIR,
            plan=plan_for(STATES_12),
            upload=src,
            fmt="text",
            mode="per-recipient",
            incident_id=None,
            created_by=None,
        )
        jobs.start(s, runner, job)
    assert runner.wait(job, 60)
    letters = Path(settings.EXPORT_DIR) / "merges" / job / "out" / "letters"
    assert sorted(p.name for p in letters.iterdir()) == ["us-ca", "us-ny"]


@pytest.mark.parametrize("path", ["parts", "rows"])
def test_finish_joins_the_chunks_parts_or_falls_back_to_the_rows(
    store, tmp_path: Path, db_url: str, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chunks write their share of the manifest and rejects (app.export.merge_parts) and the
    finish joins them; a job whose chunks wrote none (started before) is finished from the
    database rows. Both give the same outputs as the per-recipient letters."""
    from app.export import merge_tasks

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"the finish should not take the {path!r} path's opposite")

    if path == "parts":
        monkeypatch.setattr(merge_tasks, "_finish_from_rows", refuse)
    else:
        monkeypatch.setattr(merge_tasks, "write_parts", lambda *a, **k: None)
        monkeypatch.setattr(merge_tasks, "_finish_from_parts", refuse)
    for mode in ("per-recipient", "per-variant"):
        out = _run(store, tmp_path / mode, db_url, mode)
        rows = _manifest(out)
        assert len(rows) == N and len({r["recipient_id"] for r in rows}) == N
        with open(out / "rejects.csv", newline="", encoding="utf-8") as fh:
            rejects = list(csv.DictReader(fh))
        assert [int(r["line"]) for r in rejects] == sorted(int(r["line"]) for r in rejects)
        assert {r["reason_code"] for r in rejects} >= {"duplicate_id", "missing_state"}
        assert not (out.parent / "parts").exists()


def test_bind_parts_refuses_a_chunk_file_that_disagrees_with_its_part(tmp_path: Path) -> None:
    from app.export.merge_parts import bind_parts

    work, parts = tmp_path / "_work", tmp_path / "parts"
    (work / "letters" / "us-ca").mkdir(parents=True)
    (work / "letters" / "us-ca" / "000000.txt").write_bytes(b"a" + SEPARATOR + b"b")
    (parts / "variants" / "us-ca").mkdir(parents=True)
    (parts / "variants" / "us-ca" / "000000.csv").write_text(
        "r1,2,US-CA,us-ca,us-ca.txt\r\nr2,3,US-CA,us-ca,us-ca.txt\r\nr3,4,US-CA,us-ca,us-ca.txt\r\n"
    )
    with pytest.raises(MergeError, match="holds 2 letters, the records name 3"):
        bind_parts(tmp_path, work, parts, [0])
    assert not (tmp_path / "manifest.csv").exists() and not (tmp_path / "us-ca.txt").exists()


def test_bind_parts_checks_each_chunk_file_by_its_recorded_size(tmp_path: Path) -> None:
    """A chunk records its file's size and letters in its part; the binding copies the file by the
    kernel, numbers the part's rows, and refuses a file whose size changed since (torn, replaced)."""
    import json

    from app.export.merge_parts import bind_parts

    work, parts = tmp_path / "_work", tmp_path / "parts"
    (work / "letters" / "us-ca").mkdir(parents=True)
    (parts / "variants" / "us-ca").mkdir(parents=True)
    for n, data in ((0, b"a" + SEPARATOR + b"b"), (1, b"c" + SEPARATOR + b"d")):
        (work / "letters" / "us-ca" / f"{n:06d}.txt").write_bytes(data)
        rows = [f'"c{n},r{i}",{i + 2},US-CA,us-ca,us-ca.txt' for i in range(2)]
        part = {"bytes": len(data), "letters": 2, "rows": rows}
        (parts / "variants" / "us-ca" / f"{n:06d}.json").write_text(json.dumps(part))
    assert bind_parts(tmp_path, work, parts, [0, 1]) == 1
    assert (tmp_path / "us-ca.txt").read_bytes() == SEPARATOR.join([b"a", b"b", b"c", b"d"])
    manifest = _manifest(tmp_path)
    assert [r["first_page"] for r in manifest] == ["1", "2", "3", "4"]
    assert [r["recipient_id"] for r in manifest] == ["c0,r0", "c0,r1", "c1,r0", "c1,r1"]
    assert {r["pages"] for r in manifest} == {""}
    (work / "letters" / "us-ca" / "000001.txt").write_bytes(b"c")  # torn after its chunk ended
    with pytest.raises(MergeError, match=r"000001.txt holds 1 bytes \(4 written\)"):
        bind_parts(tmp_path, work, parts, [0, 1])


def test_write_parts_refuses_a_chunk_file_with_other_letters_than_the_rows(
    store, tmp_path: Path
) -> None:
    from app.export.merge_parts import write_parts

    with store.db.reads() as s, pytest.raises(MergeError, match="holds 2 letters, the records"):
        write_parts(s, "nojob", 0, (2, 10), tmp_path / "parts", {"us-ca": (2, 10)})
