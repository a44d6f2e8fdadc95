#!/usr/bin/env bash
# Set up and run powrelay's tests: install the Debian packages, build, run CTest; then the same code
# under AddressSanitizer + UndefinedBehaviorSanitizer (unit, flow, end-to-end and fuzz-corpus tests),
# the threaded flow model under ThreadSanitizer, and one small scenario under valgrind (no memory errors,
# no definite leaks).
# Usage: scripts/test.sh            (from the repository root or anywhere)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/deps.sh
jobs=$(nproc 2>/dev/null || echo 2)

echo "== build and test"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j "$jobs"
ctest --test-dir build --output-on-failure -j "$jobs" -LE 'slow|bench'

echo "== under AddressSanitizer and UndefinedBehaviorSanitizer"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DPOWRELAY_SANITIZE=ON -DPOWRELAY_MPI=AUTO -DPOWRELAY_NS3=OFF
cmake --build build-asan -j "$jobs"
ctest --test-dir build-asan --output-on-failure -j "$jobs" -L 'unit|flow|e2e|fuzz|build' -LE 'slow|bench'

echo "== under ThreadSanitizer (the flow model's threads: same bytes for 1, 2, 3 and 8, and no data race)"
cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPOWRELAY_TSAN=ON -DPOWRELAY_MPI=OFF -DPOWRELAY_NS3=OFF
cmake --build build-tsan -j "$jobs"
TSAN_OPTIONS=halt_on_error=1 POWRELAY_TEST_QUICK=1 ctest --test-dir build-tsan --output-on-failure -j "$jobs" -R '^(e2e\.threads|flow\.)'

echo "== under valgrind"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
valgrind -q --error-exitcode=3 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite \
  build/runner/powrelay run tests/valgrind.yaml -o "$out/run" -q
echo "valgrind: no errors, no definite leaks"
