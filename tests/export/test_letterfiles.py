"""Letter files: a new letter is written in place, an existing (maybe torn) one is replaced whole,
no temporary file is left behind, and folders are opened once per writer."""

from __future__ import annotations

from pathlib import Path

from app.export.merge.letterfiles import LetterFiles


def test_new_files_are_written_and_existing_ones_replaced_whole(tmp_path: Path) -> None:
    (tmp_path / "letters" / "us-ca").mkdir(parents=True)
    torn = tmp_path / "letters" / "us-ca" / "r2.txt"
    torn.write_bytes(b"half a let")  # an attempt died mid-write; its record was never stored
    with LetterFiles(str(tmp_path)) as files:
        files.write("letters/us-ca/r1.txt", b"letter one")
        files.write("letters/us-ca/r2.txt", b"letter two, complete")
        files.write("letters/us-ca/r1.txt", b"letter one again")  # a redone chunk
    folder = tmp_path / "letters" / "us-ca"
    assert (folder / "r1.txt").read_bytes() == b"letter one again"
    assert torn.read_bytes() == b"letter two, complete"
    assert sorted(p.name for p in folder.iterdir()) == ["r1.txt", "r2.txt"]


def test_large_letters_are_written_completely(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    data = bytes(range(256)) * 40_000  # 10 MB: more than one write() may take
    with LetterFiles(str(tmp_path)) as files:
        files.write("a/big.pdf", data)
    assert (tmp_path / "a" / "big.pdf").read_bytes() == data
