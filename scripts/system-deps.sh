#!/usr/bin/env bash
# Installs the few Debian libraries Qt needs (offscreen too) when they are missing.
# Only acts as root on a Debian-like system; elsewhere it prints what is needed.
set -euo pipefail
needed=(libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 fonts-dejavu-core libusb-1.0-0)
missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for pkg in "${needed[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
fi
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
else
  echo "Qt needs these system packages: ${missing[*]} (install them with your package manager)" >&2
fi
