#!/usr/bin/env bash
# Conformance of the emulator with Google's own Python client: creates a venv, builds and starts
# the emulator on a free port, runs pytest against it, stops it. Exits non-zero on failure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../../.." && pwd)"
target="${CARGO_TARGET_DIR:-$repo/target}"
venv="$target/conformance-venv"
python="${PYTHON:-python3}"

if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
if ! cmp -s "$here/requirements.txt" "$venv/.requirements.txt" 2>/dev/null; then
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
  cp "$here/requirements.txt" "$venv/.requirements.txt"
fi

(cd "$repo" && cargo build --quiet -p gcal-emulator --bin gcal-emulator)

log="$(mktemp)"
"$target/debug/gcal-emulator" --port 0 --world generated --seed 3 --calendars 2 --events 200 --allow-http-push >"$log" 2>&1 &
emu_pid=$!
cleanup() {
  kill "$emu_pid" 2>/dev/null || true
  wait "$emu_pid" 2>/dev/null || true
  rm -f "$log"
}
trap cleanup EXIT

url=""
for _ in $(seq 1 100); do
  url="$(sed -n 's/^listening on \(http:\/\/127\.0\.0\.1:[0-9]*\)$/\1/p' "$log" | head -n1)"
  [ -n "$url" ] && break
  if ! kill -0 "$emu_pid" 2>/dev/null; then
    echo "emulator exited early:" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 0.1
done
if [ -z "$url" ]; then
  echo "emulator did not report its address" >&2
  cat "$log" >&2
  exit 1
fi
echo "conformance: emulator at $url"

cd "$here"
PYTHONDONTWRITEBYTECODE=1 EMULATOR_URL="$url" "$venv/bin/python" -m pytest -q -p no:cacheprovider "$@"
