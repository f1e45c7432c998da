#!/usr/bin/env bash
# Builds the Linux .deb (debug profile, reusing the debug build) and checks what a desktop needs
# from it: the binary, the icons, and a .desktop file that validates and registers the
# chronos:// scheme (MimeType x-scheme-handler/chronos, Exec taking the link as %u).
#
#   tests/packaging/check-deb.sh
#
# Needs: dpkg-deb, desktop-file-validate (desktop-file-utils), the UI's node_modules (tauri CLI).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

ui/node_modules/.bin/tauri build --debug --bundles deb >/dev/null
deb="$(ls -t target/debug/bundle/deb/*.deb | head -n1)"
echo "package: $deb ($(du -h "$deb" | cut -f1))"

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
dpkg-deb -x "$deb" "$out"
fail() { echo "check-deb: $*" >&2; exit 1; }

[[ -x "$out/usr/bin/chronos" ]] || fail "usr/bin/chronos missing or not executable"
desktop="$(find "$out/usr/share/applications" -name '*.desktop' | head -n1)"
[[ -n "$desktop" ]] || fail "no .desktop file in usr/share/applications"
desktop-file-validate "$desktop" || fail "$(basename "$desktop") does not validate"
grep -qx 'MimeType=x-scheme-handler/chronos;\?' "$desktop" || fail "the .desktop file does not register chronos://: $(grep MimeType "$desktop" || echo 'no MimeType')"
grep -Eq '^Exec=chronos %u$' "$desktop" || fail "Exec must pass the link: $(grep '^Exec' "$desktop")"
grep -q '^Categories=.*Office\|^Categories=.*Calendar\|^Categories=.*Utility' "$desktop" || fail "no useful category: $(grep '^Categories' "$desktop")"
icon="$(sed -n 's/^Icon=//p' "$desktop")"
find "$out/usr/share/icons" -name "$icon.png" | grep -q . || fail "icon $icon not in usr/share/icons"
dpkg-deb -f "$deb" Depends | grep -q libwebkit2gtk-4.1 || fail "Depends lacks libwebkit2gtk-4.1"
echo "check-deb: ok ($(basename "$desktop"): $(grep '^MimeType' "$desktop"), $(grep '^Exec' "$desktop"))"
