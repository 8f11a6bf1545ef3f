#!/usr/bin/env bash
# The main job: installs what is missing, builds netaudit, and audits the bundled example
# configs against the shipped cross-vendor baseline.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DNETAUDIT_TESTS=OFF > /dev/null
cmake --build build-release -j "$(nproc)"
bin=build-release/daemon/netaudit
echo
echo "== netaudit detect examples/configs"
"$bin" detect examples/configs
echo
echo "== netaudit audit examples/configs"
# Exit 1 means "findings", which the examples are written to have; 2 would be a real error.
status=0
"$bin" audit examples/configs || status=$?
if [ "$status" -ge 2 ]; then
  echo "quickstart: netaudit audit failed with exit code $status" >&2
  exit "$status"
fi
echo
echo "netaudit is at $bin; try: $bin audit --format json examples/configs/ios-switch-violations.cfg"
