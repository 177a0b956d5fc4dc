#!/usr/bin/env bash
# Installs every Debian package sevisflow needs to build, test and run locally, and the Apache
# Kafka broker from Maven Central. Idempotent: a second run checks and returns quickly.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

PACKAGES=(
  g++ cmake ninja-build pkg-config git ca-certificates
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  librdkafka-dev libxerces-c-dev libcurl4-openssl-dev libssl-dev openssl
  libhiredis-dev libzstd-dev libicu-dev libzip-dev zip unzip libspdlog-dev libfmt-dev
  nlohmann-json3-dev libyaml-cpp-dev libgtest-dev libgmock-dev googletest
  libbenchmark-dev redis-server redis-tools default-jdk-headless maven libxml2-utils
  libcpp-httplib-dev libcli11-dev python3 curl procps
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${#missing[@]} Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
  # Debian starts a system redis-server on 6379 on install; the project runs its own.
  if command -v systemctl >/dev/null 2>&1; then $SUDO systemctl disable --now redis-server >/dev/null 2>&1 || true; fi
else
  echo "setup: Debian packages present"
fi

"$here/scripts/kafka-install.sh"
