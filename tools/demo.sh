#!/usr/bin/env bash
# The README's first command: install what is missing, build, run the main job
# (the orders-payments join on generated orders and payments; it finishes by itself in a few
# seconds, or on Ctrl-C).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install_deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"
./build/sluice run orders-payments --set join=left_outer --progress sluice-output/orders-payments-progress.jsonl "$@"
