#!/bin/sh
# Runs its arguments inside a private D-Bus session with an unlocked GNOME Keyring (Secret
# Service), so keyring integration tests use the real daemon without touching the user's keyring.
#   tests/with-keyring.sh cargo test -p chronos-core --test keyring_secret_service -- --include-ignored
# Needs: dbus (dbus-run-session) and gnome-keyring.
set -eu
if [ "$#" -eq 0 ]; then
  echo "usage: $0 <command> [args...]" >&2
  exit 2
fi
for tool in dbus-run-session gnome-keyring-daemon; do
  command -v "$tool" >/dev/null 2>&1 || { echo "$0: $tool not found (apt-get install dbus gnome-keyring)" >&2; exit 2; }
done
export CHRONOS_KEYRING_TESTS=1
exec dbus-run-session -- sh -c '
  # A throwaway keyring directory: the daemon creates and unlocks a "login" collection there.
  XDG_DATA_HOME=$(mktemp -d) && export XDG_DATA_HOME
  echo -n chronos-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  exec "$@"
' with-keyring "$@"
