#!/usr/bin/env bash
# Installs the Debian packages Chronos needs to build and test. Idempotent; quiet when all present.
set -euo pipefail
PKGS=(libwebkit2gtk-4.1-dev libgtk-3-dev libayatana-appindicator3-dev librsvg2-dev libsoup-3.0-dev
  libxdo-dev libssl-dev build-essential pkg-config file
  xvfb xauth webkit2gtk-driver dbus-x11 at-spi2-core xdg-utils desktop-file-utils
  gnome-keyring libsecret-tools python3-venv xdotool)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "installing: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
