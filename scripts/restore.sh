#!/usr/bin/env bash
# Restores a folder written by scripts/backup.sh into the database TARGET_URL, and its private
# files into the bucket AWS_STORAGE_BUCKET_NAME when one is set (manage.py private_files
# import), else into PRIVATE_MEDIA_ROOT. It replaces what is there: objects of the dump are dropped
# and recreated (pg_restore --clean --if-exists), files of the archive overwritten. So it runs
# only with the target named and --yes given; it never asks (it may run without a terminal).
#
#   scripts/restore.sh BACKUP_FOLDER TARGET_URL --yes
set -euo pipefail

usage="usage: scripts/restore.sh BACKUP_FOLDER TARGET_URL --yes"
backup="${1:-}"
target="${2:-}"
confirm="${3:-}"
here="$(cd "$(dirname "$0")/.." && pwd)"
media="${PRIVATE_MEDIA_ROOT:-$here/private}"
bucket="${AWS_STORAGE_BUCKET_NAME:-}"
python="${PYTHON:-$here/.venv/bin/python}"
[ -x "$python" ] || python=python
files_home="$media"
if [ -n "$bucket" ]; then files_home="the bucket $bucket"; fi

if [ -z "$backup" ] || [ -z "$target" ]; then
  echo "error: name the backup folder and the target database URL. $usage" >&2
  exit 2
fi
case "$target" in
  postgres://* | postgresql://*) ;;
  *) echo "error: the target must be a postgres:// database URL. $usage" >&2; exit 2 ;;
esac
if [ "$confirm" != "--yes" ]; then
  echo "error: restoring replaces the data of the target database and the files in $files_home; add --yes to confirm. $usage" >&2
  exit 2
fi
for f in database.dump private.tar.gz SHA256SUMS; do
  [ -f "$backup/$f" ] || { echo "error: $backup/$f is missing: not a backup folder" >&2; exit 2; }
done
(cd "$backup" && sha256sum --check --quiet SHA256SUMS) || {
  echo "error: the files of $backup do not match their checksums" >&2
  exit 1
}

pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction --exit-on-error \
  --dbname="$target" "$backup/database.dump"
if [ -n "$bucket" ]; then
  scratch="$(mktemp -d)"
  trap 'rm -rf "$scratch"' EXIT
  tar -C "$scratch" -xzf "$backup/private.tar.gz"
  (cd "$here" && "$python" manage.py private_files import "$scratch" >&2)
else
  mkdir -p "$media"
  tar -C "$media" -xzf "$backup/private.tar.gz"
fi
echo "restored $backup into the database and $files_home"
