#!/usr/bin/env bash
# Downloads files from an FTP server with curl into $FLASHFLOW_ARTIFACTS_DIR (the task instance's folder) and
# prints that folder last, which becomes the task's result. The server comes from the task's connection
# (bash({ connections: { FTP: 'ftp_default' } }) sets FTP_HOST, FTP_PORT, FTP_LOGIN, FTP_PASSWORD).
# Usage: ftp-download.sh <remote path>...
set -euo pipefail

: "${FTP_HOST:?the connection has no host}"
dest="${FLASHFLOW_ARTIFACTS_DIR:?not run by Flashflow}"
mkdir -p "$dest"

# The credentials go to curl on stdin, never on its command line, where any user could read them with ps.
escape() { local s=${1//\\/\\\\}; printf '%s' "${s//\"/\\\"}"; }
credentials="user = \"$(escape "${FTP_LOGIN:-anonymous}"):$(escape "${FTP_PASSWORD:-}")\""

for remote in "$@"; do
  target="$dest/$(basename "$remote")"
  echo "fetching ftp://${FTP_HOST}:${FTP_PORT:-21}/${remote}" >&2
  printf '%s\n' "$credentials" | curl --config - --fail --silent --show-error \
    --connect-timeout 10 --max-time 300 --output "$target" "ftp://${FTP_HOST}:${FTP_PORT:-21}/${remote}"
  echo "saved $(basename "$remote"): $(wc -c < "$target") bytes" >&2
done
echo "$dest"
