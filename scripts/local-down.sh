#!/usr/bin/env bash
# Stops what scripts/local-up.sh started: SIGTERM, wait for a clean exit (Kafka flushes its
# logs, Redis its append-only file), SIGKILL after a timeout. Data stays in <root>/.local/run/.
#   SEVISFLOW_STOP_TIMEOUT  seconds to wait before SIGKILL (default 60)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
run="$root/.local/run"
timeout="${SEVISFLOW_STOP_TIMEOUT:-60}"

# stop <name> <pidfile> <pattern>
stop() {
  local name="$1" pidfile="$2" pattern="$3" pid
  if [ ! -f "$pidfile" ]; then
    echo "local-down: $name not running (no pid file)"
    return 0
  fi
  pid="$(cat "$pidfile")"
  # Only signal our own process: the pid may have been recycled by another program.
  if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null ||
     ! tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$pattern"; then
    echo "local-down: $name not running"
    rm -f "$pidfile"
    return 0
  fi
  echo "local-down: stopping $name (pid $pid)"
  kill -TERM "$pid"
  local deadline=$((SECONDS + timeout))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      echo "local-down: $name still running after ${timeout}s: SIGKILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.5
  done
  rm -f "$pidfile"
  echo "local-down: $name stopped"
}

stop kafka "$run/kafka/kafka.pid" kafka.Kafka
stop redis "$run/redis/redis.pid" redis-server
