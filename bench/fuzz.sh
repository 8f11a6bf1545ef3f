#!/usr/bin/env bash
# Runs every libFuzzer target (tests/fuzz/fuzz_*.cpp) for a set time, two at a time, and
# collects what they find.
#
#   bench/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     (default: 600 s, every target)
#
# Environment:
#   NETAUDIT_FUZZ_BUILD  build folder (default: build-fuzz; configured with clang++-14 and
#                        -DNETAUDIT_FUZZ=ON if it does not exist yet)
#   NETAUDIT_FUZZ_OUT    where corpora, logs and crashers go (default: <build>/fuzz-runs)
#   FUZZ_JOBS            targets run at once (default 2, the most this machine allows)
#   FUZZ_MAX_LEN         -max_len (default 16384)
#   FUZZ_RSS_MB          -rss_limit_mb (default 2048)
#
# Each target runs under `nice -n 10` in one process (the detector's compiled RE2 set and
# DFA cache stay warm, which fork mode would rebuild per job); when it stops on a finding it is
# restarted on its corpus until the time is up (after 20 findings, fork mode with
# -ignore_crashes takes over), so one finding does not end the run. Every
# crasher, timeout and OOM input lands in <out>/<target>/artifacts/. Seeds: every file under
# tests/fixtures/ (recursive).
# At the end a table gives per target: executions, coverage (cov/ft), corpus size and the
# number of crashers; it is also written to <out>/summary.md.
set -euo pipefail

seconds=${1:-600}
shift || true
root=$(cd "$(dirname "$0")/.." && pwd)
build=${NETAUDIT_FUZZ_BUILD:-$root/build-fuzz}
out=${NETAUDIT_FUZZ_OUT:-$build/fuzz-runs}
jobs=${FUZZ_JOBS:-2}
max_len=${FUZZ_MAX_LEN:-16384}
rss_mb=${FUZZ_RSS_MB:-2048}

if [[ $# -gt 0 ]]; then
  targets=("$@")
else
  targets=()
  for source in "$root"/tests/fuzz/fuzz_*.cpp; do
    targets+=("$(basename "$source" .cpp)")
  done
fi

if [[ ! -f $build/CMakeCache.txt ]]; then
  CXX=clang++-14 cmake -S "$root" -B "$build" -G Ninja -DNETAUDIT_FUZZ=ON -DNETAUDIT_TESTS=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
cmake --build "$build" -j2 --target "${targets[@]}"

run_target() {
  local target=$1
  local dir=$out/$target
  mkdir -p "$dir/corpus" "$dir/artifacts"
  local binary
  binary=$(find "$build" -type f -name "$target" -perm -u+x | head -n 1)
  if [[ -z $binary ]]; then
    echo "fuzz.sh: $target: binary not found under $build" >&2
    return 1
  fi
  echo "fuzz.sh: $target for ${seconds}s -> $dir"
  : >"$dir/log"
  local end=$((SECONDS + seconds))
  local restarts=0
  while ((SECONDS < end && restarts < 20)); do
    # The corpus folder comes first: new inputs are written there; fixtures are read-only seeds.
    nice -n 10 "$binary" "$dir/corpus" "$root/tests/fixtures" \
      -max_total_time=$((end - SECONDS)) -max_len="$max_len" -timeout=10 \
      -rss_limit_mb="$rss_mb" -artifact_prefix="$dir/artifacts/" -print_final_stats=1 \
      >>"$dir/log" 2>&1 || restarts=$((restarts + 1))
  done
  if ((SECONDS < end)); then
    # A finding that keeps coming back: fork mode steps over it for the rest of the time.
    echo "fuzz.sh: $target: $restarts findings; fork mode for the remaining $((end - SECONDS))s"
    nice -n 10 "$binary" "$dir/corpus" "$root/tests/fixtures" \
      -max_total_time=$((end - SECONDS)) -max_len="$max_len" -timeout=10 \
      -rss_limit_mb="$rss_mb" -artifact_prefix="$dir/artifacts/" -print_final_stats=1 \
      -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 >>"$dir/log" 2>&1 || true
  fi
}

running=0
for target in "${targets[@]}"; do
  if ((running >= jobs)); then
    wait -n || true
    running=$((running - 1))
  fi
  run_target "$target" &
  running=$((running + 1))
done
wait || true

# libFuzzer status lines look like  #123456  REDUCE cov: 1234 ft: 5678 corp: 321/45Kb ...
# (fork mode: #123456: cov: 1234 ft: 5678 corp: 321 ...) and each in-process run ends with
# stat::number_of_executed_units: N (summed over restarts).
summary=$out/summary.md
{
  echo "| target | seconds | executions | cov | ft | corpus | crashers | timeouts | ooms |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  for target in "${targets[@]}"; do
    dir=$out/$target
    last=$(grep -E '^#[0-9]+.* cov: ' "$dir/log" 2>/dev/null | tail -n 1 || true)
    # Executions: the final stats of each in-process run, plus the last fork-mode count.
    execs=$(awk '/stat::number_of_executed_units:/ { sum += $2 }
                 /^#[0-9]+: cov: / { fork = substr($1, 2) + 0 }
                 END { print sum + fork }' "$dir/log" 2>/dev/null || true)
    cov=$(sed -nE 's/.* cov: ([0-9]+) .*/\1/p' <<<"$last")
    ft=$(sed -nE 's/.* ft: ([0-9]+) .*/\1/p' <<<"$last")
    corpus=$(find "$dir/corpus" -type f | wc -l)
    crashes=$(find "$dir/artifacts" -type f -name 'crash-*' | wc -l)
    timeouts=$(find "$dir/artifacts" -type f -name 'timeout-*' | wc -l)
    ooms=$(find "$dir/artifacts" -type f -name 'oom-*' | wc -l)
    echo "| $target | $seconds | ${execs:-?} | ${cov:-?} | ${ft:-?} | $corpus | $crashes | $timeouts | $ooms |"
  done
} | tee "$summary"
echo "fuzz.sh: summary in $summary; crashers under $out/<target>/artifacts/"
