#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs every test (unit, integration,
# e2e) with CTest. Integration and e2e tests start their own Kafka broker, redis-server and TLS
# material on free loopback ports. Exits non-zero on any failure.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${SEVISFLOW_BUILD_DIR:-$root/build}"
"$root/scripts/setup-deps.sh"
"$root/scripts/build.sh"
start=$(date +%s)
ctest --test-dir "$build" --output-on-failure --timeout 900 "$@"
echo "tests: done in $(( $(date +%s) - start )) s"
