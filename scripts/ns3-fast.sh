#!/usr/bin/env bash
# powrelay on a faster ns-3: ns-3 3.37, from the same source Debian's libns3-dev is built from (its
# .orig tarball, checked by its sha256), built in ns-3's release profile without logging or asserts and
# with link-time optimisation, into build-ns3fast/ns3; then powrelay against it into build-ns3fast (the
# command: build-ns3fast/runner/powrelay). Debian builds ns-3 with logging compiled in (each of the
# thousands of NS_LOG_FUNCTION calls a packet meets is a check at run time) and asserts on. The code and
# the model are the same, so the outputs are the same bytes as the Debian-built powrelay's: checked at the
# end on a short ns-3 run of the quickstart (the script fails if any output differs). README Performance
# gives the speed-up and how it was measured (tests/bench/ns3_bench.py --against).
#
# Takes about 5 minutes on 2 cores the first time (the source, 39 MB, is downloaded once into
# build-ns3fast/src); rerunning rebuilds only what changed.
#
# usage: bash scripts/ns3-fast.sh   (CTest runs it as slow.ns3fast: ctest -L slow)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/deps.sh
# the Debian-built binary, for the byte check: $POWRELAY, or build/runner/powrelay
ref=${POWRELAY:-build/runner/powrelay}
[ -n "${POWRELAY:-}" ] || [ -x "$ref" ] || bash scripts/build.sh

out=$root/build-ns3fast
src=$out/src
prefix=$out/ns3
tarball=ns3_3.37.orig.tar.bz2
sha256=dfa5ca1994ff3dbe1d4b23cef54e05e6079f5707a2ed6055f717bdd5b458c38d # Debian's ns3_3.37-2.dsc
url=${NS3_SOURCE_URL:-http://deb.debian.org/debian/pool/main/n/ns3/$tarball}
jobs=$(nproc 2>/dev/null || echo 2)

mkdir -p "$src"
if [ ! -f "$src/$tarball" ]; then
  echo "powrelay: downloading ns-3 3.37's source from $url" >&2
  /usr/bin/python3 -c 'import shutil, sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=120) as r, open(sys.argv[2], "wb") as f:
    shutil.copyfileobj(r, f)' "$url" "$src/$tarball.tmp"
  mv "$src/$tarball.tmp" "$src/$tarball"
fi
if ! echo "$sha256  $src/$tarball" | sha256sum -c --quiet -; then
  echo "powrelay: $src/$tarball: not the expected ns-3 3.37 source (sha256); delete it and rerun" >&2
  exit 1
fi
ns3=$src/ns-allinone-3.37/ns-3.37
[ -f "$ns3/CMakeLists.txt" ] || tar -C "$src" -xjf "$src/$tarball" ns-allinone-3.37/ns-3.37

echo "powrelay: building ns-3 3.37 (release profile, no logging, no asserts, link-time optimisation)" >&2
# USING_FAST_LINKER=bfd: ns-3 would link with lld when it finds one, which cannot read GCC's LTO objects
cmake -S "$ns3" -B "$ns3/cmake-cache" -DUSING_FAST_LINKER=bfd -DCMAKE_BUILD_TYPE=release -DNS3_ASSERT=OFF -DNS3_LOG=OFF \
  -DNS3_LINK_TIME_OPTIMIZATION=ON -DNS3_NATIVE_OPTIMIZATIONS=OFF -DNS3_WARNINGS_AS_ERRORS=OFF \
  -DNS3_EXAMPLES=OFF -DNS3_TESTS=OFF -DNS3_PYTHON_BINDINGS=OFF -DNS3_MPI=OFF \
  -DNS3_ENABLED_MODULES='core;network;internet;point-to-point' \
  -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_INSTALL_RPATH="$prefix/lib" > "$out/ns3-configure.log"
cmake --build "$ns3/cmake-cache" -j "$jobs" > "$out/ns3-build.log"
cmake --install "$ns3/cmake-cache" > "$out/ns3-install.log"

echo "powrelay: building powrelay against it into $out" >&2
cmake -S . -B "$out" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_PREFIX_PATH="$prefix" -DPOWRELAY_NS3=ON > /dev/null
cmake --build "$out" -j "$jobs" --target powrelay > /dev/null
if ldd "$out/runner/powrelay" | grep 'libns3' | grep -qv "$prefix/lib"; then
  echo "powrelay: $out/runner/powrelay does not load ns-3 from $prefix/lib only:" >&2
  ldd "$out/runner/powrelay" | grep libns3 >&2
  exit 1
fi

# The same bytes as the Debian-built binary's on a short ns-3 run (all but run.json).
check=$(mktemp -d)
trap 'rm -rf "$check"' EXIT
short=(scenarios/quickstart.yaml -q --network ns3 --set nodes.count=60 --set duration_s=120
       --set attackers.0.start_s=20 --set attackers.0.stop_s=100)
"$ref" run "${short[@]}" -o "$check/debian"
"$out/runner/powrelay" run "${short[@]}" -o "$check/fast"
for path in "$check"/debian/*; do
  f=$(basename "$path")
  [ "$f" = run.json ] && continue # wall time and the build
  if ! cmp -s "$path" "$check/fast/$f"; then
    echo "powrelay: $f differs between Debian's ns-3 and this build's; do not use this build" >&2
    exit 1
  fi
done
echo "powrelay: ready: $out/runner/powrelay (the same outputs as $ref, checked)" >&2
