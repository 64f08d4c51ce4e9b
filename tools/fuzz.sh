#!/usr/bin/env bash
# The fuzz targets of tests/fuzz with clang-14, libFuzzer, AddressSanitizer and UBSan, in
# build-fuzz/ (docs/fuzzing.md). `tools/fuzz.sh` builds them and runs each for 10 s (what
# tools/test.sh runs); `tools/fuzz.sh SECONDS [TARGET]` is a longer run of every target or one
# (json_row, debezium, checkpoint, pipeline_json, replay_case). Findings: build-fuzz/fuzz-artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
target=${2:-}
bash tools/install_deps.sh
cmake -S . -B build-fuzz -DSLUICE_FUZZ=ON -DSLUICE_FUZZ_SECONDS="$seconds" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 >/dev/null
cmake --build build-fuzz -j"$(nproc)"
ctest --test-dir build-fuzz --output-on-failure ${target:+-R "fuzz_${target}\$"}
