#!/usr/bin/env bash
# Run each test file alone: one pytest process per file, the files in a random order and each
# file's tests shuffled (pytest-randomly), so a test that leans on another file's fixtures, imports
# or side effects fails here. Slow (one interpreter start per file): `make test` stays the usual run.
#
#   tools/test_each_file.sh                      # every tests/**/test_*.py
#   tools/test_each_file.sh tests/api tests/store # the test files under these folders or files
#   MARK='not browser' tools/test_each_file.sh   # pass `-m MARK` to every run
#
# Prints one line per file and, at the end, the files that failed; exits 1 if any did.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
[ $# -gt 0 ] || set -- tests
mapfile -t files < <(find "$@" -name 'test_*.py' -type f | sort -u | shuf)
[ ${#files[@]} -gt 0 ] || { echo "no test files under: $*" >&2; exit 2; }
logs=$(mktemp -d /tmp/candor-each-file.XXXXXX)
failed=()
for f in "${files[@]}"; do
  log="$logs/$(echo "$f" | tr / _).log"
  args=(-q -n 0 -p randomly)
  [ -n "${MARK:-}" ] && args+=(-m "$MARK")
  "$PY" -m pytest "$f" "${args[@]}" >"$log" 2>&1
  rc=$?
  if [ $rc -eq 0 ]; then
    echo "pass  $f  ($(tail -1 "$log"))"
  elif [ $rc -eq 5 ]; then  # no test selected (e.g. all deselected by MARK): nothing to judge
    echo "none  $f  ($(tail -1 "$log"))"
  else
    echo "FAIL  $f  (exit $rc; log $log)"
    failed+=("$f")
  fi
done
echo "${#files[@]} files, ${#failed[@]} failed (logs in $logs)"
for f in "${failed[@]}"; do echo "failed: $f"; done
[ ${#failed[@]} -eq 0 ]
