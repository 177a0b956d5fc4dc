#!/usr/bin/env bash
# The pipeline benchmark in one command, on a fresh machine: installs what is missing
# (scripts/setup-deps.sh: Debian packages, the Apache Kafka broker), builds pipeline_bench and the
# service binaries in Release into ${SEVISFLOW_BENCH_BUILD_DIR:-build-bench}, then runs
# `pipeline_bench all` (measures 2, 3, 6, 7 of issue 8) and writes the summary table to
# ${SEVISFLOW_BENCH_REPORT:-build-bench/pipeline-report.md}. Extra arguments go to
# `pipeline_bench all` (e.g. --persons 200000 --seconds 30). See BENCHMARKS.md ("Pipeline").
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${SEVISFLOW_BENCH_BUILD_DIR:-$root/build-bench}"
report="${SEVISFLOW_BENCH_REPORT:-$build/pipeline-report.md}"
"$root/scripts/setup-deps.sh"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C "$build" -j"${SEVISFLOW_JOBS:-$(nproc)}" pipeline_bench
exec "$build/bench/pipeline_bench" all --report "$report" "$@"
