#!/usr/bin/env bash
# Starts the local runtime: a single-node Apache Kafka broker (KRaft) and a redis-server, both
# on loopback, with data, pid and log files under <root>/.local/run/ (git-ignored); then creates
# the topic catalogue with sevisctl. Idempotent: what already runs is left running.
#
# Environment:
#   SEVISFLOW_KAFKA_PORT            broker port (default 9092)
#   SEVISFLOW_KAFKA_CONTROLLER_PORT KRaft controller port (default broker port + 1)
#   SEVISFLOW_KAFKA_PARTITIONS      partitions per catalogue topic (default 3)
#   SEVISFLOW_KAFKA_HEAP            broker JVM heap (default 512m)
#   SEVISFLOW_KAFKA_LIBS            broker jar folder (default <root>/.local/kafka/libs)
#   SEVISFLOW_REDIS_PORT            redis port (default 6379)
#   SEVISFLOW_BUILD_DIR             build folder holding tools/sevisctl/sevisctl (default <root>/build)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
run="$root/.local/run"
kafka_port="${SEVISFLOW_KAFKA_PORT:-9092}"
controller_port="${SEVISFLOW_KAFKA_CONTROLLER_PORT:-$((kafka_port + 1))}"
partitions="${SEVISFLOW_KAFKA_PARTITIONS:-3}"
heap="${SEVISFLOW_KAFKA_HEAP:-512m}"
libs="${SEVISFLOW_KAFKA_LIBS:-$root/.local/kafka/libs}"
redis_port="${SEVISFLOW_REDIS_PORT:-6379}"
build="${SEVISFLOW_BUILD_DIR:-$root/build}"
sevisctl="$build/tools/sevisctl/sevisctl"
brokers="127.0.0.1:$kafka_port"

kdir="$run/kafka"
rdir="$run/redis"
mkdir -p "$kdir/data" "$rdir/data"

log() { echo "local-up: $*"; }
die() { echo "local-up: $*" >&2; exit 1; }

# alive <pidfile> <pattern>: the pid in the file runs and its command line matches (a recycled
# pid of another program doesn't count).
alive() {
  local pid
  [ -f "$1" ] || return 1
  pid="$(cat "$1" 2>/dev/null)" || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$2"
}

tcp_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ---- Redis -------------------------------------------------------------------------------
command -v redis-server >/dev/null || die "redis-server not installed: run scripts/setup-deps.sh"
if alive "$rdir/redis.pid" redis-server; then
  log "redis already running (pid $(cat "$rdir/redis.pid"))"
else
  tcp_open "$redis_port" && die "port $redis_port is taken by another process (set SEVISFLOW_REDIS_PORT)"
  redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly yes \
    --dir "$rdir/data" --daemonize yes --pidfile "$rdir/redis.pid" --logfile "$rdir/redis.log"
  log "redis starting on 127.0.0.1:$redis_port"
fi

# ---- Kafka -------------------------------------------------------------------------------
[ -d "$libs" ] && [ -n "$(ls -A "$libs" 2>/dev/null)" ] ||
  die "Apache Kafka jars not found in $libs: run scripts/setup-deps.sh"
java=java
[ -n "${JAVA_HOME:-}" ] && java="$JAVA_HOME/bin/java"
jvm=("$java" "-Xmx$heap" -Djava.awt.headless=true
     "-Dlog4j.configuration=file:$root/deploy/kafka/log4j.properties" -cp "$libs/*")

if alive "$kdir/kafka.pid" kafka.Kafka; then
  log "kafka already running (pid $(cat "$kdir/kafka.pid"))"
  brokers="$(sed -n 's#^advertised.listeners=PLAINTEXT://##p' "$kdir/server.properties")"
else
  tcp_open "$kafka_port" && die "port $kafka_port is taken by another process (set SEVISFLOW_KAFKA_PORT)"
  sed -e "s#@BROKER_PORT@#$kafka_port#g" -e "s#@CONTROLLER_PORT@#$controller_port#g" \
      -e "s#@LOG_DIRS@#$kdir/data#g" -e "s#@NUM_PARTITIONS@#$partitions#g" \
      -e "s#@OFFSETS_PARTITIONS@#10#g" \
      "$root/deploy/kafka/server.properties.tmpl" >"$kdir/server.properties"
  if [ ! -f "$kdir/data/meta.properties" ]; then
    # KRaft cluster id: 16 random bytes, base64url, no padding (22 characters). Like Kafka's
    # own Uuid.randomUuid(), an id starting with '-' is drawn again: the storage tool would
    # read it as an option.
    cluster_id="-"
    while [ "${cluster_id#-}" != "$cluster_id" ]; do
      cluster_id="$(head -c16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
    done
    log "formatting kafka storage (cluster $cluster_id)"
    "${jvm[@]}" kafka.tools.StorageTool format -t "$cluster_id" -c "$kdir/server.properties" \
      >>"$kdir/kafka.log" 2>&1 || die "kafka storage format failed; see $kdir/kafka.log"
  fi
  # setsid: the broker outlives this shell and its terminal.
  setsid "${jvm[@]}" kafka.Kafka "$kdir/server.properties" >>"$kdir/kafka.log" 2>&1 </dev/null &
  echo $! >"$kdir/kafka.pid"
  log "kafka starting on $brokers (pid $(cat "$kdir/kafka.pid"))"
fi

# ---- Health ------------------------------------------------------------------------------
deadline=$((SECONDS + 120))
until [ "$(redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null)" = PONG ]; do
  ((SECONDS < deadline)) || die "redis not answering on $redis_port; see $rdir/redis.log"
  sleep 0.5
done
log "redis healthy"

have_sevisctl=1
[ -x "$sevisctl" ] || have_sevisctl=0
until { ((have_sevisctl)) && "$sevisctl" topics list --brokers "$brokers" --timeout 5 >/dev/null 2>&1; } ||
      { ((!have_sevisctl)) && tcp_open "${brokers##*:}"; }; do
  alive "$kdir/kafka.pid" kafka.Kafka || { tail -n 30 "$kdir/kafka.log" >&2; die "kafka exited; see $kdir/kafka.log"; }
  ((SECONDS < deadline)) || { tail -n 30 "$kdir/kafka.log" >&2; die "kafka not ready after 120 s; see $kdir/kafka.log"; }
  sleep 1
done
log "kafka healthy"

# ---- Topics ------------------------------------------------------------------------------
if ((!have_sevisctl)); then
  echo "local-up: $sevisctl not found: build it (ninja -C $build sevisctl) or set SEVISFLOW_BUILD_DIR, then rerun to create the topics" >&2
  exit 2
fi
"$sevisctl" topics ensure --brokers "$brokers" --partitions "$partitions" >/dev/null
"$sevisctl" topics list --brokers "$brokers"

cat <<INFO
local-up: ready
  kafka  $brokers        log $kdir/kafka.log
  redis  127.0.0.1:$redis_port      log $rdir/redis.log
  export SEVISFLOW_KAFKA_BROKERS=$brokers SEVISFLOW_REDIS_PORT=$redis_port
  stop with scripts/local-down.sh
INFO
