#!/usr/bin/env bash
# The README's second command (and CI's): install what is missing, build, run every test —
# the Boost.Test suites, then each fuzz target for 10 s (tools/fuzz.sh, docs/fuzzing.md).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install_deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"
# One suite per core (the suites run the binary and brokers of their own; timing checks leave
# room for a shared machine): on 2 cores about 6 minutes instead of 11.
ctest --test-dir build --output-on-failure -j"$(nproc)"
bash tools/fuzz.sh 10
