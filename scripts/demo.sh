#!/usr/bin/env bash
# The main job, end to end on the local default: installs what is missing, builds, starts Kafka +
# Redis on loopback, the SEVIS simulator (HTTPS with client certificates) and the four services;
# sisgen publishes a synthetic campus; the pipeline detects, builds, uploads and imports; a
# summary is printed. Services are stopped at the end (Kafka and Redis keep running:
# scripts/local-down.sh stops them).
#
# Environment: SEVISFLOW_DEMO_STUDENTS (default 200), SEVISFLOW_DEMO_TIMEOUT (seconds, default 300),
# SEVISFLOW_DEMO_KEEP=1 leaves the services running.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${SEVISFLOW_BUILD_DIR:-$root/build}"
export SEVISFLOW_BUILD_DIR="$build"
students="${SEVISFLOW_DEMO_STUDENTS:-200}"
timeout="${SEVISFLOW_DEMO_TIMEOUT:-300}"
org="ABC214F12345000"
user="dso0000001"
xsd="${SEVISFLOW_XSD_DIR:-$root/../shared/sevis/xsd}"
demo="$root/.local/demo"
kafka="127.0.0.1:${SEVISFLOW_KAFKA_PORT:-9092}"
redis_port="${SEVISFLOW_REDIS_PORT:-6379}"
sim_port=8443

log() { echo "demo: $*"; }
die() { echo "demo: $*" >&2; exit 1; }

"$root/scripts/setup-deps.sh"
"$root/scripts/build.sh"
[ -f "$xsd/6.55/Create-UpdateStudent.xsd" ] || die "SEVIS XSDs not found in $xsd (set SEVISFLOW_XSD_DIR)"
xsd="$(cd "$xsd" && pwd)"
"$root/scripts/local-up.sh"

mkdir -p "$demo/logs" "$demo/pids"
# Stop what an earlier demo left running.
for f in "$demo"/pids/*.pid; do
  [ -f "$f" ] || continue
  kill "$(cat "$f")" 2>/dev/null || true
  rm -f "$f"
done
sleep 1
"$root/scripts/gen-certs.sh" "$demo/certs" "$org" >/dev/null
certs="$demo/certs"

metrics_port() {
  case "$1" in detector) echo 9101;; builder) echo 9102;; uploader) echo 9103;; importer) echo 9104;; esac
}
grpc_port() {
  case "$1" in detector) echo 50051;; builder) echo 50052;; uploader) echo 50053;; importer) echo 50054;; esac
}

common_config() {
  cat <<YAML
kafka: {brokers: "$kafka"}
redis: {host: 127.0.0.1, port: $redis_port}
grpc: {listen: "127.0.0.1:$(grpc_port "$1")"}
metrics: {listen_host: 127.0.0.1, port: $(metrics_port "$1")}
log: {level: info, person_salt: demo-salt}
YAML
}

{ common_config detector; cat <<YAML
xsd_dir: "$xsd"
YAML
} > "$demo/detector.yaml"
# A demo DSO for the review, upload and document APIs: sevisctl reads the token from
# $SEVISFLOW_TOKEN_FILE.
[ -s "$demo/dso-token" ] || ( umask 077; head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$demo/dso-token" )
token_sha256=$(sha256sum < "$demo/dso-token" | cut -d' ' -f1)
{ common_config builder; cat <<YAML
xsd_dir: "$xsd"
builder:
  auto_select: true
  close_interval_seconds: 3
  detector_address: "127.0.0.1:$(grpc_port detector)"
orgs:
  $org:
    user_id: $user
dsos:
  demo:
    token_sha256: $token_sha256
    orgs:
      $org: {user_id: $user}
YAML
} > "$demo/builder.yaml"
{ common_config uploader; cat <<YAML
xsd_dir: "$xsd"
docstore: {root: "$demo/docstore"}
uploader:
  endpoint: "https://127.0.0.1:$sim_port/sevisbatch/action/"
  poll_interval_seconds: 1
  poll_max_interval_seconds: 5
orgs:
  $org:
    cert: "$certs/clients/$org.pem"
    key: "$certs/clients/$org.enc.key"
    key_password: "$(cat "$certs/clients/$org.pass")"
    ca: "$certs/ca.pem"
    user_id: $user
dsos:
  demo:
    token_sha256: $token_sha256
    orgs:
      $org: {}
YAML
} > "$demo/uploader.yaml"
{ common_config importer; cat <<YAML
xsd_dir: "$xsd"
docstore: {root: "$demo/docstore"}
dsos:
  demo:
    token_sha256: $token_sha256
    orgs:
      $org: {}
YAML
} > "$demo/importer.yaml"
chmod 600 "$demo"/*.yaml

start() {  # start <name> <command...>
  local name="$1"; shift
  "$@" >>"$demo/logs/$name.log" 2>&1 &
  echo $! > "$demo/pids/$name.pid"
}
start sevis-sim "$build/tools/sevis-sim/sevis-sim" --cert "$certs/server.pem" --key "$certs/server.key" \
  --client-ca "$certs/ca.pem" --data-dir "$demo/sim" --org "$org:$user" --port "$sim_port" \
  --xsd-dir "$xsd"
for svc in detector builder uploader importer; do
  start "$svc" "$build/services/$svc/sevisflow-$svc" --config "$demo/$svc.yaml"
done

wait_http() {  # wait_http <port> <what>
  for _ in $(seq 1 120); do
    curl -fsS "http://127.0.0.1:$1/healthz" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  die "$2 did not become healthy; see $demo/logs/$2.log"
}
for svc in detector builder uploader importer; do wait_http "$(metrics_port "$svc")" "$svc"; done
"$build/tools/sevisctl/sevisctl" status

metric() {  # metric <port> <regex>: sum of the samples whose line matches
  curl -fsS "http://127.0.0.1:$1/metrics" 2>/dev/null |
    awk -v p="$2" '$0 !~ /^#/ && $0 ~ p { s += $NF } END { printf "%d\n", s + 0 }'
}
accepted() { metric 9104 '^sevisflow_importer_records_total[{].*result="accepted"'; }
rejected() { metric 9104 '^sevisflow_importer_records_total[{].*result="rejected"'; }

base_accepted=$(accepted)
base_rejected=$(rejected)
base_alerts=$(metric 9101 '^sevisflow_detector_alerts_emitted_total')
base_batches=$(metric 9102 '^sevisflow_builder_batches_built_total')
run_id="D$(date +%H%M%S)"
log "sisgen publishes $students synthetic F-1/M-1 students (ids $run_id...) to sis.person"
start_ms=$(( $(date +%s%N) / 1000000 ))
"$build/tools/sisgen/sisgen" --count "$students" --seed "$(date +%s)" --org "$org" \
  --id-prefix "$run_id" --j1-percent 0 --brokers "$kafka" --topic sis.person

deadline=$(( $(date +%s) + timeout ))
while :; do
  done_now=$(( $(accepted) - base_accepted ))
  printf '\rdemo: %d / %d students have a SEVIS ID' "$done_now" "$students"
  [ "$done_now" -ge "$students" ] && break
  [ "$(date +%s)" -lt "$deadline" ] || { echo; die "timed out; logs in $demo/logs"; }
  sleep 1
done
echo
elapsed_ms=$(( $(date +%s%N) / 1000000 - start_ms ))
elapsed="$(( elapsed_ms / 1000 )).$(printf %03d $(( elapsed_ms % 1000 )))"

alerts=$(( $(metric 9101 '^sevisflow_detector_alerts_emitted_total') - base_alerts ))
batches=$(( $(metric 9102 '^sevisflow_builder_batches_built_total') - base_batches ))
rej=$(( $(rejected) - base_rejected ))
cat <<SUMMARY

  sevisflow demo summary
  ----------------------
  students published      $students
  alerts (Create Student) $alerts
  batches built/uploaded  $batches
  records accepted        $(( $(accepted) - base_accepted ))
  records rejected        $rej
  elapsed                 ${elapsed} s
  documents               $demo/docstore/$org
  logs                    $demo/logs
  DSO token               SEVISFLOW_TOKEN_FILE=$demo/dso-token sevisctl whoami | uploads list

SUMMARY

if [ "${SEVISFLOW_DEMO_KEEP:-0}" != 1 ]; then
  for f in "$demo"/pids/*.pid; do
    kill "$(cat "$f")" 2>/dev/null || true
    rm -f "$f"
  done
  log "services stopped (Kafka and Redis still run: scripts/local-down.sh)"
fi
