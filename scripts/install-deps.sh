#!/usr/bin/env bash
# Installs every Debian 12 package netaudit needs to build, test, fuzz and run its lab.
# Idempotent: apt-get only, nothing downloaded from anywhere else.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config clang-14 libclang-rt-14-dev clang-format
  # libraries (DESIGN.md)
  libssh-dev libboost1.81-dev libyaml-cpp-dev libspdlog-dev libfmt-dev prometheus-cpp-dev
  catch2 libre2-dev libpugixml-dev libsqlite3-dev libcli11-dev nlohmann-json3-dev
  libbenchmark-dev libssl-dev
  # real components the tests start on 127.0.0.1
  openssh-server openssh-client netconfd
  # xmllint: the tests check that JUnit reports are valid XML 1.0
  libxml2-utils
  # prometheus (and promtool): the daemon tests scrape and check /metrics
  prometheus
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
