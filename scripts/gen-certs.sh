#!/usr/bin/env bash
# Creates local TLS material for sevis-sim, the integration/e2e tests and local runs:
#   OUT_DIR/ca.key, ca.pem              the local "SEVIS" CA (signs the server and clients)
#   OUT_DIR/server.key, server.pem      CN=localhost, SAN DNS:localhost, IP:127.0.0.1
#   OUT_DIR/clients/<org>.key, .pem     one client certificate per organisation id (CN=<org>)
#   OUT_DIR/clients/<org>.enc.key       the same key, AES-256 encrypted with the password in
#   OUT_DIR/clients/<org>.pass          (random, one line)
# RSA 2048, SHA-256, valid 730 days. Idempotent: existing files are kept, only missing ones are
# made. Never use this material outside a test or a local run.
#
# usage: scripts/gen-certs.sh OUT_DIR [ORG_ID...]
set -euo pipefail

if (($# < 1)); then
  echo "usage: $0 OUT_DIR [ORG_ID...]" >&2
  exit 2
fi
out="$1"
shift
days=730
umask 077
mkdir -p "$out/clients"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

newkey() { # newkey FILE
  [ -s "$1" ] || openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null
}

serial() { echo "0x$(openssl rand -hex 16)"; }

# sign CSR_SUBJECT KEY OUT_PEM EXTFILE
sign() {
  openssl req -new -key "$2" -subj "$1" -out "$tmp/req.csr"
  openssl x509 -req -in "$tmp/req.csr" -CA "$out/ca.pem" -CAkey "$out/ca.key" \
    -set_serial "$(serial)" -days "$days" -sha256 -extfile "$4" -out "$3.tmp" 2>/dev/null
  mv "$3.tmp" "$3"
}

newkey "$out/ca.key"
if [ ! -s "$out/ca.pem" ]; then
  openssl req -x509 -new -key "$out/ca.key" -sha256 -days "$days" -set_serial "$(serial)" \
    -subj "/O=sevisflow test/CN=sevisflow local SEVIS CA" -out "$out/ca.pem.tmp"
  mv "$out/ca.pem.tmp" "$out/ca.pem"
fi

newkey "$out/server.key"
if [ ! -s "$out/server.pem" ]; then
  cat >"$tmp/server.ext" <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1
EXT
  sign "/O=sevisflow test/CN=localhost" "$out/server.key" "$out/server.pem" "$tmp/server.ext"
fi

cat >"$tmp/client.ext" <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth
EXT
for org in "$@"; do
  if [[ ! "$org" =~ ^[A-Za-z0-9._-]+$ ]]; then
    echo "gen-certs: bad org id '$org'" >&2
    exit 2
  fi
  base="$out/clients/$org"
  newkey "$base.key"
  [ -s "$base.pem" ] || sign "/O=sevisflow test/CN=$org" "$base.key" "$base.pem" "$tmp/client.ext"
  [ -s "$base.pass" ] || openssl rand -hex 16 >"$base.pass"
  if [ ! -s "$base.enc.key" ]; then
    openssl pkey -in "$base.key" -aes256 -passout "file:$base.pass" -out "$base.enc.key.tmp"
    mv "$base.enc.key.tmp" "$base.enc.key"
  fi
done
# Certificates are public; keys and passwords stay owner-only (umask above).
chmod 644 "$out/ca.pem" "$out/server.pem" "$out"/clients/*.pem 2>/dev/null || true
