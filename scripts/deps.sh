#!/usr/bin/env bash
# Install what powrelay needs from Debian (bookworm) packages. Safe to rerun: it installs only what is
# missing. Needs root, or sudo. POWRELAY_NS3=OFF skips ns-3 (the largest part).
set -euo pipefail

packages=(
  build-essential cmake pkg-config    # the C toolchain and CMake/CTest
  libssl-dev                          # OpenSSL: SHA-256 hashcash
  libyaml-dev                         # scenario files
  libjansson-dev                      # reading summaries back for sweep.csv
  python3 python3-matplotlib          # plots/render and the end-to-end tests
  python3-optuna                      # powrelay search (multi-objective, NSGA-II)
  chromium                            # the test that loads report.html in a real browser (headless)
  openmpi-bin libopenmpi-dev          # sweeps over MPI (mpirun)
  valgrind                            # the memory check in scripts/test.sh
)
if [ "${POWRELAY_NS3:-AUTO}" != OFF ]; then
  packages+=(libns3-dev ns3 libgsl-dev libsqlite3-dev)  # the ns3 network model (find_package needs ns3's tools)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "powrelay: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
