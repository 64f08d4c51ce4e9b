#!/usr/bin/env bash
# Installs the Debian 12 packages sluice builds and tests with, only those missing,
# so a second run returns at once. Never add libboost-all-dev / libboost-dev: they are
# Boost 1.74 and would remove the 1.81 packages (../shared/spec/platform-notes.md §1).
set -euo pipefail
pkgs=(cmake g++ make pkg-config
      libcaf-dev librdkafka-dev libleveldb-dev libsnappy-dev libxxhash-dev
      libboost1.81-dev libboost-json1.81-dev libboost-test1.81-dev libboost-program-options1.81-dev
      kcat curl clang-14 libfuzzer-14-dev)
missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$p")
  fi
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi
