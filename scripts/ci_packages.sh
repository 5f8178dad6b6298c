#!/usr/bin/env bash
# Debian packages the tests use as a person would: chromium + chromedriver (the browser
# end-to-end test), xvfb and xdotool (a real window), poppler-utils and imagemagick (PDF and
# picture checks). Installed only as root on Debian, and only those missing: a second run is a
# no-op. Anything else (not root, not Debian) skips quietly; the tests that need them skip.
set -euo pipefail
PACKAGES=(chromium chromium-driver xvfb xdotool poppler-utils imagemagick)
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null || ! command -v dpkg-query >/dev/null; then
  exit 0
fi
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
