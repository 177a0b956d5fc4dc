#!/usr/bin/env bash
# Fetches the pinned Apache Kafka broker and its dependencies from Maven Central into
# .local/kafka/libs (git-ignored), using deploy/kafka/pom.xml. Idempotent.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$here/.local/kafka/libs"
stamp="$dest/.pom.sha256"
sum="$(sha256sum "$here/deploy/kafka/pom.xml" | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ]; then
  echo "setup: Kafka broker jars present in $dest"
  exit 0
fi
echo "setup: fetching the Apache Kafka broker from Maven Central"
rm -rf "$dest"; mkdir -p "$dest"
mvn -B -q -f "$here/deploy/kafka/pom.xml" dependency:copy-dependencies \
  -DincludeScope=runtime -DoutputDirectory="$dest"
echo "$sum" > "$stamp"
echo "setup: $(ls "$dest" | wc -l) jars in $dest"
