#!/usr/bin/env bash
# Backs up the portal into one new timestamped folder:
#   database.dump   the database named by DATABASE_URL (pg_dump custom format)
#   private.tar.gz  PRIVATE_MEDIA_ROOT (evidence files and rendered reports)
#   SHA256SUMS      checksums of both, checked by scripts/restore.sh
#
#   scripts/backup.sh [DEST]     DEST defaults to BACKUP_DIR, else ./backups
# Prints the folder it wrote.
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
url="${DATABASE_URL:-}"
case "$url" in
  postgres://* | postgresql://*) ;;
  *) echo "error: DATABASE_URL must be the postgres:// URL of the database to back up" >&2; exit 2 ;;
esac
media="${PRIVATE_MEDIA_ROOT:-$here/private}"
dest="${1:-${BACKUP_DIR:-$here/backups}}"

mkdir -p "$dest"
out="$dest/portal-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir "$out"  # never into an existing backup
trap 'rm -rf "$out"' ERR

pg_dump --format=custom --no-owner --no-privileges --file="$out/database.dump" "$url"
if [ -d "$media" ]; then
  tar -C "$media" -czf "$out/private.tar.gz" .
else
  tar -czf "$out/private.tar.gz" --files-from=/dev/null
fi
(cd "$out" && sha256sum database.dump private.tar.gz > SHA256SUMS)
echo "$out"
