#!/usr/bin/env bash
# Checks Chronos' recurrence expansion against python-dateutil on the corpus in cases/.
#
# 1. makes a venv under the cargo target dir with the pinned requirements.txt,
# 2. has oracle.py (dateutil) compute every case's occurrences into target/,
# 3. diffs them against the checked-in expected/ (a change there must be reviewed and committed),
# 4. runs the Rust comparison (tests/recurrence_corpus.rs) against the fresh oracle output,
# 5. does the same for RECURRENCE_RANDOM_CASES (default 300) generated cases
#    (random_cases.py, seed RECURRENCE_RANDOM_SEED, default 20261125).
# Any mismatch fails. Set RECURRENCE_CORPUS_UPDATE=1 to rewrite expected/ from the oracle.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../../../.." && pwd)"
target="${CARGO_TARGET_DIR:-$repo/target}"
venv="$target/recurrence-oracle-venv"
fresh="$target/recurrence-corpus-expected"
python="${PYTHON:-python3}"

if [ ! -x "$venv/bin/python" ] || ! cmp -s "$here/requirements.txt" "$venv/requirements.txt"; then
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
  cp "$here/requirements.txt" "$venv/requirements.txt"
fi

rm -rf "$fresh"
"$venv/bin/python" "$here/oracle.py" "$here/cases" "$fresh"

if [ "${RECURRENCE_CORPUS_UPDATE:-0}" = 1 ]; then
  rm -rf "$here/expected" && cp -r "$fresh" "$here/expected"
  echo "expected/ rewritten from the oracle"
fi
if ! diff -ru "$here/expected" "$fresh"; then
  echo "the oracle's answers differ from the checked-in expected/ (see diff above)" >&2
  exit 1
fi

cd "$repo"
RECURRENCE_EXPECTED_DIR="$fresh" cargo test -p chronos-core --test recurrence_corpus -- --nocapture

random_cases="$target/recurrence-corpus-random/cases"
random_expected="$target/recurrence-corpus-random/expected"
rm -rf "$target/recurrence-corpus-random"
"$venv/bin/python" "$here/random_cases.py" "${RECURRENCE_RANDOM_SEED:-20261125}" "${RECURRENCE_RANDOM_CASES:-300}" "$random_cases"
"$venv/bin/python" "$here/oracle.py" "$random_cases" "$random_expected"
RECURRENCE_CASES_DIR="$random_cases" RECURRENCE_EXPECTED_DIR="$random_expected" \
  cargo test -p chronos-core --test recurrence_corpus -- --nocapture
