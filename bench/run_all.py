"""Run every benchmark in turn (`make bench`); each prints its medians next to its in-run baseline."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
RUNS = [
    ["bench_render.py"],
    ["bench_check.py", "--runs", "30"],
    ["bench_cli.py", "--runs", "15"],
    ["bench_grammar.py", "--runs", "20"],
    ["bench_saves.py", "--clients", "8", "--seconds", "10"],
    ["bench_merge.py", "--quick"],
    ["bench_scale.py", "pdf", "--letters", "100", "--single", "10"],
    ["bench_scale.py", "text", "--sizes", "5000"],
    ["bench_corpus.py", "--rounds", "5"],
    ["bench_editor.py", "--runs", "20"],
]


def main() -> int:
    """Run each benchmark script; stop at the first that fails."""
    for args in RUNS:
        print(f"\n=== {' '.join(args)} ===", flush=True)
        code = subprocess.call([sys.executable, str(HERE / args[0]), *args[1:]])
        if code:
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main())
