#!/usr/bin/env bash
# The desktop app on a big store, as people run it: launch-to-first-month and what its processes
# keep resident. A release build of the app opens a store the CLI prepared against a generated
# emulator world (20 calendars × 5,000 events) and paints the first month; the page reports the
# frame after the month's events are on screen (`first month shown` in the log, with the time
# since the process started). Five launches under Xvfb; the median is the figure, next to the
# same launch on a small store (20 × 250) measured in the same run as the baseline. After the last
# launch it sums the resident memory of every process of the app (the app, WebKit's web and
# network processes) from /proc, and the CPU they use in 10 idle seconds; types a word into the
# search field a key at a time (xdotool) and reads the page's mark of each keystroke's results
# painted (`search results shown`); then closes the window
# to the tray (a StatusNotifier desktop, scripts/app-bench-tray.mjs, is up from the start), measures
# the same there, and opens it again from the tray: how long until it is on screen, and until
# its month is drawn.
#
#   bash scripts/app-bench.sh               # builds the release app, CLI and emulator first
#   BENCH_SKIP_BUILD=1 bash scripts/app-bench.sh
#
# Environment: BENCH_EVENTS (5000), BENCH_CALENDARS (20), BENCH_LAUNCHES (5), BENCH_SEED (1),
# BENCH_SEARCH_WORD (dentist);
# APP_BENCH_KEEP=1 keeps the work directory (stores, logs) for a look afterwards.
set -euo pipefail
SELF="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$0")/.."
ROOT=$PWD
TARGET=${CARGO_TARGET_DIR:-target}
case "$TARGET" in /*) ;; *) TARGET=$ROOT/$TARGET ;; esac
BIN=$TARGET/release

if [ -z "${APP_BENCH_INSIDE:-}" ]; then
  if [ "${BENCH_SKIP_BUILD:-}" != 1 ]; then
    bash scripts/setup-deps.sh
    (cd ui && { [ -d node_modules ] || npm ci --no-audit --no-fund; })
    (cd tests/e2e && { [ -d node_modules ] || npm ci --no-audit --no-fund; })
    echo "building the release app (UI embedded), CLI and emulator" >&2
    ui/node_modules/.bin/tauri build --no-bundle
    cargo build --release --locked -p chronos-cli -p gcal-emulator
  fi
  for b in chronos chronos-cli gcal-emulator; do
    [ -x "$BIN/$b" ] || { echo "app-bench.sh: $BIN/$b is missing (unset BENCH_SKIP_BUILD)" >&2; exit 1; }
  done
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/chronos-app-bench.XXXXXX")
  [ -n "${APP_BENCH_KEEP:-}" ] || trap 'rm -rf "$WORK"' EXIT
  # A throwaway HOME: config, keyring and app data stay out of the user's own.
  export HOME="$WORK/home" XDG_DATA_HOME="$WORK/home/.local/share" XDG_CONFIG_HOME="$WORK/home/.config"
  mkdir -p "$HOME"
  unset CHRONOS_GOOGLE_CLIENT_ID CHRONOS_GOOGLE_CLIENT_SECRET CHRONOS_CLOCK_START
  APP_BENCH_INSIDE=1 APP_BENCH_WORK=$WORK \
    xvfb-run -a -s "-screen 0 1400x900x24" dbus-run-session -- bash "$SELF" </dev/null
  exit $?
fi

# ---------------------------------------------------------------------------------------------
# Inside the virtual display and a private session bus with a throwaway keyring.
echo -n bench | gnome-keyring-daemon --unlock --components=secrets >/dev/null
WORK=$APP_BENCH_WORK
CALENDARS=${BENCH_CALENDARS:-20}
EVENTS=${BENCH_EVENTS:-5000}
LAUNCHES=${BENCH_LAUNCHES:-5}
SEED=${BENCH_SEED:-1}
say() { printf '  %s\n' "$*" >&2; }
die() { printf 'app-bench.sh: %s\n' "$*" >&2; exit 1; }

EMU_PID=""
APP_PID=""
DESK_PID=""
cleanup() {
  [ -z "$APP_PID" ] || kill "$APP_PID" 2>/dev/null || true
  [ -z "$DESK_PID" ] || kill "$DESK_PID" 2>/dev/null || true
  [ -z "$EMU_PID" ] || kill "$EMU_PID" 2>/dev/null || true
}
trap cleanup EXIT

# prepare NAME EVENTS: an emulator world in its own process and a store the CLI synced from it,
# with the server file the app reads. Leaves the emulator running (the app's start-up sync asks
# it once per calendar and finds nothing new).
prepare() {
  local name=$1 events=$2 out=$WORK/$1.emulator
  [ -z "$EMU_PID" ] || { kill "$EMU_PID"; wait "$EMU_PID" 2>/dev/null || true; }
  "$BIN/gcal-emulator" --port 0 --world generated --seed "$SEED" --anchor "$(date -u +%F)" \
    --accounts 1 --calendars "$CALENDARS" --events "$events" >"$out" 2>&1 &
  EMU_PID=$!
  for _ in $(seq 1 600); do grep -q '^accounts:' "$out" && break; sleep 0.2; done
  local url
  url=$(sed -n 's/^listening on //p' "$out")
  [ -n "$url" ] || die "the emulator did not start: $(cat "$out")"
  # The app keeps the store of a server other than Google's under servers/<host>_<port>.
  local hostport=${url#http://}
  local store=$WORK/$name/servers/${hostport/:/_}
  ln -sfn "$store" "$WORK/$name.store"
  "$BIN/chronos-cli" --emulator-url "$url" --data-dir "$store" connect >"$WORK/$name.cli" 2>&1 ||
    die "connect failed: $(cat "$WORK/$name.cli")"
  "$BIN/chronos-cli" --emulator-url "$url" --data-dir "$store" --sync-timeout 3600 sync \
    >>"$WORK/$name.cli" 2>&1 || die "sync failed: $(tail -5 "$WORK/$name.cli")"
  cat >"$WORK/$name.server.json" <<EOF
{"apiBase": "$url/calendar/v3/", "authUrl": "$url/o/oauth2/v2/auth", "tokenUrl": "$url/token",
 "revokeUrl": "$url/revoke", "userinfoUrl": "$url/oauth2/v3/userinfo",
 "clientId": "chronos-demo.apps.googleusercontent.com", "clientSecret": "GOCSPX-chronos-demo-secret"}
EOF
  say "$name: $CALENDARS calendars × $events events synced by the CLI"
}

# The app's process and every process under it (WebKit's web and network processes).
tree() {
  local pids=("$1") i=0
  while [ $i -lt ${#pids[@]} ]; do
    local kids
    kids=$(cat /proc/"${pids[$i]}"/task/*/children 2>/dev/null || true)
    for k in $kids; do pids+=("$k"); done
    i=$((i + 1))
  done
  echo "${pids[@]}"
}

# kB of a /proc/PID/smaps_rollup or status field, summed over the tree.
sum_field() {
  local file=$1 field=$2 total=0 p v
  for p in $(tree "$APP_PID"); do
    v=$(awk -v f="$field:" '$1 == f { print $2 }' /proc/"$p"/"$file" 2>/dev/null || echo 0)
    total=$((total + ${v:-0}))
  done
  echo "$total"
}

# One line per process: its name, resident MB and how much of that is anonymous memory (heaps,
# the script engine, graphics buffers) rather than mapped files (libraries, fonts).
breakdown() {
  local p anon
  for p in $(tree "$APP_PID"); do
    anon=$(awk '$1 == "Anonymous:" { print int($2 / 1024) }' /proc/"$p"/smaps_rollup 2>/dev/null || echo "?")
    awk -v a="${anon:-?}" '$1 == "Name:" { n = $2 } $1 == "VmRSS:" { r = $2 } END { printf "%s %d MB (anon %s); ", n, r / 1024, a }' \
      /proc/"$p"/status 2>/dev/null || true
  done
}

cpu_ticks() {
  local total=0 p
  for p in $(tree "$APP_PID"); do
    total=$((total + $(awk '{ print $14 + $15 }' /proc/"$p"/stat 2>/dev/null || echo 0)))
  done
  echo "$total"
}

# launch NAME: starts the app on the store NAME, waits for the page's mark; sets MS (since the
# process started, by the app) and WALL_MS (from the spawn, by this script).
launch() {
  local name=$1 store=$WORK/$1.store
  rm -rf "$store/logs"
  local t0
  t0=$(date +%s%N)
  # The page's per-keystroke search mark is logged at debug level.
  CHRONOS_DATA_DIR=$WORK/$name CHRONOS_SERVER_FILE=$WORK/$name.server.json \
    RUST_LOG="${RUST_LOG:-info,chronos_app::launch_timing=debug}" \
    "$BIN/chronos" >"$WORK/$name.app.out" 2>&1 &
  APP_PID=$!
  local line=""
  for _ in $(seq 1 6000); do
    line=$(cat "$store"/logs/chronos*.log 2>/dev/null | grep -m1 'first month shown' || true)
    [ -n "$line" ] && break
    kill -0 "$APP_PID" 2>/dev/null || die "the app stopped: $(tail -5 "$WORK/$name.app.out")"
    sleep 0.01
  done
  [ -n "$line" ] || die "no first month within a minute on $name: $(cat "$store"/logs/chronos*.log "$WORK/$name.app.out" 2>&1 | tail -n 20)"
  WALL_MS=$((($(date +%s%N) - t0) / 1000000))
  MS=$(sed -n 's/.*ms=\([0-9]*\).*/\1/p' <<<"$line")
  EVENTS_SHOWN=$(sed -n 's/.*events=\([0-9]*\).*/\1/p' <<<"$line")
}

stop_app() {
  kill "$APP_PID" 2>/dev/null || true
  wait "$APP_PID" 2>/dev/null || true
  APP_PID=""
  sleep 1
}

median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# runs NAME: LAUNCHES launches; sets MED (app-measured ms) and MED_WALL.
runs() {
  local name=$1 ms=() wall=()
  for i in $(seq 1 "$LAUNCHES"); do
    launch "$name"
    ms+=("$MS")
    wall+=("$WALL_MS")
    say "$name launch $i: first month after ${MS} ms (${WALL_MS} ms from the spawn), $EVENTS_SHOWN events"
    [ "$i" = "$LAUNCHES" ] || stop_app
  done
  MED=$(median "${ms[@]}")
  MED_WALL=$(median "${wall[@]}")
}

# A desktop with a tray (scripts/app-bench-tray.mjs) before the first launch, as at a login: the
# app registers its tray item with it, and closing the window then leaves it in the tray.
node "$ROOT/scripts/app-bench-tray.mjs" "$WORK" >"$WORK/desk.out" 2>&1 &
DESK_PID=$!
for _ in $(seq 1 500); do [ -e "$WORK/desk.ready" ] && break; sleep 0.02; done
[ -e "$WORK/desk.ready" ] || die "the tray desktop did not start: $(cat "$WORK/desk.out")"

# wait_file NAME: waits up to 30 s for the tray half to write NAME.
wait_file() {
  for _ in $(seq 1 3000); do [ -e "$WORK/$1" ] && return 0; sleep 0.01; done
  die "no $1 from the tray desktop: $(cat "$WORK/desk.out")"
}

# idle_pct: the CPU all of the app's processes use in 10 idle seconds, in % of a core; each
# process's share goes to $WORK/idle.by-process.
idle_pct() {
  local hz c0 c1 p
  hz=$(getconf CLK_TCK)
  declare -A before
  for p in $(tree "$APP_PID"); do before[$p]=$(awk '{ print $14 + $15 }' /proc/"$p"/stat 2>/dev/null || echo 0); done
  c0=$(cpu_ticks)
  sleep 10
  c1=$(cpu_ticks)
  : >"$WORK/idle.by-process"
  for p in $(tree "$APP_PID"); do
    awk -v b="${before[$p]:-0}" -v hz="$hz" -v n="$(awk '$1 == "Name:" { print $2 }' /proc/"$p"/status 2>/dev/null)" \
      '{ printf "%s %.2f %%; ", n, 100 * ($14 + $15 - b) / hz / 10 }' /proc/"$p"/stat 2>/dev/null >>"$WORK/idle.by-process" || true
  done
  awk -v d=$((c1 - c0)) -v hz="$hz" 'BEGIN { printf "%.2f", 100 * d / hz / 10 }'
}

# measure NAME: what every process of the app keeps and its CPU over 10 idle seconds, into
# NAME_RSS_KB, NAME_PSS_KB, NAME_PROCS, NAME_BREAKDOWN, NAME_IDLE_PCT and NAME_IDLE_BY.
measure() {
  printf -v "$1_RSS_KB" '%s' "$(sum_field status VmRSS)"
  printf -v "$1_PSS_KB" '%s' "$(sum_field smaps_rollup Pss)"
  printf -v "$1_PROCS" '%s' "$(tree "$APP_PID" | wc -w)"
  printf -v "$1_BREAKDOWN" '%s' "$(breakdown)"
  printf -v "$1_IDLE_PCT" '%s' "$(idle_pct)"
  printf -v "$1_IDLE_BY" '%s' "$(cat "$WORK/idle.by-process")"
}

prepare small 250
runs small
SMALL_MED=$MED SMALL_WALL=$MED_WALL
stop_app

prepare big "$EVENTS"
runs big
# Still open on the big store's month: what every process keeps, then 10 idle seconds.
# The page's own start-up work (the script engine compiling and collecting) takes the first
# seconds after the month is shown; idle is measured once that has settled.
sleep 30
measure OPEN

# Search in that window: `/`, then a word typed a key at a time through the X server (xdotool,
# real key events), each answered by the page's mark once its results are painted.
search_keys() {
  local win before
  win=$(xdotool search --onlyvisible --name '^Chronos$' | head -1)
  [ -n "$win" ] || die "no Chronos window to type into"
  xdotool windowfocus --sync "$win"
  before=$(cat "$WORK/big.store"/logs/chronos*.log | grep -c 'search results shown' || true)
  xdotool key slash
  sleep 0.5
  xdotool type --delay 600 "$SEARCH_WORD"
  sleep 2
  cat "$WORK/big.store"/logs/chronos*.log | grep 'search results shown' | tail -n +$((before + 1)) |
    sed -n 's/.*ms=\([0-9]*\).*/\1/p' >"$WORK/search.ms"
  [ -s "$WORK/search.ms" ] || die "the page marked no search results: $(tail -5 "$WORK/big.app.out")"
}
SEARCH_WORD=${BENCH_SEARCH_WORD:-dentist}
search_keys
SEARCH_N=$(wc -l <"$WORK/search.ms")
SEARCH_MED=$(median $(cat "$WORK/search.ms"))
SEARCH_MAX=$(sort -n "$WORK/search.ms" | tail -1)

# Closed to the tray: the window (and its web process) goes; what is left, then 10 idle seconds.
touch "$WORK/close"
wait_file closed
sleep 5
measure TRAY
# Open Chronos again: the window on screen, then the month with its events in it.
marks() { cat "$WORK/big.store"/logs/chronos*.log 2>/dev/null | grep -c 'first month shown' || true; }
before=$(marks)
t0=$(date +%s%N)
touch "$WORK/open"
wait_file opened
REOPEN_WINDOW_MS=$(cat "$WORK/opened")
for _ in $(seq 1 3000); do [ "$(marks)" -gt "$before" ] && break; sleep 0.01; done
[ "$(marks)" -gt "$before" ] || die "the reopened window never showed its month"
REOPEN_MONTH_MS=$((($(date +%s%N) - t0) / 1000000))
stop_app
kill "$DESK_PID" 2>/dev/null || true

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
cat <<EOF

Desktop app, release build, ${CALENDARS} × ${EVENTS} events ($((CALENDARS * EVENTS)) in all), median of $LAUNCHES launches under Xvfb
  first month on screen, since the process started   ${MED} ms   (goal ≤ 1000 ms)
  the same from the spawn, by this script             ${MED_WALL} ms
  baseline: ${CALENDARS} × 250 events                         ${SMALL_MED} ms   → ${MED} / ${SMALL_MED} = $(ratio "$MED" "$SMALL_MED")×
  resident, window open on the month, ${OPEN_PROCS} processes   RSS $((OPEN_RSS_KB / 1024)) MB, PSS $((OPEN_PSS_KB / 1024)) MB   (goal ≤ 300 MB)
    by process: ${OPEN_BREAKDOWN}
  idle CPU over 10 s, all processes                   ${OPEN_IDLE_PCT} % of a core
    by process: ${OPEN_IDLE_BY}
  search, keystroke to results painted ("${SEARCH_WORD}", ${SEARCH_N} keys)   median ${SEARCH_MED} ms, max ${SEARCH_MAX} ms   (goal ≤ 100 ms)
  closed to the tray, ${TRAY_PROCS} processes              RSS $((TRAY_RSS_KB / 1024)) MB, PSS $((TRAY_PSS_KB / 1024)) MB   (goal ≤ 80 MB)
    by process: ${TRAY_BREAKDOWN}
  idle CPU in the tray over 10 s                      ${TRAY_IDLE_PCT} % of a core   (goal ≤ 0.1 %)
    by process: ${TRAY_IDLE_BY}
  Open Chronos from the tray: window on screen        ${REOPEN_WINDOW_MS} ms   (goal ≤ 300 ms)
  Open Chronos from the tray: the month drawn         ${REOPEN_MONTH_MS} ms
EOF
