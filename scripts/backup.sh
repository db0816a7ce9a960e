#!/usr/bin/env bash
# Backs up the portal into one new timestamped folder:
#   database.dump   the database named by DATABASE_URL (pg_dump custom format)
#   private.tar.gz  the private files (evidence, rendered reports, letters, photos): the bucket
#                   AWS_STORAGE_BUCKET_NAME when one is set (manage.py private_files export),
#                   else the folder PRIVATE_MEDIA_ROOT
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
bucket="${AWS_STORAGE_BUCKET_NAME:-}"
python="${PYTHON:-$here/.venv/bin/python}"
[ -x "$python" ] || python=python
dest="${1:-${BACKUP_DIR:-$here/backups}}"

mkdir -p "$dest"
out="$dest/portal-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir "$out"  # never into an existing backup
scratch=""
trap 'rm -rf "$out"' ERR
trap 'if [ -n "$scratch" ]; then rm -rf "$scratch"; fi' EXIT

pg_dump --format=custom --no-owner --no-privileges --file="$out/database.dump" "$url"
if [ -n "$bucket" ]; then
  scratch="$(mktemp -d)"
  (cd "$here" && "$python" manage.py private_files export "$scratch/private" >&2)
  tar -C "$scratch/private" -czf "$out/private.tar.gz" .
elif [ -d "$media" ]; then
  tar -C "$media" -czf "$out/private.tar.gz" .
else
  tar -czf "$out/private.tar.gz" --files-from=/dev/null
fi
(cd "$out" && sha256sum database.dump private.tar.gz > SHA256SUMS)
echo "$out"
