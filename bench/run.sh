#!/usr/bin/env bash
# Every benchmark of issue 8 in one command, on a fresh machine, with one report:
#   1 rules core      bench/rules_bench      (Google Benchmark, one core)
#   4 builder         bench/batching_bench   (build + Xerces validation, one core)
#   5 importer        bench/importer_bench   (transaction-log records, one core)
#   2, 3, 6, 7        bench/pipeline_bench all (real Kafka broker and redis-server: detector vs
#                     raw passthrough, 1M sweep, change -> ListAlerts latency, memory)
# Installs what is missing (scripts/setup-deps.sh: Debian packages, the Apache Kafka broker),
# builds in Release into ${SEVISFLOW_BENCH_BUILD_DIR:-build-bench}, and writes the report to
# ${SEVISFLOW_BENCH_REPORT:-<build>/bench-report.md}: the machine, each command, its output and
# the pipeline's summary table. Extra arguments go to `pipeline_bench all` (e.g. --persons 200000
# --rate 100,1000 --seconds 30). See BENCHMARKS.md. Not part of the test command.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${SEVISFLOW_BENCH_BUILD_DIR:-$root/build-bench}"
report="${SEVISFLOW_BENCH_REPORT:-$build/bench-report.md}"
"$root/scripts/setup-deps.sh"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C "$build" -j"${SEVISFLOW_JOBS:-$(nproc)}" rules_bench batching_bench importer_bench \
  pipeline_bench

# The one-core benchmarks run pinned to the last CPU when taskset is there.
pin=()
if command -v taskset >/dev/null; then pin=(taskset -c "$(($(nproc) - 1))"); fi
gbench=(--benchmark_counters_tabular=true --benchmark_repetitions=3
        --benchmark_report_aggregates_only=true)

{
  echo "# sevisflow benchmark report"
  echo
  echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "- machine: $(nproc) CPU ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')),"\
       "$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo), $(uname -sr)"
  echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$report"

run_gbench() {  # title, binary
  local title="$1" binary="$2"
  echo "[bench] $title" >&2
  {
    echo
    echo "## $title"
    echo
    echo "    ${pin[*]} $binary ${gbench[*]}"
    echo
    echo '```'
  } >>"$report"
  "${pin[@]}" "$build/bench/$binary" "${gbench[@]}" 2>/dev/null | tee -a "$report"
  echo '```' >>"$report"
}
run_gbench "1 rules core: person-evaluations per second (goal >= 200k/s)" rules_bench
run_gbench "4 builder: records per second, XML + Xerces validation (goal >= 20k/s)" batching_bench
run_gbench "5 importer: transaction-log records per second (goal >= 50k/s)" importer_bench

pipeline_report="$build/pipeline-report.md"
echo "[bench] 2, 3, 6, 7 pipeline_bench all $*" >&2
"$build/bench/pipeline_bench" all --report "$pipeline_report" "$@"
{
  echo
  echo "## 2, 3, 6, 7 pipeline: \`pipeline_bench all $*\`"
  echo
  cat "$pipeline_report"
} >>"$report"
echo "[bench] report: $report" >&2
