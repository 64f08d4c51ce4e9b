#!/usr/bin/env bash
# The README's first command: install what is missing, build, run the main job
# (the medallion app on generated events; it finishes by itself, or on Ctrl-C).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install_deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"
./build/sluice run medallion --progress sluice-output/medallion-progress.jsonl "$@"
