#!/usr/bin/env bash
# Set up and run powrelay's quickstart: install the Debian packages, build, run
# scenarios/quickstart.yaml (a spam attack with the PoW policy on), the same network with no attack,
# and the same attack with PoW off; then render the figures that compare them.
# Results: results/quickstart/{attack,no-attack,no-pow}/ and results/quickstart/figures/*.png
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/build.sh

out=results/quickstart
rm -rf "$out"
./build/runner/powrelay run scenarios/quickstart.yaml -o "$out/attack"
./build/runner/powrelay run scenarios/quickstart.yaml -o "$out/no-attack" --set attackers.0.count=0
./build/runner/powrelay run scenarios/quickstart.yaml -o "$out/no-pow" --set pow.enabled=false
/usr/bin/python3 plots/render "$out" > /dev/null
echo
echo "quickstart: results in $out/{attack,no-attack,no-pow}/, figures in $out/figures/:"
ls "$out/figures"
