#!/usr/bin/env bash
# Where a full sync's CPU goes, stage by stage: syncs a generated 20 × 5,000 emulator world with
# the release `chronos-cli` under `perf record` (DWARF call graphs) and prints each stage's share
# and its µs an event (bench/sync_stages.py). Needs `perf` (Debian: linux-perf) and the release
# binaries (`cargo build --release --locked -p chronos-cli -p gcal-emulator`).
#
#   bash scripts/profile-sync.sh          # BENCH_CALENDARS / BENCH_EVENTS change the world
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TARGET=${CARGO_TARGET_DIR:-target}
case "$TARGET" in /*) ;; *) TARGET=$ROOT/$TARGET ;; esac
BIN=$TARGET/release
if [ -z "${PROFILE_INSIDE:-}" ]; then
  command -v perf >/dev/null || { echo "profile-sync.sh: perf is missing (apt-get install linux-perf)" >&2; exit 1; }
  for b in chronos-cli gcal-emulator; do
    [ -x "$BIN/$b" ] || { echo "profile-sync.sh: $BIN/$b is missing (build the release binaries)" >&2; exit 1; }
  done
  # The CLI keeps its secrets in the OS keyring: a private D-Bus session with a throwaway one.
  PROFILE_INSIDE=1 exec sh src-tauri/crates/chronos-core/tests/with-keyring.sh bash "$0"
fi
CALENDARS=${BENCH_CALENDARS:-20}
EVENTS=${BENCH_EVENTS:-5000}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/chronos-profile.XXXXXX")
"$BIN/gcal-emulator" --port 0 --world generated --seed 1 --anchor "$(date -u +%F)" --accounts 1 \
  --calendars "$CALENDARS" --events "$EVENTS" >"$WORK/emulator.out" 2>"$WORK/emulator.err" &
EMU=$!
trap 'kill $EMU 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 600); do
  grep -q '^accounts:' "$WORK/emulator.out" 2>/dev/null && break
  sleep 0.2
done
URL=$(sed -n 's/^listening on //p' "$WORK/emulator.out")
[ -n "$URL" ] || { echo "profile-sync.sh: the emulator did not start" >&2; exit 1; }
args=(--emulator-url "$URL" --data-dir "$WORK/store" --keyring-service "chronos-profile-$$" --sync-timeout 3600)
"$BIN/chronos-cli" "${args[@]}" connect >"$WORK/connect.out" 2>&1
/usr/bin/time -o "$WORK/time" -f '%U %S' perf record -q -F 2000 -g --call-graph dwarf,16384 \
  -o "$WORK/perf.data" "$BIN/chronos-cli" "${args[@]}" sync >"$WORK/sync.out" 2>&1
tail -n 1 "$WORK/sync.out"
# perf's own CPU is in that time too; the samples' count at 2,000 a second is the client's.
SAMPLES_CPU=$(perf script -i "$WORK/perf.data" -F comm,tid,ip,sym 2>/dev/null | tee "$WORK/script.txt" |
  grep -c '^[^ 	]' | awk '{ printf "%.2f", $1 / 2000 }')
python3 bench/sync_stages.py "$SAMPLES_CPU" "$((CALENDARS * EVENTS))" <"$WORK/script.txt"
