#!/usr/bin/env bash
# Configures and builds sevisflow with Ninja into ${SEVISFLOW_BUILD_DIR:-build}.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${SEVISFLOW_BUILD_DIR:-$root/build}"
werror=OFF
[ "${CI:-}" = "true" ] && werror=ON
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE="${SEVISFLOW_BUILD_TYPE:-RelWithDebInfo}" \
  -DSEVISFLOW_WERROR="${SEVISFLOW_WERROR:-$werror}" >/dev/null
start=$(date +%s)
ninja -C "$build" -j"${SEVISFLOW_JOBS:-$(nproc)}"
echo "build: done in $(( $(date +%s) - start )) s ($build)"
