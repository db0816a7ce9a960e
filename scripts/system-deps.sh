#!/usr/bin/env bash
# Installs the Debian packages the portal needs, only those missing.
#   scripts/system-deps.sh demo   fonts and libraries for PDF rendering, gettext
#   scripts/system-deps.sh test   the same plus Chromium for browser tests, poppler-utils and
#                                 postgresql-client (pg_dump, pg_restore for the backup test)
set -euo pipefail

packages=(gettext fonts-noto-cjk fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
if [ "${1:-demo}" = "test" ]; then
  packages+=(chromium poppler-utils postgresql-client)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing Debian packages: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
  else
    echo "error: these Debian packages are missing and this user cannot install them: ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
