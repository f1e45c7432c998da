#!/usr/bin/env bash
# The side-by-side sync benchmark: Chronos (`chronos-cli sync`, release build) and the seed-style
# reference client (bench/reference_client.py) each sync the same generated emulator world from a
# fresh store, at 0 ms and at an added latency a request; then Chronos syncs a world with twice the
# history (does memory grow with it?), and a fresh `chronos-cli events` lists one month of the
# first store. Prints one table: each figure, its goal, and the ratios.
#
#   bash scripts/bench.sh            # 20 calendars × 5,000 events (and 20 × 10,000)
#   bash scripts/bench.sh --quick    # 20 × 500, to try the script out
#
# Environment:
#   BENCH_CALENDARS, BENCH_EVENTS  the world (calendars, events a calendar); override --quick
#   BENCH_SEED (1), BENCH_ANCHOR (today, YYYY-MM-DD)  the generated world and the day it centres on
#   BENCH_LATENCY_MS (250)         the latency of the second pair of runs
#   BENCH_SKIP_BUILD=1             use the release binaries already in ${CARGO_TARGET_DIR:-target}
#   BENCH_VENV                     the Python venv (default ${CARGO_TARGET_DIR:-target}/bench-venv)
#
# CPU is user + system time and memory the peak RSS of the client process alone, both from
# /usr/bin/time; the emulator runs as its own process and counts for neither side. Chronos keeps
# its secrets in the OS keyring, so the measuring part runs inside a private D-Bus session with a
# throwaway GNOME Keyring (tests/with-keyring.sh), under a keyring service of its own.
set -euo pipefail
SELF="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$0")/.."
ROOT=$PWD

QUICK=0
for arg in "$@"; do
  case "$arg" in
    --quick) QUICK=1 ;;
    -h | --help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench.sh: unknown argument $arg (try --help)" >&2; exit 2 ;;
  esac
done

TARGET=${CARGO_TARGET_DIR:-target}
case "$TARGET" in /*) ;; *) TARGET=$ROOT/$TARGET ;; esac
BIN=$TARGET/release
VENV=${BENCH_VENV:-$TARGET/bench-venv}

# ---------------------------------------------------------------------------------------------
# Outside the keyring session: system packages, build, venv. Then the same script runs again
# inside the session, where it measures.
if [ -z "${BENCH_IN_SESSION:-}" ]; then
  apt_install() {
    local SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    echo "installing: $*" >&2
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  }
  if [ "${BENCH_SKIP_BUILD:-}" = 1 ]; then
    # Only what the measuring needs; the build's libraries are scripts/setup-deps.sh's business.
    missing=()
    [ -x /usr/bin/time ] || missing+=(time)
    command -v dbus-run-session >/dev/null || missing+=(dbus)
    command -v gnome-keyring-daemon >/dev/null || missing+=(gnome-keyring)
    python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
    [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
  else
    bash scripts/setup-deps.sh
    [ -x /usr/bin/time ] || apt_install time
    echo "building release binaries (BENCH_SKIP_BUILD=1 skips this)" >&2
    cargo build --release --locked -p chronos-cli -p gcal-emulator
  fi
  for b in chronos-cli gcal-emulator; do
    if [ ! -x "$BIN/$b" ]; then
      echo "bench.sh: $BIN/$b is missing; build it (cargo build --release -p $b) or unset BENCH_SKIP_BUILD" >&2
      exit 1
    fi
  done
  if ! "$VENV/bin/python" -c 'import httpx, cryptography' 2>/dev/null; then
    echo "making the reference client's venv in $VENV" >&2
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q --disable-pip-version-check httpx cryptography
  fi

  WORK=$(mktemp -d "${TMPDIR:-/tmp}/chronos-bench.XXXXXX")
  trap 'rm -rf "$WORK"' EXIT
  trap 'exit 130' INT TERM
  # TMPDIR: the session's throwaway keyring directory lands in WORK and goes with it.
  status=0
  TMPDIR=$WORK BENCH_IN_SESSION=1 BENCH_WORK=$WORK BENCH_QUICK=$QUICK \
    sh src-tauri/crates/chronos-core/tests/with-keyring.sh bash "$SELF" "$@" </dev/null || status=$?
  exit "$status"
fi

# ---------------------------------------------------------------------------------------------
# Inside the keyring session.
WORK=$BENCH_WORK
if [ "${BENCH_QUICK:-0}" = 1 ]; then
  CALENDARS=${BENCH_CALENDARS:-20}
  EVENTS=${BENCH_EVENTS:-500}
else
  CALENDARS=${BENCH_CALENDARS:-20}
  EVENTS=${BENCH_EVENTS:-5000}
fi
SEED=${BENCH_SEED:-1}
ANCHOR=${BENCH_ANCHOR:-$(date -u +%F)}
LATENCY_MS=${BENCH_LATENCY_MS:-250}
PY=$VENV/bin/python
CLI=$BIN/chronos-cli
EMULATOR=$BIN/gcal-emulator
# Each store gets its own service below this one, so no run finds another's secrets.
KEYRING=chronos-bench-$$
PAGE_SIZE=2500
AT_ONCE=5

EMU_PID=""
stop_emulator() {
  if [ -n "$EMU_PID" ]; then
    kill "$EMU_PID" 2>/dev/null || true
    wait "$EMU_PID" 2>/dev/null || true
    EMU_PID=""
  fi
}
trap stop_emulator EXIT
trap 'exit 130' INT TERM

say() { printf '  %s\n' "$*" >&2; }
die() { printf 'bench.sh: %s\n' "$*" >&2; exit 1; }

# A small JSON helper: the venv's Python is there anyway.
json() { "$PY" -c "import json, sys; d = json.load(sys.stdin); print($1)"; }

# start_emulator EVENTS: a generated world of CALENDARS × EVENTS in its own process; sets URL,
# ACCOUNT and checks the world is what the figures claim.
start_emulator() {
  local events=$1 out=$WORK/emulator.out
  stop_emulator
  "$EMULATOR" --port 0 --world generated --seed "$SEED" --anchor "$ANCHOR" --accounts 1 \
    --calendars "$CALENDARS" --events "$events" >"$out" 2>"$WORK/emulator.err" &
  EMU_PID=$!
  local i
  for i in $(seq 1 600); do
    grep -q '^accounts:' "$out" 2>/dev/null && break
    kill -0 "$EMU_PID" 2>/dev/null || die "the emulator stopped: $(cat "$WORK/emulator.err")"
    sleep 0.2
  done
  grep -q '^accounts:' "$out" || die "the emulator did not start within 120 s"
  URL=$(sed -n 's/^listening on //p' "$out")
  ACCOUNT=$(curl -fsS "$URL/__emulator/accounts" | json 'd[0]["email"]')
  local cals
  cals=$(curl -fsS "$URL/__emulator/accounts" | json 'len(d[0]["calendars"])')
  [ "$cals" = "$CALENDARS" ] || die "the world has $cals calendars, not $CALENDARS"
  local first
  first=$(curl -fsS "$URL/__emulator/accounts" | json 'd[0]["calendars"][0]')
  local n
  n=$(curl -fsS "$URL/__emulator/calendars/$("$PY" -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$first")/events" | json 'len(d)')
  [ "$n" = "$events" ] || die "a calendar of the world holds $n events, not $events"
  say "emulator at $URL: $CALENDARS calendars × $events events of $ACCOUNT"
}

set_latency() {
  curl -fsS -X PUT -H 'content-type: application/json' -d "{\"ms\":$1}" "$URL/__emulator/latency" >/dev/null
}

# The events.list requests the emulator answered so far (to check each run made the expected ones).
events_lists() {
  curl -fsS "$URL/__emulator/counters" | json 'd["byOperation"].get("events.list", 0)'
}

# timed NAME CMD...: runs CMD under /usr/bin/time; sets WALL, CPU (user + sys) and RSS_MB.
timed() {
  local name=$1
  shift
  local tf=$WORK/$name.time
  if ! /usr/bin/time -o "$tf" -f '%e %U %S %M' "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"; then
    cat "$WORK/$name.out" "$WORK/$name.err" >&2
    die "$name failed"
  fi
  read -r WALL user sys rss_kb < <(tail -n 1 "$tf")
  CPU=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
  RSS_MB=$(awk -v k="$rss_kb" 'BEGIN { printf "%.0f", k / 1024 }')
}

# sync_reference NAME LATENCY: a full sync by the reference client into a fresh SQLite file.
sync_reference() {
  local name=$1 latency=$2 before
  set_latency "$latency"
  before=$(events_lists)
  timed "$name" "$PY" "$ROOT/bench/reference_client.py" --base-url "$URL" --account "$ACCOUNT" \
    --db "$WORK/$name.sqlite"
  set_latency 0
  local got
  got=$(sed -n 's/^reference: \([0-9]*\) events.*/\1/p' "$WORK/$name.out")
  [ "$got" = "$((CALENDARS * CUR_EVENTS))" ] || die "$name stored $got events, not $((CALENDARS * CUR_EVENTS))"
  REQS=$(($(events_lists) - before))
  say "$name: wall $WALL s, cpu $CPU s, peak $RSS_MB MB, $REQS events.list requests"
}

# sync_chronos NAME LATENCY: connects (not timed; the emulator approves without a browser) into a
# fresh data directory, then times `chronos-cli sync`. Leaves the store in $WORK/NAME.
sync_chronos() {
  local name=$1 latency=$2 before
  local args=(--emulator-url "$URL" --data-dir "$WORK/$name" --keyring-service "$KEYRING-$name"
    --sync-timeout 3600)
  "$CLI" "${args[@]}" connect >"$WORK/$name.connect" 2>&1 ||
    { cat "$WORK/$name.connect" >&2; die "chronos-cli connect failed"; }
  set_latency "$latency"
  before=$(events_lists)
  timed "$name" "$CLI" "${args[@]}" sync
  set_latency 0
  local got
  got=$(sed -n 's/.*completed in .* — \([0-9]*\) events fetched.*/\1/p' "$WORK/$name.out")
  [ "$got" = "$((CALENDARS * CUR_EVENTS))" ] ||
    { cat "$WORK/$name.out" >&2; die "$name fetched ${got:-no} events, not $((CALENDARS * CUR_EVENTS))"; }
  REQS=$(($(events_lists) - before))
  say "$name: wall $WALL s, cpu $CPU s, peak $RSS_MB MB, $REQS events.list requests"
}

ceil_div() { echo $((($1 + $2 - 1) / $2)); }
fmt() { awk -v x="$1" 'BEGIN { printf "%.2f", x }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
verdict() { awk -v v="$1" -v g="$2" 'BEGIN { print (v <= g) ? "met" : "MISSED" }'; }

HEADER=$(
  echo "Chronos sync benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "  machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
  echo "  binaries: $BIN (built $(date -u -r "$CLI" '+%Y-%m-%d %H:%M UTC')); worktree at $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "  reference: $("$PY" --version), $("$PY" -c 'import httpx, cryptography; print("httpx", httpx.__version__ + ", cryptography", cryptography.__version__)')"
  echo "  world: seed $SEED around $ANCHOR, $CALENDARS calendars x $EVENTS events (then x $((EVENTS * 2)))"
)
echo "$HEADER" >&2

# --- the first world: both clients at 0 ms and at the added latency -------------------------------
CUR_EVENTS=$EVENTS
start_emulator "$EVENTS"
sync_reference ref-0 0
REF0_WALL=$WALL REF0_CPU=$CPU REF0_RSS=$RSS_MB
sync_chronos chronos-0 0
CHR0_WALL=$WALL CHR0_CPU=$CPU CHR0_RSS=$RSS_MB
sync_reference ref-lat "$LATENCY_MS"
REFL_WALL=$WALL REFL_CPU=$CPU REFL_RSS=$RSS_MB
sync_chronos chronos-lat "$LATENCY_MS"
CHRL_WALL=$WALL CHRL_CPU=$CPU CHRL_RSS=$RSS_MB

# The cold month: a fresh process lists the anchor's month of the first Chronos store; three
# runs, the median wall time and the largest peak.
MONTH_FROM=$(date -u -d "$ANCHOR" +%Y-%m-01)
MONTH_TO=$(date -u -d "$MONTH_FROM +1 month" +%F)
month_walls=()
MONTH_RSS=0
for i in 1 2 3; do
  timed "month-$i" "$CLI" --emulator-url "$URL" --data-dir "$WORK/chronos-0" \
    --keyring-service "$KEYRING-chronos-0" events --from "$MONTH_FROM" --to "$MONTH_TO" --zone UTC
  month_walls+=("$WALL")
  if [ "$RSS_MB" -gt "$MONTH_RSS" ]; then MONTH_RSS=$RSS_MB; fi
done
MONTH_WALL=$(printf '%s\n' "${month_walls[@]}" | sort -n | sed -n 2p)
MONTH_LINES=$(wc -l <"$WORK/month-1.out")
say "cold month $MONTH_FROM..$MONTH_TO: ${month_walls[*]} s, peak $MONTH_RSS MB, $MONTH_LINES lines"
rm -rf "$WORK/chronos-lat" "$WORK"/ref-*.sqlite*

# --- twice the history: does the sync's memory grow with it? --------------------------------------
CUR_EVENTS=$((EVENTS * 2))
start_emulator "$CUR_EVENTS"
sync_chronos chronos-2x 0
CHR2_WALL=$WALL CHR2_CPU=$CPU CHR2_RSS=$RSS_MB
stop_emulator

# --- the table ------------------------------------------------------------------------------------
PAGES=$(ceil_div "$EVENTS" "$PAGE_SIZE")
ROUNDS=$(ceil_div "$CALENDARS" "$AT_ONCE")
BOUND=$(awk -v r="$ROUNDS" -v p="$PAGES" -v l="$LATENCY_MS" 'BEGIN { printf "%.2f", (1 + r * p) * l / 1000 }')
TOTAL=$((CALENDARS * EVENTS))
GROWTH=$((CHR2_RSS - CHR0_RSS))
# 0.3 KB an added event: 30 MB for the default 100,000.
GROWTH_GOAL=$(awk -v n="$TOTAL" 'BEGIN { printf "%.0f", n * 0.3 / 1000 }')

row() { printf '| %-44s | %12s | %12s | %-8s | %-22s | %-6s |\n' "$@"; }
echo
echo "$HEADER"
echo
echo "Full sync of $CALENDARS calendars x $EVENTS events ($TOTAL), fresh stores, release build, $(nproc) cores, $(date -u +%F)"
echo "network bound at $LATENCY_MS ms: (1 calendar list + $ROUNDS rounds x $PAGES pages) x $LATENCY_MS ms = $BOUND s"
echo
row "measure" "reference" "Chronos" "ratio" "goal (Chronos)" ""
row "--------------------------------------------" "------------" "------------" "--------" "----------------------" "------"
row "CPU user+sys, 0 ms (s)" "$REF0_CPU" "$CHR0_CPU" "$(ratio "$CHR0_CPU" "$REF0_CPU")" "<= 0.25x reference" "$(verdict "$(ratio "$CHR0_CPU" "$REF0_CPU")" 0.25)"
row "CPU user+sys, $LATENCY_MS ms (s)" "$REFL_CPU" "$CHRL_CPU" "$(ratio "$CHRL_CPU" "$REFL_CPU")" "<= 0.25x reference" "$(verdict "$(ratio "$CHRL_CPU" "$REFL_CPU")" 0.25)"
row "wall, 0 ms (s)" "$(fmt "$REF0_WALL")" "$(fmt "$CHR0_WALL")" "$(ratio "$CHR0_WALL" "$REF0_WALL")" "" ""
row "wall, $LATENCY_MS ms (s)" "$(fmt "$REFL_WALL")" "$(fmt "$CHRL_WALL")" "$(ratio "$CHRL_WALL" "$REFL_WALL")" "" ""
row "wall / network bound ($BOUND s), $LATENCY_MS ms" "$(ratio "$REFL_WALL" "$BOUND")" "$(ratio "$CHRL_WALL" "$BOUND")" "" "<= 1.25" "$(verdict "$(ratio "$CHRL_WALL" "$BOUND")" 1.25)"
row "peak RSS, 0 ms (MB)" "$REF0_RSS" "$CHR0_RSS" "$(ratio "$CHR0_RSS" "$REF0_RSS")" "<= 150 MB" "$(verdict "$CHR0_RSS" 150)"
row "peak RSS, $LATENCY_MS ms (MB)" "$REFL_RSS" "$CHRL_RSS" "$(ratio "$CHRL_RSS" "$REFL_RSS")" "<= 150 MB" "$(verdict "$CHRL_RSS" 150)"
row "peak RSS, $CALENDARS x $((EVENTS * 2)) events, 0 ms (MB)" "" "$CHR2_RSS" "" "" ""
row "RSS growth, $((TOTAL * 2)) - $TOTAL events (MB)" "" "$(printf '%+d' "$GROWTH")" "" "<= +$GROWTH_GOAL MB" "$(verdict "$GROWTH" "$GROWTH_GOAL")"
row "CPU, $CALENDARS x $((EVENTS * 2)) events, 0 ms (s)" "" "$CHR2_CPU" "" "" ""
row "cold month $MONTH_FROM, fresh process (s)" "" "$(fmt "$MONTH_WALL")" "" "<= 0.30 s" "$(verdict "$MONTH_WALL" 0.30)"
row "cold month, peak RSS (MB)" "" "$MONTH_RSS" "" "<= 120 MB" "$(verdict "$MONTH_RSS" 120)"
echo
echo "(cold month: median wall of 3 fresh 'chronos-cli events' processes, largest peak; $MONTH_LINES lines listed)"
