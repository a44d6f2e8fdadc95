#!/usr/bin/env bash
# Install the Debian packages powrelay needs and build it (optimised) into build/.
# The powrelay command is then build/runner/powrelay.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/deps.sh
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
cmake --build build -j "$jobs" > /dev/null
