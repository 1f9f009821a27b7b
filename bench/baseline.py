"""Run a baseline revision's code beside the working tree's in the same run (`--baseline REV`).

Why: the development machine is shared and its load changes by the minute, so a figure from
another day (or another hour) cannot tell whether a change made Candor slower. Running REV's code
and this tree's alternately, in the same window and with the same interpreter, can: both sides
meet the same load, and only the code differs.

REV is checked out into a temporary detached `git worktree` (removed afterwards) and run with the
current interpreter (this virtualenv), so its dependencies are today's. A side is measured in a
child process whose import path starts at that side's tree (`--root`), because two versions of
the `app` package cannot live in one process.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
THIS = "this tree"


@contextmanager
def checkout(rev: str) -> Iterator[Path]:
    """REV's files in a temporary detached worktree of this repository, removed on exit."""
    tmp = Path(tempfile.mkdtemp(prefix="candor-baseline-"))
    tree = tmp / "tree"
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(tree), rev],
        check=True,
    )
    try:
        yield tree
    finally:
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)],
            check=False,
            capture_output=True,
        )
        shutil.rmtree(tmp, ignore_errors=True)


def rounds(n: int, baseline: Path) -> Iterator[tuple[str, Path]]:
    """(side, root) pairs for `n` rounds, the order swapped every round so neither side always
    runs first (a warming or cooling machine favours one position)."""
    pair = [(THIS, ROOT), ("baseline", baseline)]
    for i in range(n):
        yield from (pair if i % 2 == 0 else pair[::-1])


def load() -> str:
    """The 1, 5 and 15 minute load averages, to print beside the figures."""
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def median(values: list[float]) -> float:
    """Median, NaN for no values."""
    return statistics.median(values) if values else float("nan")


def verdict(this: float, base: float, higher_is_better: bool) -> str:
    """`this / baseline = 1.04x (4% slower)`: the ratio and which way it goes."""
    ratio = this / base if base else float("nan")
    worse = ratio < 1 if higher_is_better else ratio > 1
    pct = abs(ratio - 1) * 100
    return f"{ratio:.2f}x ({pct:.0f}% {'slower' if worse else 'faster'})"
