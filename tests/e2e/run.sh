#!/usr/bin/env bash
# End-to-end tests of the real Chronos window: builds the app (UI embedded), then runs every spec
# under a virtual display, a private D-Bus session and an unlocked GNOME Keyring.
#
#   tests/e2e/run.sh            # build + all specs
#   tests/e2e/run.sh smoke      # build + specs whose file name contains "smoke"
#   E2E_SKIP_BUILD=1 tests/e2e/run.sh
#   E2E_SKIP_BUILD=1 E2E_APP=/path/to/chronos tests/e2e/run.sh   # a binary built earlier
#   CHRONOS_CLOCK_START=2026-12-05T09:40:00Z tests/e2e/run.sh    # the app's clock pinned there
#
# Needs: tauri-driver (cargo install tauri-driver --locked), WebKitWebDriver (webkit2gtk-driver),
# xvfb-run + xauth, xwininfo + xprop (x11-utils), dbus-run-session, gnome-keyring-daemon, xdg-utils,
# desktop-file-utils, node + npm. The desktop spec brings its own notification server and tray
# watcher (tests/e2e/lib/dbus-desktop.js) onto the private session bus.
# Screenshots go to test-output/e2e/ (ignored by git). Exits non-zero when any spec fails.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
FILTER="${1:-}"

if [[ "${INSIDE_E2E_SESSION:-}" != 1 ]]; then
  for tool in tauri-driver WebKitWebDriver xvfb-run xauth xwininfo xprop dbus-run-session \
      gnome-keyring-daemon node npm; do
    command -v "$tool" >/dev/null || { echo "e2e: missing $tool" >&2; exit 2; }
  done
  if [[ "${E2E_SKIP_BUILD:-}" != 1 ]]; then
    echo "e2e: building the app (debug, UI embedded)…"
    (cd "$ROOT" && "$ROOT/ui/node_modules/.bin/tauri" build --debug --no-bundle)
  fi
  # Every package the specs import must be there (a fresh machine, or a lockfile that grew).
  # dbus-next's optional native socket module is not needed: it falls back to node:net.
  for pkg in selenium-webdriver dbus-next axe-core; do
    [[ -d "$HERE/node_modules/$pkg" ]] || { (cd "$HERE" && npm ci --omit=optional --no-audit --no-fund); break; }
  done
  rm -rf "$ROOT/test-output/e2e" && mkdir -p "$ROOT/test-output/e2e"
  # A throwaway HOME: the deep-link .desktop file, the keyring and app data stay out of the
  # user's own.
  E2E_HOME="$(mktemp -d)"
  trap 'rm -rf "$E2E_HOME"' EXIT
  export HOME="$E2E_HOME" XDG_DATA_HOME="$E2E_HOME/.local/share" XDG_CONFIG_HOME="$E2E_HOME/.config"
  # The run uses its own copy of the app: a cargo build in the shared target dir meanwhile (which
  # makes a dev-server binary without the embedded UI) cannot swap it out under a running spec.
  cp "${E2E_APP:-$ROOT/target/debug/chronos}" "$E2E_HOME/chronos"
  export CHRONOS_APP="$E2E_HOME/chronos" CHRONOS_E2E_OUT="$ROOT/test-output/e2e"
  # A pinned clock (CHRONOS_CLOCK_START) is read by every app launch and by the specs at one
  # shared real instant, so they all agree on "now" while it keeps running.
  if [[ -n "${CHRONOS_CLOCK_START:-}" ]]; then
    export CHRONOS_CLOCK_SET_AT="${CHRONOS_CLOCK_SET_AT:-$(date +%s)}"
    echo "e2e: app clock pinned to $CHRONOS_CLOCK_START (zone ${TZ:-system})"
  fi
  export INSIDE_E2E_SESSION=1
  # No real Google client may leak in: the tests run against the in-process emulator.
  unset CHRONOS_GOOGLE_CLIENT_ID CHRONOS_GOOGLE_CLIENT_SECRET
  exec xvfb-run -a -s "-screen 0 1400x900x24" dbus-run-session -- "$0" "$@"
fi

# Inside the virtual display and the private session bus.
echo -n e2e | gnome-keyring-daemon --unlock --components=secrets >/dev/null
specs=()
for f in "$HERE"/specs/*.spec.js; do
  [[ -z "$FILTER" || "$(basename "$f")" == *"$FILTER"* ]] && specs+=("$f")
done
[[ ${#specs[@]} -gt 0 ]] || { echo "e2e: no spec matches '$FILTER'" >&2; exit 2; }
cd "$HERE"
node --test --test-concurrency=1 --test-timeout=300000 --test-reporter=spec "${specs[@]}"
