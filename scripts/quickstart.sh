#!/usr/bin/env bash
# The main job: installs what is missing, builds netaudit, and runs it on the bundled
# example configs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release -DNETAUDIT_TESTS=OFF > /dev/null
cmake --build build-release -j "$(nproc)"
bin=build-release/daemon/netaudit
echo
echo "== netaudit detect examples/configs"
"$bin" detect examples/configs
