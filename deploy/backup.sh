#!/usr/bin/env bash
# A consistent copy of a bscdesk data directory, taken while it is in use.
#
#   deploy/backup.sh DATA DEST LOGIN
#
# Run it as the account that owns DATA (the service account on a team
# server: runuser -u bscdesk -- deploy/backup.sh ...). LOGIN is a supervisor
# in DATA's configuration; `verify` runs as that person on the copy.
#
# Segments are copied oldest first. The journal only grows and every
# acknowledged line is complete, so the copy is the journal as it was at
# some moment, except that a line still being written may be cut: anything
# after the copy's last newline is dropped. DEST/HEAD records the head that
# `bscdesk verify` prints for the copy; after a restore, verify must print
# the same.
set -euo pipefail
umask 077
if [ $# -ne 3 ]; then
  echo "usage: backup.sh DATA DEST LOGIN (DEST must not exist)" >&2
  exit 64
fi
data=$1 dest=$2 login=$3
bscdesk=${BSCDESK:-bscdesk}
[ -d "$data/journal" ] && [ ! -L "$data" ] || { echo "backup.sh: $data has no journal/ directory" >&2; exit 66; }
[ -e "$dest" ] && { echo "backup.sh: $dest exists; give a new directory" >&2; exit 73; }
mkdir -p "$dest/journal"
cp --no-dereference "$data/bscdesk.toml" "$dest/bscdesk.toml"
if [ -d "$data/keys" ]; then cp -a --no-dereference "$data/keys" "$dest/keys"; fi
# Month files sort by name; only regular files named YYYY-MM.jsonl.
for seg in $(cd "$data/journal" && ls | grep -E '^[0-9]{4}-[0-9]{2}\.jsonl$' | sort); do
  [ -f "$data/journal/$seg" ] && [ ! -L "$data/journal/$seg" ] || continue
  cp --no-dereference "$data/journal/$seg" "$dest/journal/$seg"
done
# Cut a line still being written when the newest segment was copied.
newest=$(cd "$dest/journal" && ls | sort | tail -n 1)
if [ -n "$newest" ] && [ -s "$dest/journal/$newest" ] && [ "$(tail -c 1 "$dest/journal/$newest" | od -An -c | tr -d ' ')" != '\n' ]; then
  keep=$(grep -c '' "$dest/journal/$newest")
  keep=$((keep - 1))
  head -n "$keep" "$dest/journal/$newest" > "$dest/journal/$newest.cut"
  mv "$dest/journal/$newest.cut" "$dest/journal/$newest"
fi
# In-process on the copy, whatever server this machine's clients use.
out=$(env -u BSCDESK_SERVER BSCDESK_SYSTEM_CONFIG=/nonexistent BSCDESK_USER="$login" "$bscdesk" --data "$dest" verify)
echo "$out"
echo "$out" | grep -Eo '[0-9a-f]{64}' | tail -n 1 > "$dest/HEAD"
echo "backup.sh: $dest holds the journal up to head $(cat "$dest/HEAD")"
