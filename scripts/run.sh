#!/usr/bin/env bash
# Builds and starts Chronos. With no Google client configured (CHRONOS_GOOGLE_CLIENT_ID unset) it
# starts in demo mode against the bundled Google Calendar emulator. Extra arguments go to the app
# (for example --demo to force demo mode).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-deps.sh
(cd ui && npm ci --no-audit --no-fund)
# `tauri build` embeds ui/dist into the binary; --no-bundle skips the installers.
ui/node_modules/.bin/tauri build --debug --no-bundle
exec target/debug/chronos "$@"
