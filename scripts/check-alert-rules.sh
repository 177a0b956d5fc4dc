#!/usr/bin/env bash
# Every metric an alerting rule names must be one the services emit: a renamed metric would
# otherwise silently disable its alert. Usage: check-alert-rules.sh [project root]
set -euo pipefail
root="${1:-$(cd "$(dirname "$0")/.." && pwd)}"
rules="$root/deploy/k8s/monitoring/prometheus-rules.yaml"
[ -f "$rules" ] || { echo "missing $rules" >&2; exit 1; }
names="$(grep -o 'sevisflow_[a-z_]*' "$rules" | grep -v '^sevisflow_$' | sort -u)"
[ -n "$names" ] || { echo "$rules names no metric" >&2; exit 1; }
missing=0
for name in $names; do
  if ! grep -rqF "\"$name\"" "$root/libs" "$root/services"; then
    echo "$rules: metric $name is emitted by no service" >&2
    missing=1
  fi
done
[ "$missing" = 0 ] && echo "$(echo "$names" | wc -l) metrics checked"
exit "$missing"
