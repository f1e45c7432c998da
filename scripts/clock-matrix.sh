#!/usr/bin/env bash
# Runs the date- and zone-sensitive tests once per pinned start and machine zone, so a test that
# only passes on some days fails here on every day. The app's clock is pinned through its seam
# (CHRONOS_CLOCK_START, read by chronos-core's clock, the shell, the demo world and the page),
# never by faking the system clock; TZ sets the machine's zone.
#
#   scripts/clock-matrix.sh          # UI unit tests and the date-sensitive Rust tests
#   scripts/clock-matrix.sh ui       # only the UI tests
#   scripts/clock-matrix.sh rust     # only the Rust tests
#   scripts/clock-matrix.sh list     # the matrix
set -euo pipefail
cd "$(dirname "$0")/.."

# start (RFC 3339) | TZ | what the day stands for
MATRIX=(
  "2026-12-05T10:40:00Z|UTC|a crowded day: the demo world fills its month cell"
  "2027-03-28T00:30:00Z|Europe/Berlin|Berlin springs forward (02:00 → 03:00) half an hour later"
  "2027-11-07T05:30:00Z|America/New_York|New York falls back (02:00 → 01:00) half an hour later"
  "2026-12-31T23:30:00Z|UTC|31 December, half an hour before 1 January"
  "2028-02-29T12:00:00Z|Pacific/Honolulu|29 February, 02:00 in Honolulu (UTC−10)"
  "2026-12-31T10:30:00Z|Pacific/Auckland|23:30 on 31 December in Auckland (UTC+13)"
)

# The Rust tests whose answers depend on "now" or the zone: the shell (reminders, tray, clock)
# and its mock-runtime tests over the demo world, the engine's clock and the services that
# compute windows and schedules from it.
RUST_TESTS=(-p chronos -p chronos-core --lib --test commands --test colors_and_conflicts
  --test service_recurrence --test service_colors --test sync_service --test service_reminders)

what="${1:-all}"
if [[ "$what" == list ]]; then
  printf '%s\n' "${MATRIX[@]}"
  exit 0
fi
if [[ "$what" == all || "$what" == rust ]]; then
  cargo test --locked --no-run "${RUST_TESTS[@]}" 2>&1 | grep -E '^(error|warning: unused)' || true
fi
for entry in "${MATRIX[@]}"; do
  IFS='|' read -r start zone why <<<"$entry"
  printf '\n==> clock pinned to %s, TZ=%s (%s)\n' "$start" "$zone" "$why"
  if [[ "$what" == all || "$what" == ui ]]; then
    (cd ui && CHRONOS_CLOCK_START="$start" TZ="$zone" npx vitest run --reporter=dot)
  fi
  if [[ "$what" == all || "$what" == rust ]]; then
    log="$(mktemp)"
    if CHRONOS_CLOCK_START="$start" TZ="$zone" cargo test --locked "${RUST_TESTS[@]}" >"$log" 2>&1; then
      grep -E '^test result' "$log" | awk '{p+=$4; f+=$6} END {printf "Rust: %d passed, %d failed\n", p, f}'
      rm -f "$log"
    else
      grep -vE '^\s*$|INFO|DEBUG' "$log" | tail -n 80
      echo "clock matrix: Rust tests failed at $start in $zone (log: $log)" >&2
      exit 1
    fi
  fi
done
echo "clock matrix: every entry passed (${#MATRIX[@]} entries, ${SECONDS} s)"
