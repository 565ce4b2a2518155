#!/bin/sh
# fetch-pinned.sh URL FILE [CHECKSUMS]: downloads a pinned release asset to target/downloads/FILE and
# verifies it with `sha256sum -c` against the line for FILE in CHECKSUMS (default k8s/downloads.sha256).
# A file with no line yet (a new or bumped version) is downloaded, its checksum is appended and the
# script stops with exit 3: review the download, commit the new line, run again. Nothing is applied
# from a download that has not been verified against a committed checksum.
set -eu
url=$1
file=$2
here=$(cd "$(dirname "$0")/.." && pwd)
sums=${3:-$here/downloads.sha256}
dir=${PARLEY_DOWNLOADS:-$here/target/downloads}
mkdir -p "$dir"
case "$file" in */*|"") echo "fetch-pinned: FILE must be a plain file name: $file" >&2; exit 2;; esac
if [ ! -f "$dir/$file" ]; then
  curl -fsSL --retry 3 -o "$dir/$file.part" "$url"
  mv "$dir/$file.part" "$dir/$file"
fi
line=$(grep -E "^[0-9a-f]{64}  $file\$" "$sums" 2>/dev/null || true)
if [ -z "$line" ]; then
  sum=$(cd "$dir" && sha256sum "$file")
  echo "$sum" >> "$sums"
  echo "fetch-pinned: no committed checksum for $file; recorded the download's in $sums:" >&2
  echo "  $sum" >&2
  echo "  from $url -- compare it with the project's published checksum if it has one, commit it, and run again" >&2
  exit 3
fi
(cd "$dir" && echo "$line" | sha256sum -c --quiet -) || {
  echo "fetch-pinned: $file does not match its committed checksum; not applying it (delete $dir/$file to download again)" >&2
  exit 1
}
echo "$dir/$file"
